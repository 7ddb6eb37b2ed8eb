import type { DossierView } from '../../contracts/api';
import type { OperationsDeps } from './deps';
import { NotFoundError } from './errors';

const activityStates: Record<number, string> = {
  1: 'scheduled',
  2: 'started',
  3: 'cancel-requested',
  4: 'paused',
  5: 'pause-requested',
};

/** One dossier in depth, as an operator reads it. */
export interface DossierDepth {
  dossier: DossierView;
  workflow: { status: string; runId: string; historyLength: number; startedAt: string; closedAt?: string };
  pendingActivities: {
    activityType: string;
    attempt: number;
    state: string;
    lastFailure?: string;
    scheduledAt?: string;
  }[];
  workflowTaskAttempt: number;
  temporalUiUrl?: string;
}

/** Steps, attempts, last errors, pending activities, the workflow task's attempt and the Temporal Web UI link. */
export async function dossierInDepth(deps: OperationsDeps, dossierId: string): Promise<DossierDepth> {
  let description;
  try {
    description = await deps.dossiers.handle(dossierId).describe();
  } catch (err) {
    if ((err as Error).name === 'WorkflowNotFoundError') throw new NotFoundError(`no dossier ${dossierId}`);
    throw err;
  }
  const dossier = await deps.dossiers.view(dossierId);
  return {
    dossier,
    workflow: {
      status: description.status.name,
      runId: description.runId,
      historyLength: description.historyLength,
      startedAt: description.startTime.toISOString(),
      closedAt: description.closeTime?.toISOString(),
    },
    pendingActivities: (description.raw.pendingActivities ?? []).map((a) => ({
      activityType: a.activityType?.name ?? 'unknown',
      attempt: a.attempt ?? 0,
      state: activityStates[a.state ?? 0] ?? 'unknown',
      lastFailure: a.lastFailure?.message ?? undefined,
      scheduledAt: a.scheduledTime?.seconds
        ? new Date(Number(a.scheduledTime.seconds) * 1000).toISOString()
        : undefined,
    })),
    workflowTaskAttempt: description.raw.pendingWorkflowTask?.attempt ?? 0,
    temporalUiUrl: deps.temporalUiUrl
      ? `${deps.temporalUiUrl}/namespaces/${encodeURIComponent(deps.namespace)}/workflows/${encodeURIComponent(dossierId)}`
      : undefined,
  };
}
