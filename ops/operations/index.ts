import type { SkipStepInput } from '../../contracts/dossier-workflow';
import type { BulkFilters } from '../../contracts/api';
import { resetDossier, retryStep, skipStep, terminateDossier } from './actions';
import { auditQuery } from './audit-query';
import { bulkNow } from './bulk';
import type { Actor, DossierFilters, OperationsDeps } from './deps';
import { dossierInDepth } from './depth';
import type { ResetTarget } from './reset-point';
import { countDossiers, searchDossiers } from './search';
import { onTimeRates } from './on-time';
import { stuckDossiers, type StuckOptions } from './stuck';

export type { Actor, DossierDirectory, DossierFilters, OperationsDeps } from './deps';
export * from './errors';
export type { ActionResult } from './actions';
export type { ResetTarget } from './reset-point';
export type { OnTimeRate, OnTimeRates } from './on-time';
export { requireOpen } from './guard';
export { reportedTaskProblems } from './stuck';
export { createBulkJobs, type BulkJobs, type JobProgress } from './bulk-jobs';
export { createBulkJobStore, type BulkJobStore } from './bulk-store';
export {
  cachedSource,
  deadLetterRecordSource,
  deadLetterTopicSource,
  type OpenDeadLetters,
  type OpenDeadLetterSource,
} from './open-dead-letters';

/**
 * Every operator query and action in one place: the api routes, the command line (through the
 * api) and the pages call it, so roles, reasons and the audit log apply the same way whoever asks.
 */
export function createOperations(deps: OperationsDeps) {
  return {
    search: (filters: DossierFilters, limit: number) => searchDossiers(deps, filters, limit),
    count: (filters: DossierFilters) => countDossiers(deps, filters),
    stuck: (options: StuckOptions) => stuckDossiers(deps, options),
    depth: (dossierId: string) => dossierInDepth(deps, dossierId),
    retry: (actor: Actor, input: { dossierId: string; stepId: string; reason: string }) =>
      retryStep(deps, actor, input),
    skip: (
      actor: Actor,
      input: { dossierId: string; stepId: string; reason: string; result: SkipStepInput['result'] },
    ) => skipStep(deps, actor, input),
    terminate: (actor: Actor, input: { dossierId: string; reason: string }) => terminateDossier(deps, actor, input),
    reset: (actor: Actor, input: { dossierId: string; reason: string; target: ResetTarget }) =>
      resetDossier(deps, actor, input),
    bulkNow: (
      actor: Actor,
      input: { query: BulkFilters; action: 'retry' | 'terminate'; stepId?: string; reason: string; dryRun: boolean },
    ) => bulkNow(deps, actor, input),
    audit: (filter: Parameters<typeof auditQuery>[1]) => auditQuery(deps, filter),
    onTime: (now?: Date) => onTimeRates(deps, now),
  };
}
export type Operations = ReturnType<typeof createOperations>;
