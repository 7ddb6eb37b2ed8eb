import {
  ApplicationFailure,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  allHandlersFinished,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { AgencyId } from '../contracts/agencies';
import {
  dossierMessageNames,
  RetryStepInput,
  SkipStepInput,
  SupplyInformationInput,
  WithdrawInput,
  type AgencyEventDelivery,
  type DossierSettings,
} from '../contracts/dossier-workflow';
import { dossierSearchKeys } from '../contracts/search-attributes';
import type {
  DossierStatus,
  DossierStatusChanged,
  DossierStatusView,
  ProcedureKind,
  StepStatus,
  StepView,
} from '../contracts/dossier-status';
import type { CarriedDossier, OperatorAction, StepCursor } from './dossier-carry';
import {
  dueAt,
  realDelayUntil,
  simulatedNow,
  workingDaysCalendar,
  type WorkingDaysCalendar,
} from '../contracts/calendar';
import { classifyAgencyEvent } from '../contracts/agency-outcomes';

// Publishing to Kafka is quick; a broker outage is retried for minutes, then the step fails and
// waits for an operator instead of hiding the problem in endless retries.
const { sendAgencyCommand, publishDossierNotification } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 12,
    nonRetryableErrorTypes: ['InvalidMessage', 'UnknownTopic'],
  },
});

export const agencyEventSignal = defineSignal<[AgencyEventDelivery]>(dossierMessageNames.agencyEvent);
export const statusQuery = defineQuery<DossierStatusView>(dossierMessageNames.status);
export const supplyInformationUpdate = defineUpdate<DossierStatusView, [SupplyInformationInput]>(
  dossierMessageNames.supplyInformation,
);
export const withdrawUpdate = defineUpdate<DossierStatusView, [WithdrawInput]>(dossierMessageNames.withdraw);
export const retryStepUpdate = defineUpdate<DossierStatusView, [RetryStepInput]>(dossierMessageNames.retryStep);
export const skipStepUpdate = defineUpdate<DossierStatusView, [SkipStepInput]>(dossierMessageNames.skipStep);

/** What a procedure tells the machinery about one of its steps. */
export interface StepPlan {
  stepId: string;
  agency: AgencyId;
  /** Legal time limit in working days (0 = the same working day). */
  workingDays: number;
  /** The agency command for one attempt; `results` holds the results of earlier steps. */
  command(args: { results: Record<string, Record<string, unknown>>; supplement?: Record<string, string> }): {
    type: string;
    data: Record<string, unknown>;
  };
}

type StepEnd = 'completed' | 'rejected' | 'skipped' | 'cancelled';
/** A step parked its cursor because the dossier continues as new. */
type StepRun = StepEnd | 'parked';
const finalStepStatuses: StepStatus[] = ['completed', 'rejected', 'skipped', 'cancelled'];
const waitingOnAgency: StepStatus[] = ['sent', 'in-progress', 'awaiting-agency-worker', 'overdue', 'retrying'];
const finalDossierStatuses: DossierStatus[] = [
  'result-returned',
  'partially-completed',
  'withdrawn',
  'rejected',
  'not-accepted',
];

/**
 * The state and handlers of one dossier workflow. Procedures create it before their first await
 * (so signals and updates are never lost), then run their stages through `runStep`.
 */
export class Dossier {
  readonly view: DossierStatusView;
  private readonly calendar: WorkingDaysCalendar;
  private readonly inbox = new Map<string, AgencyEventDelivery[]>();
  private readonly seenEvents = new Set<string>();
  private readonly supplements = new Map<string, Record<string, string>>();
  private readonly operatorActions = new Map<string, OperatorAction>();
  private withdrawal: WithdrawInput | undefined;
  private readonly notifications: DossierStatusChanged[] = [];
  private lastSearchAttributes = '';
  /** Where each step stood when the previous run continued as new; taken once by `runStep`. */
  private readonly parked = new Map<string, StepCursor>();
  /** Latched once the history is long enough: every step parks at its next wait. */
  private continuing = false;

