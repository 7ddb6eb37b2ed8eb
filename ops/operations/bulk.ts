import type { BulkFilters } from '../../contracts/api';
import { retryStep, terminateDossier } from './actions';
import type { Actor, OperationsDeps } from './deps';
import { InvalidRequestError } from './errors';

/** A bulk action over the running dossiers a search matches, carried out here and now (at most 500). */
export async function bulkNow(
  deps: OperationsDeps,
  actor: Actor,
  input: { query: BulkFilters; action: 'retry' | 'terminate'; stepId?: string; reason: string; dryRun: boolean },
) {
  const { query, action, stepId, reason, dryRun } = input;
  if (action === 'retry' && !stepId)
    throw new InvalidRequestError('name the step to retry', 'stepId', 'is required for retry');
  const matched = await deps.dossiers.list(deps.dossiers.query({ ...query, running: true }), 500);
  const failures: { dossierId: string; error: string }[] = [];
  let applied = 0;
  if (!dryRun) {
    for (const { dossierId } of matched) {
      try {
        if (action === 'retry')
          await retryStep(deps, actor, { dossierId, stepId: stepId!, reason, action: 'bulk.step.retry' });
        else await terminateDossier(deps, actor, { dossierId, reason, action: 'bulk.dossier.terminate' });
        applied += 1;
      } catch (err) {
        failures.push({ dossierId, error: (err as Error).message });
      }
    }
  }
  return { dryRun, matched: matched.length, applied, failures };
}
