import type { StuckDossier } from '../../contracts/api';
import type { OperationsDeps } from './deps';

/** Running dossiers that need a look: overdue, failed awaiting an operator, workflow tasks failing, activities retrying. */
export async function stuckDossiers(deps: OperationsDeps, limit: number): Promise<StuckDossier[]> {
  const running = await deps.dossiers.list(deps.dossiers.query({ running: true }), Math.max(limit, 200));
  const stuck: StuckDossier[] = [];
  for (const summary of running) {
    const reasons: StuckDossier['reasons'] = [];
    const detail: string[] = [];
    if (summary.overdue) reasons.push('overdue');
    if (summary.failing) reasons.push('failed-awaiting-operator');
    const description = await deps.dossiers
      .handle(summary.dossierId)
      .describe()
      .catch(() => undefined);
    const raw = description?.raw;
    const taskAttempt = raw?.pendingWorkflowTask?.attempt ?? 0;
    if (taskAttempt > 1) {
      reasons.push('workflow-task-failing');
      detail.push(`workflow task attempt ${taskAttempt}`);
    }
    for (const activity of raw?.pendingActivities ?? []) {
      if ((activity.attempt ?? 0) > 1) {
        if (!reasons.includes('activity-retrying')) reasons.push('activity-retrying');
        detail.push(
          `${activity.activityType?.name ?? 'activity'} attempt ${activity.attempt}: ${activity.lastFailure?.message ?? 'no failure recorded'}`,
        );
      }
    }
    if (reasons.length > 0) stuck.push({ ...summary, reasons, detail });
    if (stuck.length >= limit) break;
  }
  return stuck;
}