  constructor(
    readonly dossierId: string,
    procedure: ProcedureKind,
    citizenId: string,
    plans: StepPlan[],
    readonly settings: DossierSettings,
    /**
     * The applicant's pseudonymous search key (a keyed hash of the ID number), the only form of
     * the citizen that goes into visibility: search attributes cannot be encrypted.
     */
    private readonly citizenKey?: string,
    carried?: CarriedDossier,
  ) {
    this.calendar = workingDaysCalendar(settings.extraHolidays);
    const now = this.now().toISOString();
    this.view =
      carried?.view ??
      ({
        dossierId,
        procedure,
        citizenId,
        status: 'submitted',
        submittedAt: now,
        updatedAt: now,
        steps: plans.map(
          (plan): StepView =>
            ({ stepId: plan.stepId, agency: plan.agency, status: 'pending', attempts: 0 }) as StepView,
        ),
        operatorActions: [],
        ignoredEvents: 0,
      } as DossierStatusView);
    if (carried) this.resume(carried);
    this.installHandlers();
  }

  /** Takes over the state the previous run carried, and re-publishes its search attributes. */
  private resume(carried: CarriedDossier): void {
    for (const eventId of carried.seenEventIds) this.seenEvents.add(eventId);
    for (const event of carried.inbox) this.inbox.set(event.stepId, [...(this.inbox.get(event.stepId) ?? []), event]);
    for (const [stepId, fields] of Object.entries(carried.supplements)) this.supplements.set(stepId, fields);
    for (const action of carried.operatorActions) this.operatorActions.set(action.input.stepId, action);
    for (const [stepId, cursor] of Object.entries(carried.parked)) this.parked.set(stepId, cursor);
    this.withdrawal = carried.withdrawal;
    this.notifications.push(...carried.notifications);
    this.refresh();
  }

  /** Everything the next run needs to go on exactly where this one stopped. */
  private carry(): CarriedDossier {
    return {
      view: this.view,
      seenEventIds: [...this.seenEvents],
      inbox: [...this.inbox.values()].flat(),
      supplements: Object.fromEntries(this.supplements),
      operatorActions: [...this.operatorActions.values()],
      withdrawal: this.withdrawal,
      notifications: this.notifications,
      parked: Object.fromEntries(this.parked),
    };
  }

  private installHandlers(): void {
    setHandler(statusQuery, () => this.view);
    setHandler(agencyEventSignal, (event) => this.receive(event));
    setHandler(
      supplyInformationUpdate,
      (input) => {
        this.supplements.set(input.stepId, input.fields);
        return this.view;
      },
      {
        validator: (input) => {
          const parsed = parseOrReject(SupplyInformationInput, input);
          if (this.step(parsed.stepId)?.status !== 'awaiting-citizen')
            reject(`step ${parsed.stepId} is not waiting for information from the citizen`);
        },
      },
    );
    setHandler(
      withdrawUpdate,
      (input) => {
        this.withdrawal = input;
        return this.view;
      },
      {
        validator: (input) => {
          parseOrReject(WithdrawInput, input);
          if (this.isFinished() || ['processed', 'result-returned'].includes(this.view.status))
            reject(`dossier is ${this.view.status} and can no longer be withdrawn`);
        },
      },
    );
    setHandler(
      retryStepUpdate,
      (input) => {
        this.operatorActions.set(input.stepId, { kind: 'retry', input });
        this.audit('retry-step', input.stepId, input.operator, input.reason);
        return this.view;
      },
      {
        validator: (input) => {
          const parsed = parseOrReject(RetryStepInput, input);
          const step = this.step(parsed.stepId);
          if (!step) reject(`unknown step ${parsed.stepId}`);
          if (step.status === 'pending' || finalStepStatuses.includes(step.status))
            reject(`step ${parsed.stepId} is ${step.status}; only a started, unfinished step can be retried`);
        },
      },
    );
    setHandler(
      skipStepUpdate,
      (input) => {
        this.operatorActions.set(input.stepId, { kind: 'skip', input: SkipStepInput.parse(input) });
        this.audit('skip-step', input.stepId, input.operator, input.reason);
        return this.view;
      },
      {
        validator: (input) => {
          const parsed = parseOrReject(SkipStepInput, input);
          const step = this.step(parsed.stepId);
          if (!step) reject(`unknown step ${parsed.stepId}`);
          if (finalStepStatuses.includes(step.status)) reject(`step ${parsed.stepId} is already ${step.status}`);
        },
      },
    );
  }

