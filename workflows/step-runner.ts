import { ActivityFailure, ApplicationFailure, condition, log } from '@temporalio/workflow';
import { classifyAgencyEvent } from '../contracts/agency-outcomes';
import { dueAt } from '../contracts/calendar';
import { rules } from '../contracts/rules';
import type { SkipStepInput } from '../contracts/dossier-workflow';
import type { StepView } from '../contracts/dossier-status';
import type { ServiceDefinition, StepDefinition, StepResults } from '../contracts/procedures/define';
import { sendAgencyCommand, sendCancellation } from './activities';
import { sendCommand } from './publishing';
import type { OperatorAction, StepCursor } from './dossier-carry';
import { finalStepStatuses, type DossierState } from './dossier-state';

export type StepEnd = 'completed' | 'rejected' | 'skipped' | 'cancelled';
/** A step parked its cursor because the dossier continues as new. */
export type StepRun = StepEnd | 'parked';

type Outcome =
  | { kind: 'completed'; result: Record<string, unknown> }
  | { kind: 'rejected'; reasonCode: string; message: string }
  | { kind: 'information-requested'; fields: string[]; message: string }
  | { kind: 'overdue' }
  | { kind: 'operator' }
  | { kind: 'withdrawn' }
  | { kind: 'parked' };

/** Runs one step of a dossier: its agency service, with the command its procedure builds from the input. */
export class StepRunner<Input> {
  private readonly service: ServiceDefinition;
  private readonly stepId: string;

  constructor(
    private readonly dossier: DossierState,
    private readonly definition: StepDefinition<Input>,
    private readonly input: Input,
  ) {
    this.service = definition.service;
    this.stepId = definition.service.id;
  }

