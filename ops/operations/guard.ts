import { closedDossierStatuses, type DossierStatus } from '../../contracts/dossier-status';
import type { DossierDirectory } from './deps';
import { DossierClosedError, NotFoundError } from './errors';

const isNotFound = (err: unknown) => (err as Error | undefined)?.name === 'WorkflowNotFoundError';

/** The dossier's status, or NotFoundError when there is no such dossier. */
export async function dossierStatus(dossiers: Pick<DossierDirectory, 'view'>, dossierId: string): Promise<string> {
  try {
    return (await dossiers.view(dossierId)).status;
  } catch (err) {
    if (isNotFound(err)) throw new NotFoundError(`no dossier ${dossierId}`);
    throw err;
  }
}

/** Throws DossierClosedError when the dossier has ended, NotFoundError when there is none; else its status. */
export async function requireOpen(dossiers: Pick<DossierDirectory, 'view'>, dossierId: string): Promise<string> {
  const status = await dossierStatus(dossiers, dossierId);
  if (closedDossierStatuses.includes(status as DossierStatus)) throw new DossierClosedError(dossierId, status);
  return status;
}

/**
 * Runs an update on a dossier that was open a moment ago; when the workflow has closed in
 * between (Temporal answers "not found" for an update to a closed run), says so with its state.
 */
export async function onOpenDossier<T>(
  dossiers: Pick<DossierDirectory, 'view'>,
  dossierId: string,
  act: () => Promise<T>,
): Promise<T> {
  try {
    return await act();
  } catch (err) {
    if (!isNotFound(err)) throw err;
    const status = await dossierStatus(dossiers, dossierId);
    throw new DossierClosedError(dossierId, status);
  }
}