  step(stepId: string): StepView | undefined {
    return this.view.steps.find((s) => s.stepId === stepId);
  }

  isFinished(): boolean {
    return finalDossierStatuses.includes(this.view.status);
  }

  get withdrawn(): boolean {
    return this.withdrawal !== undefined;
  }

  /** Signals from the bridge: dedupe by event id, ignore events for other attempts. */
  private receive(event: AgencyEventDelivery): void {
    const step = this.step(event.stepId);
    if (
      this.seenEvents.has(event.eventId) ||
      !step ||
      step.commandId !== event.commandId ||
      finalStepStatuses.includes(step.status)
    ) {
      this.view.ignoredEvents += 1;
      log.info('agency event ignored', {
        dossierId: this.dossierId,
        stepId: event.stepId,
        eventType: event.type,
        reason: this.seenEvents.has(event.eventId) ? 'duplicate' : 'stale',
      });
      return;
    }
    this.seenEvents.add(event.eventId);
    const queue = this.inbox.get(event.stepId) ?? [];
    queue.push(event);
    this.inbox.set(event.stepId, queue);
  }

  /**
   * Runs one step to its end: send, wait for the agency within the legal deadline, re-send when
   * overdue, ask the citizen when the agency asks, and hand over to an operator when attempts run
   * out. Every wait also ends when the dossier continues as new: the step then parks its cursor.
   */
  async runStep(plan: StepPlan, results: Record<string, Record<string, unknown>>): Promise<StepRun> {
    const step = this.step(plan.stepId);
    if (!step) throw ApplicationFailure.nonRetryable(`unknown step ${plan.stepId}`, 'UnknownStep');
    if (finalStepStatuses.includes(step.status)) return step.status as StepEnd;
    const parked = this.parked.get(plan.stepId);
    this.parked.delete(plan.stepId);
    const cursor: StepCursor = parked ?? {
      phase: 'send',
      backoffSeconds: this.settings.resendBackoffSeconds,
      resendingOverdue: false,
      resetBackoffOnRetry: false,
    };
    if (!parked) step.dueAt = dueAt(this.now(), plan.workingDays, this.calendar).toISOString();

    for (;;) {
      // While the agency works, its answer may already be in: awaitOutcome applies it first.
      if (this.withdrawn && cursor.phase !== 'awaiting-agency') return this.cancel(plan, step);
      switch (cursor.phase) {
        case 'send': {
          if (this.continuing) return this.park(plan.stepId, cursor);
          const action = this.takeOperatorAction(plan.stepId);
          if (action?.kind === 'skip') return this.skip(step, action.input);
          step.attempts += 1;
          step.commandId = `${this.dossierId}/${plan.stepId}/${step.attempts}`;
          const command = plan.command({ results, supplement: cursor.supplement });
          try {
            await sendAgencyCommand({
              agency: plan.agency,
              dossierId: this.dossierId,
              stepId: plan.stepId,
              commandId: step.commandId,
              attempt: step.attempts,
              type: command.type,
              data: command.data,
            });
          } catch (err) {
            step.lastError = `could not send ${command.type}: ${(err as Error).message}`;
            this.setStep(step, 'failed');
            cursor.phase = 'awaiting-operator';
            cursor.resetBackoffOnRetry = false;
            continue;
          }
          step.sentAt = this.now().toISOString();
          this.setStep(step, cursor.resendingOverdue ? 'retrying' : 'sent');
          cursor.resendingOverdue = false;
          const attemptDeadline = dueAt(this.now(), plan.workingDays, this.calendar);
          const legalDeadline = step.dueAt ? new Date(step.dueAt) : attemptDeadline;
          cursor.until = (legalDeadline > this.now() ? legalDeadline : attemptDeadline).toISOString();
          cursor.phase = 'awaiting-agency';
          continue;
        }
        case 'awaiting-agency': {
          const outcome = await this.awaitOutcome(plan, step, new Date(cursor.until!));
          switch (outcome.kind) {
            case 'completed':
              step.result = outcome.result;
              step.finishedAt = this.now().toISOString();
              this.setStep(step, 'completed');
              return 'completed';
            case 'rejected':
              step.rejection = { reasonCode: outcome.reasonCode, message: outcome.message };
              step.finishedAt = this.now().toISOString();
              this.setStep(step, 'rejected');
              return 'rejected';
            case 'information-requested':
              step.informationRequest = { fields: outcome.fields, message: outcome.message };
              this.setStep(step, 'awaiting-citizen');
              cursor.until = dueAt(this.now(), 7, this.calendar).toISOString();
              cursor.phase = 'awaiting-citizen';
              continue;
            case 'operator':
              cursor.phase = 'send';
              continue;
            case 'withdrawn':
              return this.cancel(plan, step);
            case 'parked':
              return this.park(plan.stepId, cursor);
            case 'overdue':
              this.setStep(step, 'overdue');
              if (step.attempts < this.settings.maxAttempts) {
                cursor.until = new Date(Date.now() + cursor.backoffSeconds * 1000).toISOString();
                cursor.phase = 'backoff';
                continue;
              }
              step.lastError = `no answer from ${plan.agency} after ${step.attempts} attempts`;
              this.setStep(step, 'failed');
              cursor.phase = 'awaiting-operator';
              cursor.resetBackoffOnRetry = true;
              continue;
          }
          continue;
        }
        case 'awaiting-citizen': {
          const answered = await condition(
            () => this.supplements.has(plan.stepId) || this.withdrawn || this.continuing,
            this.realDelay(new Date(cursor.until!)),
          );
          if (this.withdrawn) return this.cancel(plan, step);
          if (answered && !this.supplements.has(plan.stepId)) return this.park(plan.stepId, cursor);
          if (!answered) {
            step.rejection = {
              reasonCode: 'INFORMATION_NOT_SUPPLIED',
              message: 'the requested information was not supplied within 7 working days',
            };
            step.finishedAt = this.now().toISOString();
            this.setStep(step, 'rejected');
            await this.cancelAtAgency(plan, step);
            return 'rejected';
          }
          cursor.supplement = this.supplements.get(plan.stepId);
          this.supplements.delete(plan.stepId);
          step.informationRequest = undefined;
          cursor.phase = 'send';
          continue;
        }
        case 'backoff': {
          const interrupted = await condition(
            () => this.withdrawn || this.operatorActions.has(plan.stepId) || this.continuing,
            Math.max(1, Date.parse(cursor.until!) - Date.now()),
          );
          if (interrupted && !this.withdrawn && !this.operatorActions.has(plan.stepId))
            return this.park(plan.stepId, cursor);
          cursor.backoffSeconds *= 2;
          cursor.resendingOverdue = !interrupted;
          cursor.phase = 'send';
          continue;
        }
        case 'awaiting-operator': {
          const next = await this.waitForOperator(plan.stepId);
          if (next.kind === 'parked') return this.park(plan.stepId, cursor);
          if (next.kind === 'skip') return this.skip(step, next.input);
          if (next.kind === 'withdrawn') return this.cancel(plan, step);
          if (cursor.resetBackoffOnRetry) cursor.backoffSeconds = this.settings.resendBackoffSeconds;
          cursor.phase = 'send';
          continue;
        }
      }
    }
  }

