import { inTransaction, type Pool, type Queryable } from '../platform/database';

/**
 * How long an Idempotency-Key is remembered: well beyond the 24 hours a client may retry in. An
 * older entry counts as absent (a new claim replaces it) and every claim deletes a few expired
 * entries, so the table stays small without a scheduled job.
 */
export const idempotencyRetention = '7 days';

/** What a claim of an Idempotency-Key found: it is ours now, or it holds an earlier application. */
export type KeyClaim = { claimed: true } | { claimed: false; bodyHash: string; dossierId: string };

/** The ledger's statements, inside one transaction. */
export interface LedgerTransaction {
  /** Claims the submitter's key for this application, unless a live entry already holds it. */
  claimIdempotencyKey(entry: { subject: string; key: string; bodyHash: string; dossierId: string }): Promise<KeyClaim>;
  /** Claims a natural key for a dossier; the dossier that holds it already, if one does. */
  claimNaturalKey(key: string, dossierId: string): Promise<string | undefined>;
  /** Moves a natural key from a dossier that no longer holds it; false if another took it first. */
  takeOverNaturalKey(key: string, from: string, to: string): Promise<boolean>;
}

/**
 * The api's record of submissions in the platform database: Idempotency-Keys (bound to the
 * submitter and the application's hash) and the natural keys of applications (one dossier each).
 * Unique constraints make concurrent submissions wait for each other instead of both starting.
 */
export function createSubmissionLedger(pool: Pool) {
  const statements = (db: Queryable): LedgerTransaction => ({
    async claimIdempotencyKey({ subject, key, bodyHash, dossierId }) {
      await db.query(
        `delete from submission_idempotency where ctid in (
           select ctid from submission_idempotency where created_at < now() - $1::interval limit 100 for update skip locked)`,
        [idempotencyRetention],
      );
      // An expired entry is replaced; a live one is left alone and read back below. A concurrent
      // claim of the same key waits here until the first transaction ends.
      const inserted = await db.query(
        `insert into submission_idempotency (subject, idempotency_key, body_hash, dossier_id) values ($1, $2, $3, $4)
         on conflict (subject, idempotency_key) do update
           set body_hash = excluded.body_hash, dossier_id = excluded.dossier_id, created_at = now()
           where submission_idempotency.created_at < now() - $5::interval
         returning dossier_id`,
        [subject, key, bodyHash, dossierId, idempotencyRetention],
      );
      if (inserted.rowCount) return { claimed: true };
      const { rows } = await db.query<{ body_hash: string; dossier_id: string }>(
        'select body_hash, dossier_id from submission_idempotency where subject = $1 and idempotency_key = $2',
        [subject, key],
      );
      const row = rows[0]!;
      return { claimed: false, bodyHash: row.body_hash, dossierId: row.dossier_id };
    },
    async claimNaturalKey(key, dossierId) {
      const inserted = await db.query(
        'insert into submission_natural_keys (natural_key, dossier_id) values ($1, $2) on conflict do nothing',
        [key, dossierId],
      );
      if (inserted.rowCount) return undefined;
      const { rows } = await db.query<{ dossier_id: string }>(
        'select dossier_id from submission_natural_keys where natural_key = $1',
        [key],
      );
      return rows[0]!.dossier_id;
    },
    async takeOverNaturalKey(key, from, to) {
      const updated = await db.query(
        `update submission_natural_keys set dossier_id = $3, claimed_at = now() where natural_key = $1 and dossier_id = $2`,
        [key, from, to],
      );
      return updated.rowCount === 1;
    },
  });

  return {
    async migrate(): Promise<void> {
      await pool.query(`
        create table if not exists submission_idempotency (
          subject text not null,
          idempotency_key text not null,
          body_hash text not null,
          dossier_id text not null,
          created_at timestamptz not null default now(),
          primary key (subject, idempotency_key)
        );
        create index if not exists submission_idempotency_created on submission_idempotency (created_at);
        create table if not exists submission_natural_keys (
          natural_key text primary key,
          dossier_id text not null,
          claimed_at timestamptz not null default now()
        );
      `);
    },

    /**
     * Runs `work` in one transaction, committed only if it returns: a submission keeps its claims
     * exactly when its workflow started.
     */
    transaction: <T>(work: (tx: LedgerTransaction) => Promise<T>): Promise<T> =>
      inTransaction(pool, (client) => work(statements(client))),
  };
}

export type SubmissionLedger = ReturnType<typeof createSubmissionLedger>;
