import type { temporal } from '@temporalio/proto';
import type { SkipStepInput } from '../../contracts/dossier-workflow';
import { retryStepUpdate, skipStepUpdate } from '../../workflows/messages';
import { audited } from './audited';
import type { Actor, OperationsDeps } from './deps';
import { DossierClosedError, NotFoundError } from './errors';
import { dossierStatus, onOpenDossier, requireOpen } from './guard';
import { findResetPoint, type ResetTarget } from './reset-point';

/** How a bulk job names an action, so that acting again after a crash does not act twice. */
export interface Repeatable {
  /** The audit row's action name (`bulk.step.retry`...). */
  action?: string;
  /** Sent as Temporal's update id or reset request id: the same key is carried out once. */
  idempotencyKey?: string;
  /** More for the audit row (the bulk job's id). */
  details?: Record<string, unknown>;
}

/** What an action answers: the dossier, the action, and the status it is in afterwards. */
export interface ActionResult {
  dossierId: string;
  action: string;
  status?: string;
  runId?: string;
}

const statusAfter = (deps: OperationsDeps, dossierId: string) =>
  dossierStatus(deps.dossiers, dossierId).catch(() => undefined);

/** Re-sends a step's command now (a new attempt), on an open dossier. */
export async function retryStep(
  deps: OperationsDeps,
  actor: Actor,
  input: { dossierId: string; stepId: string; reason: string } & Repeatable,
): Promise<ActionResult> {
  const { dossierId, stepId, reason, action = 'step.retry', idempotencyKey, details } = input;
  const beforeStatus = await requireOpen(deps.dossiers, dossierId);
  await audited(deps, actor, { action, dossierId, stepId, reason, beforeStatus, details }, () =>
    onOpenDossier(deps.dossiers, dossierId, () =>
      deps.dossiers.handle(dossierId).executeUpdate(retryStepUpdate, {
        args: [{ stepId, operator: actor.subject, reason }],
        // The same key twice is one update: Temporal answers the second with the first's result.
        ...(idempotencyKey ? { updateId: idempotencyKey } : {}),
      }),
    ),
  );
  return { dossierId, action, status: await statusAfter(deps, dossierId) };
}

/** Closes a step by hand with a manual result, on an open dossier. */
export async function skipStep(
  deps: OperationsDeps,
  actor: Actor,
  input: { dossierId: string; stepId: string; reason: string; result: SkipStepInput['result'] },
): Promise<ActionResult> {
  const { dossierId, stepId, reason, result } = input;
  const beforeStatus = await requireOpen(deps.dossiers, dossierId);
  await audited(
    deps,
    actor,
    { action: 'step.skip', dossierId, stepId, reason, beforeStatus, details: { result } },
    () =>
      onOpenDossier(deps.dossiers, dossierId, () =>
        deps.dossiers
          .handle(dossierId)
          .executeUpdate(skipStepUpdate, { args: [{ stepId, operator: actor.subject, reason, result }] }),
      ),
  );
  return { dossierId, action: 'step.skip', status: await statusAfter(deps, dossierId) };
}

/** The running workflow's description; NotFoundError when there is none, DossierClosedError when it has ended. */
async function describeRunning(deps: OperationsDeps, dossierId: string) {
  let description;
  try {
    description = await deps.dossiers.handle(dossierId).describe();
  } catch (err) {
    if ((err as Error).name === 'WorkflowNotFoundError') throw new NotFoundError(`no dossier ${dossierId}`);
    throw err;
  }
  if (description.status.name !== 'RUNNING') {
    const status = await statusAfter(deps, dossierId);
    throw new DossierClosedError(dossierId, status ?? description.status.name.toLowerCase());
  }
  return description;
}

/** Terminates the dossier's workflow (last resort). */
export async function terminateDossier(
  deps: OperationsDeps,
  actor: Actor,
  input: { dossierId: string; reason: string } & Repeatable,
): Promise<ActionResult> {
  const { dossierId, reason, action = 'dossier.terminate', details } = input;
  await describeRunning(deps, dossierId);
  const beforeStatus = await statusAfter(deps, dossierId);
  await audited(deps, actor, { action, dossierId, reason, beforeStatus, details }, () =>
    deps.dossiers.handle(dossierId).terminate(`${actor.subject}: ${reason}`),
  );
  return { dossierId, action, status: await statusAfter(deps, dossierId) };
}

/**
 * Resets the workflow to just before a step sent its first command (the step runs again), or
 * to the last workflow task before a bad deploy; the new run replays on the current workers.
 */
export async function resetDossier(
  deps: OperationsDeps,
  actor: Actor,
  input: { dossierId: string; reason: string; target: ResetTarget } & Repeatable,
): Promise<ActionResult> {
  const { dossierId, reason, target, action = 'dossier.reset', idempotencyKey, details: extra = {} } = input;
  const description = await describeRunning(deps, dossierId);
  const beforeStatus = await statusAfter(deps, dossierId);
  const history = await deps.dossiers.handle(dossierId).fetchHistory();
  const resetTo = await findResetPoint(history, deps.codec, target);
  const requestId = idempotencyKey ?? crypto.randomUUID();
  const stepId = 'beforeStep' in target ? target.beforeStep : undefined;
  const response = await audited(
    deps,
    actor,
    {
      action,
      dossierId,
      stepId,
      reason,
      beforeStatus,
      details: { ...extra, resetToEventId: resetTo, runId: description.runId, requestId, target },
    },
    () =>
      deps.dossiers.client.workflowService.resetWorkflowExecution({
        namespace: deps.namespace,
        workflowExecution: { workflowId: dossierId, runId: description.runId },
        reason: `${actor.subject}: ${reason}`,
        // A protobuf int64: the generated type wants a Long, the encoder also takes a safe integer.
        workflowTaskFinishEventId:
          resetTo as unknown as temporal.api.workflowservice.v1.IResetWorkflowExecutionRequest['workflowTaskFinishEventId'],
        requestId,
      }),
  );
  return { dossierId, action, runId: response.runId ?? '' };
}