  /**
   * Runs one step to its end: send, wait for the agency within the legal deadline, re-send when
   * overdue, ask the citizen when the agency asks, and hand over to an operator when attempts run
   * out. Every wait also ends when the dossier continues as new: the step then parks its cursor.
   */
  async run(results: StepResults): Promise<StepRun> {
    const step = this.dossier.step(this.stepId);
    if (!step) throw ApplicationFailure.nonRetryable(`unknown step ${this.stepId}`, 'UnknownStep');
    if (finalStepStatuses.includes(step.status)) return step.status as StepEnd;
    const parked = this.dossier.parked.get(this.stepId);
    this.dossier.parked.delete(this.stepId);
    const cursor: StepCursor = parked ?? {
      phase: 'send',
      backoffSeconds: this.dossier.settings.resendBackoffSeconds,
      resendingOverdue: false,
      resetBackoffOnRetry: false,
    };
    if (!parked) step.dueAt = dueAt(this.dossier.now(), this.service.workingDays, this.dossier.calendar).toISOString();

    for (;;) {
      // While the agency works, its answer may already be in: awaitOutcome applies it first.
      if (this.dossier.withdrawn && cursor.phase !== 'awaiting-agency') return this.cancel(step);
      switch (cursor.phase) {
        case 'send': {
          if (this.dossier.continuing) return this.park(this.stepId, cursor);
          const action = this.dossier.takeOperatorAction(this.stepId);
          if (action?.kind === 'skip') return this.skip(step, action.input);
          step.attempts += 1;
          step.commandId = `${this.dossier.dossierId}/${this.stepId}/${step.attempts}`;
          const command = this.command(results, cursor.supplement);
          const unsent = { sentAt: step.sentAt, resendingOverdue: cursor.resendingOverdue };
          // Under 'sent-with-command' the step counts as sent as its command joins the batch, which
          // publishes it before the status change; runs from before it mark the step once it is out.
          if (this.dossier.sentWithCommand) this.markSent(step, cursor);
          try {
            const request = {
              agency: this.service.agency,
              dossierId: this.dossier.dossierId,
              stepId: this.stepId,
              commandId: step.commandId,
              attempt: step.attempts,
              type: command.type,
              data: command.data,
            };
            // Under 'local-commands' a local activity first (under 'batched-publish' the workflow
            // task's batch); runs from before it keep the regular one.
            if (this.dossier.localCommands) await sendCommand(this.dossier, request);
            else await sendAgencyCommand(request);
          } catch (err) {
            step.sentAt = unsent.sentAt;
            cursor.resendingOverdue = unsent.resendingOverdue;
            step.lastError = `could not send ${command.type}: ${failureMessage(err)}`;
            this.dossier.setStep(step, 'failed');
            cursor.phase = 'awaiting-operator';
            cursor.resetBackoffOnRetry = false;
            continue;
          }
          if (!this.dossier.sentWithCommand) this.markSent(step, cursor);
          continue;
        }
        case 'awaiting-agency': {
          const outcome = await this.awaitOutcome(step, new Date(cursor.until!));
          switch (outcome.kind) {
            case 'completed':
              step.result = outcome.result;
              step.finishedAt = this.dossier.now().toISOString();
              this.dossier.setStep(step, 'completed');
              return 'completed';
            case 'rejected':
              step.rejection = { reasonCode: outcome.reasonCode, message: outcome.message };
              step.finishedAt = this.dossier.now().toISOString();
              this.dossier.setStep(step, 'rejected');
              return 'rejected';
            case 'information-requested':
              step.informationRequest = { fields: outcome.fields, message: outcome.message };
              this.dossier.setStep(step, 'awaiting-citizen');
              cursor.until = dueAt(
                this.dossier.now(),
                rules.informationAnswerWorkingDays.value,
                this.dossier.calendar,
              ).toISOString();
              cursor.phase = 'awaiting-citizen';
              continue;
            case 'operator':
              cursor.phase = 'send';
              continue;
            case 'withdrawn':
              return this.cancel(step);
            case 'parked':
              return this.park(this.stepId, cursor);
            case 'overdue':
              this.dossier.setStep(step, 'overdue');
              if (step.attempts < this.dossier.settings.maxAttempts) {
                cursor.until = new Date(Date.now() + cursor.backoffSeconds * 1000).toISOString();
                cursor.phase = 'backoff';
                continue;
              }
              step.lastError = `no answer from ${this.service.agency} after ${step.attempts} attempts`;
              this.dossier.setStep(step, 'failed');
              cursor.phase = 'awaiting-operator';
              cursor.resetBackoffOnRetry = true;
              continue;
          }
          continue;
        }
        case 'awaiting-citizen': {
          const answered = await this.waitUntil(
            () => this.dossier.supplements.has(this.stepId) || this.dossier.withdrawn || this.dossier.continuing,
            this.dossier.realDelay(new Date(cursor.until!)),
          );
          if (this.dossier.withdrawn) return this.cancel(step);
          if (answered && !this.dossier.supplements.has(this.stepId)) return this.park(this.stepId, cursor);
          if (!answered) {
            step.rejection = {
              reasonCode: 'INFORMATION_NOT_SUPPLIED',
              message: 'the requested information was not supplied within 7 working days',
            };
            step.finishedAt = this.dossier.now().toISOString();
            this.dossier.setStep(step, 'rejected');
            await this.cancelAtAgency(step);
            return 'rejected';
          }
          // Every answer so far goes with the next attempt: an agency that asks twice keeps the first answer.
          cursor.supplement = { ...cursor.supplement, ...this.dossier.supplements.get(this.stepId) };
          this.dossier.supplements.delete(this.stepId);
          step.informationRequest = undefined;
          cursor.phase = 'send';
          continue;
        }
        case 'backoff': {
          const interrupted = await this.waitUntil(
            () => this.dossier.withdrawn || this.dossier.operatorActions.has(this.stepId) || this.dossier.continuing,
            Math.max(1, Date.parse(cursor.until!) - Date.now()),
          );
          if (interrupted && !this.dossier.withdrawn && !this.dossier.operatorActions.has(this.stepId))
            return this.park(this.stepId, cursor);
          cursor.backoffSeconds *= 2;
          cursor.resendingOverdue = !interrupted;
          cursor.phase = 'send';
          continue;
        }
        case 'awaiting-operator': {
          const next = await this.waitForOperator(this.stepId);
          if (next.kind === 'parked') return this.park(this.stepId, cursor);
          if (next.kind === 'skip') return this.skip(step, next.input);
          if (next.kind === 'withdrawn') return this.cancel(step);
          if (cursor.resetBackoffOnRetry) cursor.backoffSeconds = this.dossier.settings.resendBackoffSeconds;
          cursor.phase = 'send';
          continue;
        }
      }
    }
  }

  /**
   * `condition(predicate, delayMs)`; a cheap dossier shares one deadline timer instead of starting
   * (and, when the answer comes first, cancelling) a timer per wait.
   */
  private waitUntil(predicate: () => boolean, delayMs: number): Promise<boolean> {
    return this.dossier.cheap ? this.dossier.alarm.wait(predicate, delayMs) : condition(predicate, delayMs);
  }

  /** The step's command is out (or, under 'sent-with-command', in the batch): wait for the agency. */
  private markSent(step: StepView, cursor: StepCursor): void {
    step.sentAt = this.dossier.now().toISOString();
    this.dossier.setStep(step, cursor.resendingOverdue ? 'retrying' : 'sent');
    cursor.resendingOverdue = false;
    const attemptDeadline = dueAt(this.dossier.now(), this.service.workingDays, this.dossier.calendar);
    const legalDeadline = step.dueAt ? new Date(step.dueAt) : attemptDeadline;
    cursor.until = (legalDeadline > this.dossier.now() ? legalDeadline : attemptDeadline).toISOString();
    cursor.phase = 'awaiting-agency';
  }