  /**
   * Runs the procedure's stages in order, the steps of one stage in parallel. A stage that does not
   * fully succeed stops the later ones: their steps are cancelled. The dossier ends rejected when
   * its first stage fails, partially completed when a later stage's step was rejected. When the
   * history grows long, every step parks and the dossier goes on in a new run (`continueAsNew`).
   */
  async runStages(
    stages: StepPlan[][],
    continueAsNew: (carried: CarriedDossier) => Promise<never>,
  ): Promise<DossierStatusView> {
    const notifier = this.notifyLoop(() => this.isFinished() || this.continuing);
    const watcher = this.watchHistoryLength();
    const results: Record<string, Record<string, unknown>> = Object.fromEntries(
      this.view.steps.filter((s) => s.result).map((s) => [s.stepId, s.result!]),
    );
    let outcome: DossierStatus = 'processed';
    for (const [index, stage] of stages.entries()) {
      const ends = await Promise.all(stage.map((plan) => this.runStep(plan, results)));
      if (ends.includes('parked')) {
        await notifier;
        await condition(allHandlersFinished);
        return continueAsNew(this.carry());
      }
      for (const plan of stage) results[plan.stepId] = this.step(plan.stepId)?.result ?? {};
      if (ends.every((end) => end === 'completed' || end === 'skipped')) continue;
      this.cancelPending(
        stages
          .slice(index + 1)
          .flat()
          .map((plan) => plan.stepId),
      );
      if (this.withdrawn) outcome = 'withdrawn';
      else if (index === 0) outcome = 'rejected';
      else outcome = 'partially-completed';
      break;
    }
    if (outcome === 'processed') {
      this.setDossierStatus('processed');
      outcome = 'result-returned';
    }
    this.setDossierStatus(outcome);
    await Promise.all([notifier, watcher]);
    return this.view;
  }

