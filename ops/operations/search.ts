import type { DossierSummary } from '../../contracts/api';
import type { DossierFilters, OperationsDeps } from './deps';

/** Dossiers by status, procedure, agency, step, overdue, failing, time range; newest first. */
export function searchDossiers(
  deps: OperationsDeps,
  filters: DossierFilters,
  limit: number,
): Promise<DossierSummary[]> {
  return deps.dossiers.search(filters, limit);
}

/** How many dossiers a search matches, from Temporal visibility (running and recently closed). */
export function countDossiers(deps: OperationsDeps, filters: DossierFilters): Promise<number> {
  return deps.dossiers.count(deps.dossiers.query(filters));
}