  /** A step stops here for the next run, which resumes it from `cursor`. */
  private park(stepId: string, cursor: StepCursor): StepRun {
    this.dossier.parked.set(stepId, cursor);
    return 'parked';
  }

  /** Waits for the agency's answer to the current attempt, its deadline, an operator, a withdrawal, or continue-as-new. */
  private async awaitOutcome(step: StepView, deadline: Date): Promise<Outcome> {
    for (;;) {
      const woke = await this.waitUntil(
        () =>
          (this.dossier.inbox.get(this.stepId)?.length ?? 0) > 0 ||
          this.dossier.withdrawn ||
          this.dossier.operatorActions.has(this.stepId) ||
          this.dossier.continuing,
        this.dossier.realDelay(deadline),
      );
      if (!woke) return { kind: 'overdue' };
      // An answer that has arrived is a fact: it counts before a withdrawal or an operator's retry.
      const event = this.dossier.inbox.get(this.stepId)?.shift();
      if (event) {
        const outcome = classifyAgencyEvent(this.service, event.type, event.data);
        // An answer acknowledges the case too: an agency that decides at once sends no receipt.
        if (outcome.kind !== 'ignored' && outcome.kind !== 'unexpected') step.acknowledgedAt ??= event.occurredAt;
        if (outcome.kind === 'received') {
          if (outcome.flags.length > 0) step.reviewFlags = outcome.flags;
          this.dossier.setStep(step, outcome.awaitingWorker ? 'awaiting-agency-worker' : 'in-progress');
        }
        if (outcome.kind === 'unexpected') {
          // The bridge dead-letters these; one that got here anyway never changes the step.
          this.dossier.view.ignoredEvents += 1;
          log.warn('unexpected agency event ignored', {
            dossierId: this.dossier.dossierId,
            stepId: this.stepId,
            eventType: event.type,
          });
        }
        if (outcome.kind === 'received' || outcome.kind === 'ignored' || outcome.kind === 'unexpected') continue;
        return outcome;
      }
      if (this.dossier.withdrawn) return { kind: 'withdrawn' };
      if (this.dossier.operatorActions.has(this.stepId)) {
        if (this.dossier.operatorActions.get(this.stepId)?.kind === 'retry')
          this.dossier.takeOperatorAction(this.stepId);
        return { kind: 'operator' };
      }
      return { kind: 'parked' };
    }
  }

  /** A failed step waits here, without polling, until an operator retries or skips it (or the dossier continues as new). */
  private async waitForOperator(stepId: string): Promise<OperatorAction | { kind: 'withdrawn' } | { kind: 'parked' }> {
    await condition(
      () => this.dossier.operatorActions.has(stepId) || this.dossier.withdrawn || this.dossier.continuing,
    );
    if (!this.dossier.operatorActions.has(stepId) && !this.dossier.withdrawn) return { kind: 'parked' };
    return this.dossier.takeOperatorAction(stepId) ?? { kind: 'withdrawn' };
  }

  private skip(step: StepView, input: SkipStepInput): StepEnd {
    step.result = { ...input.result, skippedBy: input.operator, skipReason: input.reason };
    step.finishedAt = this.dossier.now().toISOString();
    this.dossier.setStep(step, 'skipped');
    return 'skipped';
  }

  private async cancel(step: StepView): Promise<StepEnd> {
    if (step.status !== 'pending') await this.cancelAtAgency(step);
    step.finishedAt = this.dossier.now().toISOString();
    this.dossier.setStep(step, 'cancelled');
    return 'cancelled';
  }

  private async cancelAtAgency(step: StepView): Promise<void> {
    if (!step.commandId) return;
    await sendCancellation({
      agency: this.service.agency,
      dossierId: this.dossier.dossierId,
      stepId: this.stepId,
      commandId: `${step.commandId}/cancel`,
      attempt: step.attempts,
      type: 'CancelCase.v1',
      data: {
        cancelsCommandId: step.commandId,
        reason: this.dossier.withdrawal?.reason ?? step.rejection?.reasonCode ?? 'cancelled',
      },
    });
  }

  /** The agency command of one attempt, with the citizen's latest answer when the agency asked for one. */
  private command(results: StepResults, supplement?: Record<string, string>) {
    const data = this.definition.command(this.input, results);
    return { type: this.service.command, data: supplement ? { ...data, supplement } : data };
  }
}

/** The reason an activity failed: its cause (the failure itself only says "Activity task failed"). */
function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}