  /**
   * Latches `continuing` once Temporal suggests continuing as new (or the history reaches
   * `continueAsNewAfterEvents`): a dossier that waits weeks on workers, retries and redelivered
   * events must not grow its history without bound.
   */
  private async watchHistoryLength(): Promise<void> {
    const { continueAsNewAfterEvents } = this.settings;
    const long = () =>
      continueAsNewAfterEvents === undefined
        ? workflowInfo().continueAsNewSuggested
        : workflowInfo().historyLength >= continueAsNewAfterEvents;
    await condition(() => this.isFinished() || long());
    if (!this.isFinished() && patched('continue-as-new-on-long-history')) this.continuing = true;
  }

  /** A step stops here for the next run, which resumes it from `cursor`. */
  private park(stepId: string, cursor: StepCursor): StepRun {
    this.parked.set(stepId, cursor);
    return 'parked';
  }

  /** Waits for the agency's answer to the current attempt, its deadline, an operator, a withdrawal, or continue-as-new. */
  private async awaitOutcome(plan: StepPlan, step: StepView, deadline: Date): Promise<Outcome> {
    for (;;) {
      const woke = await condition(
        () =>
          (this.inbox.get(plan.stepId)?.length ?? 0) > 0 ||
          this.withdrawn ||
          this.operatorActions.has(plan.stepId) ||
          this.continuing,
        this.realDelay(deadline),
      );
      if (!woke) return { kind: 'overdue' };
      // An answer that has arrived is a fact: it counts before a withdrawal or an operator's retry.
      const event = this.inbox.get(plan.stepId)?.shift();
      if (event) {
        const outcome = classifyAgencyEvent(event.type, event.data);
        if (outcome.kind === 'received') {
          step.acknowledgedAt ??= event.occurredAt;
          this.setStep(step, outcome.awaitingWorker ? 'awaiting-agency-worker' : 'in-progress');
        }
        if (outcome.kind === 'received' || outcome.kind === 'ignored') continue;
        return outcome;
      }
      if (this.withdrawn) return { kind: 'withdrawn' };
      if (this.operatorActions.has(plan.stepId)) {
        if (this.operatorActions.get(plan.stepId)?.kind === 'retry') this.takeOperatorAction(plan.stepId);
        return { kind: 'operator' };
      }
      return { kind: 'parked' };
    }
  }

  /** A failed step waits here, without polling, until an operator retries or skips it (or the dossier continues as new). */
  private async waitForOperator(stepId: string): Promise<OperatorAction | { kind: 'withdrawn' } | { kind: 'parked' }> {
    await condition(() => this.operatorActions.has(stepId) || this.withdrawn || this.continuing);
    if (!this.operatorActions.has(stepId) && !this.withdrawn) return { kind: 'parked' };
    return this.takeOperatorAction(stepId) ?? { kind: 'withdrawn' };
  }

  private takeOperatorAction(stepId: string): OperatorAction | undefined {
    const action = this.operatorActions.get(stepId);
    this.operatorActions.delete(stepId);
    return action;
  }

