import { upsertSearchAttributes } from '@temporalio/workflow';
import { realDelayUntil, simulatedNow, workingDaysCalendar, type WorkingDaysCalendar } from '../contracts/calendar';
import type { AgencyEventDelivery, DossierSettings, WithdrawInput } from '../contracts/dossier-workflow';
import {
  closedDossierStatuses,
  type DossierStatus,
  type DossierStatusChanged,
  type DossierStatusView,
  type StepStatus,
  type StepView,
} from '../contracts/dossier-status';
import type { ServiceDefinition } from '../contracts/procedures/define';
import { dossierSearchKeys } from '../contracts/search-attributes';
import type { CarriedDossier, OperatorAction, StepCursor } from './dossier-carry';
import { DeadlineAlarm } from './deadline-alarm';
import type { OutgoingCommand } from './publishing';

type SearchAttributesSnapshot = {
  status: DossierStatus;
  current: string[];
  agencies: string[];
  earliestDue?: string;
  overdue: boolean;
  failing: boolean;
};

export const finalStepStatuses: StepStatus[] = ['completed', 'rejected', 'skipped', 'cancelled'];
const waitingOnAgency: StepStatus[] = ['sent', 'in-progress', 'awaiting-agency-worker', 'overdue', 'retrying'];

export interface DossierOptions {
  dossierId: string;
  procedureId: string;
  /** The services of the steps that run for this input (its variant), in catalogue order. */
  services: ServiceDefinition[];
  citizenId: string;
  /** The citizen's application, kept in the view so its owner sees what they applied for. */
  application: Record<string, unknown>;
  settings: DossierSettings;
  /**
   * The applicant's pseudonymous search key (a keyed hash of the ID number), the only form of
   * the citizen that goes into visibility: search attributes cannot be encrypted.
   */
  citizenKey?: string;
  /** The previous run's state when the dossier continued as new. */
  carried?: CarriedDossier;
}

/**
 * What one dossier workflow holds: the view every query returns, what its handlers received and
 * what its steps wait on. Status changes go through `setStep` and `setDossierStatus`, which derive
 * the portal status, queue notifications and keep the search attributes current.
 */
export class DossierState {
  readonly dossierId: string;
  readonly view: DossierStatusView;
  readonly settings: DossierSettings;
  readonly calendar: WorkingDaysCalendar;
  readonly inbox = new Map<string, AgencyEventDelivery[]>();
  readonly seenEvents = new Set<string>();
  readonly supplements = new Map<string, Record<string, string>>();
  readonly operatorActions = new Map<string, OperatorAction>();
  withdrawal: WithdrawInput | undefined;
  readonly notifications: DossierStatusChanged[] = [];
  /** Where each step stood when the previous run continued as new; taken once by the step runner. */
  readonly parked = new Map<string, StepCursor>();
  /** Latched once the history is long enough: every step parks at its next wait. */
  continuing = false;
  /**
   * Set when the run started under the 'cheap-dossier' patch: commands and notifications go out
   * as local activities, search attributes are upserted once a workflow task (by the flush loop),
   * and deadlines share one timer (`alarm`). Histories from before the patch replay without it.
   */
  cheap = false;
  /**
   * Set when the run started under the 'local-commands' patch (which implies 'cheap-dossier'):
   * agency commands go out as local activities too, so a step's send costs no workflow task.
   */
  localCommands = false;
  /**
   * Set when the run started under the 'batched-publish' patch (which implies 'local-commands'):
   * a workflow task's status changes and commands go out together in one local activity.
   */
  batched = false;
  /**
   * Set when the run started under the 'sent-with-command' patch (which implies 'batched-publish'):
   * a step is marked sent as its command joins the batch, which publishes the commands before the
   * status changes, so the change it makes ('received') costs no second local activity.
   */
  sentWithCommand = false;
  /** Commands waiting for the workflow task's batch ('batched-publish'). */
  readonly outbox: OutgoingCommand[] = [];
  /** Set while a failed batch falls back to regular activities: commands then go out on their own. */
  degraded = false;
  readonly alarm = new DeadlineAlarm();
  /** Local activities in flight: the flush loop waits for them, so one workflow task upserts once. */
  localCalls = 0;
  private readonly citizenKey?: string;
  private lastSearchAttributes = '';
  private pendingSearchAttributes: SearchAttributesSnapshot | undefined;

  constructor(options: DossierOptions) {
    this.dossierId = options.dossierId;
    this.settings = options.settings;
    this.citizenKey = options.citizenKey;
    this.calendar = workingDaysCalendar(options.settings.extraHolidays);
    const now = this.now().toISOString();
    this.view = options.carried?.view ?? {
      dossierId: options.dossierId,
      procedure: options.procedureId,
      citizenId: options.citizenId,
      status: 'submitted',
      submittedAt: now,
      updatedAt: now,
      steps: options.services.map((service): StepView => ({
        stepId: service.id,
        agency: service.agency,
        status: 'pending',
        attempts: 0,
      })),
      operatorActions: [],
      ignoredEvents: 0,
      application: options.application,
    };
  }

  step(stepId: string): StepView | undefined {
    return this.view.steps.find((s) => s.stepId === stepId);
  }

  isFinished(): boolean {
    return closedDossierStatuses.includes(this.view.status);
  }

  get withdrawn(): boolean {
    return this.withdrawal !== undefined;
  }

