import { dataAccessTableDdl, type AccessContext, type DataAccessRecord } from '../contracts/data-access';
import type { Queryable } from './database';

/** Creates the holder's `data_access` table (idempotent). */
export async function migrateDataAccess(db: Queryable): Promise<void> {
  await db.query(dataAccessTableDdl);
}

/** Logs reads of these people's records, in the caller's transaction when given its client. */
export async function logReads(db: Queryable, personalIds: readonly string[], access: AccessContext): Promise<void> {
  if (personalIds.length === 0) return;
  await db.query(
    `insert into data_access (personal_id, actor, organisation, dossier_id, purpose)
     select unnest($1::text[]), $2, $3, $4, $5`,
    [[...new Set(personalIds)], access.actor, access.organisation, access.dossierId ?? null, access.purpose],
  );
}

/** The logged reads of one person's record, newest first. */
export async function readsOf(
  db: Queryable,
  personalId: string,
  holder: string,
  limit = 200,
): Promise<DataAccessRecord[]> {
  const { rows } = await db.query<{
    actor: string;
    organisation: string;
    dossier_id: string | null;
    purpose: DataAccessRecord['purpose'];
    at: Date;
  }>(
    'select actor, organisation, dossier_id, purpose, at from data_access where personal_id = $1 order by at desc, id desc limit $2',
    [personalId, limit],
  );
  return rows.map((r) => ({
    actor: r.actor,
    organisation: r.organisation,
    ...(r.dossier_id ? { dossierId: r.dossier_id } : {}),
    purpose: r.purpose,
    holder,
    at: r.at.toISOString(),
  }));
}