  private skip(step: StepView, input: SkipStepInput): StepEnd {
    step.result = { ...input.result, skippedBy: input.operator, skipReason: input.reason };
    step.finishedAt = this.now().toISOString();
    this.setStep(step, 'skipped');
    return 'skipped';
  }

  private async cancel(plan: StepPlan, step: StepView): Promise<StepEnd> {
    if (step.status !== 'pending') await this.cancelAtAgency(plan, step);
    step.finishedAt = this.now().toISOString();
    this.setStep(step, 'cancelled');
    return 'cancelled';
  }

  private async cancelAtAgency(plan: StepPlan, step: StepView): Promise<void> {
    if (!step.commandId) return;
    await sendAgencyCommand({
      agency: plan.agency,
      dossierId: this.dossierId,
      stepId: plan.stepId,
      commandId: `${step.commandId}/cancel`,
      attempt: step.attempts,
      type: 'CancelCase.v1',
      data: {
        cancelsCommandId: step.commandId,
        reason: this.withdrawal?.reason ?? step.rejection?.reasonCode ?? 'cancelled',
      },
    });
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

  /** Derives the portal status from the steps, queues a notification on change, upserts search attributes. */
  private refresh(decided?: DossierStatus): void {
    const before = this.view.status;
    if (decided) this.view.status = decided;
    else if (!finalDossierStatuses.includes(before) && before !== 'processed')
      this.view.status = portalStatus(this.view.steps.map((s) => s.status));
    this.view.updatedAt = this.now().toISOString();
    if (this.view.status !== before) this.queueNotification();
    const open = this.view.steps.filter((s) => !finalStepStatuses.includes(s.status) && s.status !== 'pending');
    const dues = open
      .map((s) => s.dueAt)
      .filter((d): d is string => Boolean(d))
      .sort();
    const attributes = {
      status: this.view.status,
      current: open.map((s) => s.stepId),
      agencies: [...new Set(open.filter((s) => waitingOnAgency.includes(s.status)).map((s) => s.agency))],
      earliestDue: dues[0],
      overdue: open.some((s) => s.status === 'overdue' || s.status === 'retrying'),
      failing: open.some((s) => s.status === 'failed'),
    };
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
    const { dossierId, procedure, citizenId, status, updatedAt, steps } = this.view;
    this.notifications.push(
      JSON.parse(
        JSON.stringify({ dossierId, procedure, citizenId, status, changedAt: updatedAt, steps }),
      ) as DossierStatusChanged,
    );
  }

  /** Publishes queued changes in order; runs beside the stages until the dossier ends. */
  async notifyLoop(done: () => boolean): Promise<void> {
    for (;;) {
      await condition(() => this.notifications.length > 0 || done());
      const notification = this.notifications.shift();
      if (notification === undefined) return;
      await publishDossierNotification(notification);
    }
  }

  private audit(action: string, stepId: string, actor: string, reason: string): void {
    this.view.operatorActions.push({ action, stepId, actor, reason, at: this.now().toISOString() });
  }

  /** Simulated now: workflow time (deterministic) seen through the scaled clock. */
  now(): Date {
    return simulatedNow(this.settings.clock, Date.now());
  }

  /** Real milliseconds until a simulated instant (at least 1 ms, so a timer is always set). */
  private realDelay(until: Date): number {
    return Math.max(1, Math.ceil(realDelayUntil(this.settings.clock, until, Date.now())));
  }

  get info() {
    return workflowInfo();
  }
}

type Outcome =
  | { kind: 'completed'; result: Record<string, unknown> }
  | { kind: 'rejected'; reasonCode: string; message: string }
  | { kind: 'information-requested'; fields: string[]; message: string }
  | { kind: 'overdue' }
  | { kind: 'operator' }
  | { kind: 'withdrawn' }
  | { kind: 'parked' };

/** The citizen-visible status while steps run; the procedure sets the final statuses itself. */
function portalStatus(steps: StepStatus[]): DossierStatus {
  if (steps.includes('awaiting-citizen')) return 'additional-info-requested';
  if (steps.every((s) => s === 'pending')) return 'submitted';
  if (steps.every((s) => s === 'pending' || s === 'sent')) return 'received';
  return 'processing';
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
