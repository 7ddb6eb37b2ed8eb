import type { AgencyEventDelivery, RetryStepInput, SkipStepInput, WithdrawInput } from '../contracts/dossier-workflow';
import type { DossierStatusChanged, DossierStatusView } from '../contracts/dossier-status';
import type { DossierState } from './dossier-state';

/** An operator's request waiting for its step to pick it up. */
export type OperatorAction = { kind: 'retry'; input: RetryStepInput } | { kind: 'skip'; input: SkipStepInput };

/**
 * Where one step stands between two waits. A running step keeps it as a local; when the dossier
 * continues as new, each unfinished step parks its cursor and the next run resumes from it
 * without re-sending a command the agency already has.
 */
export interface StepCursor {
  phase: 'send' | 'awaiting-agency' | 'awaiting-citizen' | 'backoff' | 'awaiting-operator';
  /** End of the current wait (ISO): the attempt's deadline, the citizen's 7 working days, or the backoff. */
  until?: string;
  /** The citizen's latest answer, sent along with every later attempt. */
  supplement?: Record<string, string>;
  /** Backoff before the next re-send of an overdue command, doubled each time. */
  backoffSeconds: number;
  /** The next send re-sends an overdue command (the step shows as retrying). */
  resendingOverdue: boolean;
  /** An operator's retry after the attempts ran out starts the backoff afresh. */
  resetBackoffOnRetry: boolean;
}

/**
 * A dossier's whole state, handed from one run to the next by continue-as-new so a dossier that
 * lives for weeks keeps a short history. Its parts are what the workflow holds in memory.
 */
export interface CarriedDossier {
  view: DossierStatusView;
  seenEventIds: string[];
  inbox: AgencyEventDelivery[];
  supplements: Record<string, Record<string, string>>;
  operatorActions: OperatorAction[];
  withdrawal?: WithdrawInput;
  notifications: DossierStatusChanged[];
  parked: Record<string, StepCursor>;
}

/** Everything the next run needs to go on exactly where this one stopped. */
export function carry(state: DossierState): CarriedDossier {
  return {
    view: state.view,
    seenEventIds: [...state.seenEvents],
    inbox: [...state.inbox.values()].flat(),
    supplements: Object.fromEntries(state.supplements),
    operatorActions: [...state.operatorActions.values()],
    withdrawal: state.withdrawal,
    notifications: state.notifications,
    parked: Object.fromEntries(state.parked),
  };
}

/** Takes over the state the previous run carried, and re-publishes its search attributes. */
export function resume(state: DossierState, carried: CarriedDossier): void {
  for (const eventId of carried.seenEventIds) state.seenEvents.add(eventId);
  for (const event of carried.inbox) state.inbox.set(event.stepId, [...(state.inbox.get(event.stepId) ?? []), event]);
  for (const [stepId, fields] of Object.entries(carried.supplements)) state.supplements.set(stepId, fields);
  for (const action of carried.operatorActions) state.operatorActions.set(action.input.stepId, action);
  for (const [stepId, cursor] of Object.entries(carried.parked)) state.parked.set(stepId, cursor);
  state.withdrawal = carried.withdrawal;
  state.notifications.push(...carried.notifications);
  state.refresh();
}