  takeOperatorAction(stepId: string): OperatorAction | undefined {
    const action = this.operatorActions.get(stepId);
    this.operatorActions.delete(stepId);
    return action;
  }

  /** Marks steps that will never start (their prerequisite failed or the dossier was withdrawn). */
  cancelPending(stepIds: string[]): void {
    for (const stepId of stepIds) {
      const step = this.step(stepId);
      if (step?.status === 'pending') this.setStep(step, 'cancelled');
    }
  }

  setStep(step: StepView, status: StepStatus): void {
    step.status = status;
    this.refresh();
    // Citizens and operators hear of a step that missed its deadline or needs an operator, even
    // when the dossier's portal status does not change.
    if (status === 'overdue' || status === 'failed') this.queueNotification();
  }

  setDossierStatus(status: DossierStatus): void {
    this.refresh(status);
  }

  audit(action: string, stepId: string, actor: string, reason: string): void {
    this.view.operatorActions.push({ action, stepId, actor, reason, at: this.now().toISOString() });
  }

  /** Derives the portal status from the steps, queues a notification on change, upserts search attributes. */
  refresh(decided?: DossierStatus): void {
    const before = this.view.status;
    if (decided) this.view.status = decided;
    else if (!closedDossierStatuses.includes(before) && before !== 'processed')
      this.view.status = portalStatus(this.view.steps.map((s) => s.status));
    this.view.updatedAt = this.now().toISOString();
    if (this.view.status !== before) this.queueNotification();
    const open = this.view.steps.filter((s) => !finalStepStatuses.includes(s.status) && s.status !== 'pending');
    const dues = open
      .map((s) => s.dueAt)
      .filter((d): d is string => Boolean(d))
      .sort();
    const attributes: SearchAttributesSnapshot = {
      status: this.view.status,
      current: open.map((s) => s.stepId),
      agencies: [...new Set(open.filter((s) => waitingOnAgency.includes(s.status)).map((s) => s.agency))],
      earliestDue: dues[0],
      overdue: open.some((s) => s.status === 'overdue' || s.status === 'retrying'),
      failing: open.some((s) => s.status === 'failed'),
    };
    if (this.cheap) {
      this.pendingSearchAttributes = attributes;
      return;
    }
    this.upsert(attributes);
  }

  /** Search attributes changed since the last upsert (cheap dossiers upsert them from the flush loop). */
  get searchAttributesChanged(): boolean {
    return (
      this.pendingSearchAttributes !== undefined &&
      JSON.stringify(this.pendingSearchAttributes) !== this.lastSearchAttributes
    );
  }

  flushSearchAttributes(): void {
    if (this.pendingSearchAttributes) this.upsert(this.pendingSearchAttributes);
    this.pendingSearchAttributes = undefined;
  }

  /** Runs a local activity, counted so the flush loop knows when a workflow task's work is done. */
  readonly counted = async <T>(call: () => Promise<T>): Promise<T> => {
    this.localCalls += 1;
    try {
      return await call();
    } finally {
      this.localCalls -= 1;
    }
  };

  private upsert(attributes: SearchAttributesSnapshot): void {
    const serialized = JSON.stringify(attributes);
    if (serialized === this.lastSearchAttributes) return;
    this.lastSearchAttributes = serialized;
    upsertSearchAttributes([
      { key: dossierSearchKeys.DossierStatus, value: attributes.status },
      { key: dossierSearchKeys.ProcedureKind, value: this.view.procedure },
      ...(this.citizenKey ? [{ key: dossierSearchKeys.CitizenId, value: this.citizenKey }] : []),
      { key: dossierSearchKeys.CurrentSteps, value: attributes.current },
      { key: dossierSearchKeys.AgenciesWaitedOn, value: attributes.agencies },
      {
        key: dossierSearchKeys.EarliestDueTime,
        value: attributes.earliestDue ? new Date(attributes.earliestDue) : null,
      },
      { key: dossierSearchKeys.Overdue, value: attributes.overdue },
      { key: dossierSearchKeys.Failing, value: attributes.failing },
    ]);
  }

  /** Snapshots the dossier for the notifications topic, as it is at this change. */
  private queueNotification(): void {
    const { dossierId, procedure, status, updatedAt, steps } = this.view;
    // The pseudonymous key, not the ID number: whoever reads the topic learns no one's identity.
    const citizenKey = this.citizenKey;
    this.notifications.push(
      JSON.parse(
        JSON.stringify({ dossierId, procedure, citizenKey, status, changedAt: updatedAt, steps }),
      ) as DossierStatusChanged,
    );
  }

  /** Simulated now: workflow time (deterministic) seen through the scaled clock. */
  now(): Date {
    return simulatedNow(this.settings.clock, Date.now());
  }

  /** Real milliseconds until a simulated instant (at least 1 ms, so a timer is always set). */
  realDelay(until: Date): number {
    return Math.max(1, Math.ceil(realDelayUntil(this.settings.clock, until, Date.now())));
  }
}

/** The citizen-visible status while steps run; the procedure sets the final statuses itself. */
function portalStatus(steps: StepStatus[]): DossierStatus {
  if (steps.includes('awaiting-citizen')) return 'additional-info-requested';
  if (steps.every((s) => s === 'pending')) return 'submitted';
  if (steps.every((s) => s === 'pending' || s === 'sent')) return 'received';
  return 'processing';
}
