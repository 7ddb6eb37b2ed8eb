import { ApplicationFailure, log, setHandler } from '@temporalio/workflow';
import {
  RetryStepInput,
  SkipStepInput,
  SupplyInformationInput,
  WithdrawInput,
  type AgencyEventDelivery,
} from '../contracts/dossier-workflow';
import { finalStepStatuses, type DossierState } from './dossier-state';
import {
  agencyEventSignal,
  retryStepUpdate,
  skipStepUpdate,
  statusQuery,
  supplyInformationUpdate,
  withdrawUpdate,
} from './messages';

/**
 * Sets the dossier's query, signal and update handlers. Called before the workflow's first await,
 * so nothing sent to a new dossier is lost. Validators refuse what cannot apply, and nothing a
 * validator refuses reaches the history.
 */
export function installHandlers(state: DossierState): void {
  setHandler(statusQuery, () => state.view);
  setHandler(agencyEventSignal, (event) => receive(state, event));
  setHandler(
    supplyInformationUpdate,
    (input) => {
      state.supplements.set(input.stepId, input.fields);
      return state.view;
    },
    {
      validator: (input) => {
        const parsed = parseOrReject(SupplyInformationInput, input);
        if (state.step(parsed.stepId)?.status !== 'awaiting-citizen')
          reject(`step ${parsed.stepId} is not waiting for information from the citizen`);
      },
    },
  );
  setHandler(
    withdrawUpdate,
    (input) => {
      state.withdrawal = input;
      return state.view;
    },
    {
      validator: (input) => {
        parseOrReject(WithdrawInput, input);
        if (state.isFinished() || ['processed', 'result-returned'].includes(state.view.status))
          reject(`dossier is ${state.view.status} and can no longer be withdrawn`);
      },
    },
  );
  setHandler(
    retryStepUpdate,
    (input) => {
      state.operatorActions.set(input.stepId, { kind: 'retry', input });
      state.audit('retry-step', input.stepId, input.operator, input.reason);
      return state.view;
    },
    {
      validator: (input) => {
        const parsed = parseOrReject(RetryStepInput, input);
        const step = state.step(parsed.stepId);
        if (!step) reject(`unknown step ${parsed.stepId}`);
        if (step.status === 'pending' || finalStepStatuses.includes(step.status))
          reject(`step ${parsed.stepId} is ${step.status}; only a started, unfinished step can be retried`);
      },
    },
  );
  setHandler(
    skipStepUpdate,
    (input) => {
      state.operatorActions.set(input.stepId, { kind: 'skip', input: SkipStepInput.parse(input) });
      state.audit('skip-step', input.stepId, input.operator, input.reason);
      return state.view;
    },
    {
      validator: (input) => {
        const parsed = parseOrReject(SkipStepInput, input);
        const step = state.step(parsed.stepId);
        if (!step) reject(`unknown step ${parsed.stepId}`);
        if (finalStepStatuses.includes(step.status)) reject(`step ${parsed.stepId} is already ${step.status}`);
      },
    },
  );
}

/** Signals from the bridge: dedupe by event id, ignore events for other attempts. */
function receive(state: DossierState, event: AgencyEventDelivery): void {
  const step = state.step(event.stepId);
  if (
    state.seenEvents.has(event.eventId) ||
    !step ||
    step.commandId !== event.commandId ||
    finalStepStatuses.includes(step.status)
  ) {
    state.view.ignoredEvents += 1;
    log.info('agency event ignored', {
      dossierId: state.dossierId,
      stepId: event.stepId,
      eventType: event.type,
      reason: state.seenEvents.has(event.eventId) ? 'duplicate' : 'stale',
    });
    return;
  }
  state.seenEvents.add(event.eventId);
  const queue = state.inbox.get(event.stepId) ?? [];
  queue.push(event);
  state.inbox.set(event.stepId, queue);
}

function parseOrReject<T>(
  schema: {
    safeParse(
      input: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  input: unknown,
): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success)
    reject(parsed.error.issues.map((i) => `${i.path.map(String).join('.') || 'input'}: ${i.message}`).join('; '));
  return parsed.data;
}

function reject(message: string): never {
  throw ApplicationFailure.nonRetryable(message, 'InvalidRequest');
}
