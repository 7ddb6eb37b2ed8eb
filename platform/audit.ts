import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { chainHash, chainStartAction, genesisPrevHash, type StoredAuditRow } from './audit-chain';
import { inTransaction, type Pool, type Queryable } from './database';

/** The audit table, in a schema the services' role may use but not change (see audit-schema.ts). */
export const auditTable = 'audit.audit_log';

/** One operator action, task decision or read of personal data, as appended to the audit log. */
export const AuditEntryInput = z.strictObject({
  actor: z.string().min(1),
  role: z.enum(['citizen', 'agency-worker', 'operator', 'auditor', 'system']),
  action: z.string().min(1).max(100),
  reason: z.string().trim().min(3, 'give a reason of at least 3 characters').max(1000),
  dossierId: z.string().min(1).optional(),
  stepId: z.string().min(1).optional(),
  beforeStatus: z.string().optional(),
  afterStatus: z.string().optional(),
  details: z.record(z.string(), z.unknown()).default({}),
});
export type AuditEntryInput = z.input<typeof AuditEntryInput>;
export type AuditEntry = z.output<typeof AuditEntryInput> & { id: number; at: string };

export interface AuditQuery {
  dossierId?: string;
  actor?: string;
  since?: Date;
  limit?: number;
}

/**
 * The audit row could not be written (database down, a value it refuses, the chain busy): whatever
 * it was to record must not be carried out. Retriable: nothing was done.
 */
export class AuditWriteError extends Error {
  readonly type = 'AuditWriteError';
  readonly retriable = true;
  constructor(cause: unknown) {
    super(`the audit log could not record the action: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'AuditWriteError';
  }
}

/** The audit log is missing, or the services' role may do more to it than insert and read. */
export class AuditSetupError extends Error {
  readonly type = 'AuditSetupError';
  readonly retriable = false;
  constructor(problem: string) {
    super(
      `${problem}. The audit log is set up by a database administrator: locally npm start does it; ` +
        'with INFRA_MODE=external run `npm run ops -- db setup` with DATABASE_ADMIN_URL set (see README, "Audit log")',
    );
    this.name = 'AuditSetupError';
  }
}

/** The key of the chain's HMAC: AUDIT_HMAC_KEY, else a development key kept under DATA_DIR (0600). */
export function auditKeyFor(config: { auditHmacKey?: string; dataDir: string }): Uint8Array {
  if (config.auditHmacKey) return Buffer.from(config.auditHmacKey, 'base64');
  const file = join(config.dataDir, 'audit-hmac-key');
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}

/** Appends serialise on this advisory lock, so the chain stays one line however many api processes write. */
const chainLock = 0x6c74_6175; // "ltau"

const columns =
  'id, seq, prev_hash, hash, at, actor, role, action, reason, dossier_id, step_id, before_status, after_status, details';

export function rowFromDb(r: Record<string, unknown>): StoredAuditRow {
  return {
    id: Number(r.id),
    seq: r.seq === null ? null : Number(r.seq),
    prevHash: r.prev_hash as string | null,
    hash: r.hash as string | null,
    at: (r.at as Date).toISOString(),
    actor: r.actor as string,
    role: r.role as string,
    action: r.action as string,
    reason: r.reason as string,
    dossierId: r.dossier_id as string | null,
    stepId: r.step_id as string | null,
    beforeStatus: r.before_status as string | null,
    afterStatus: r.after_status as string | null,
    details: r.details,
  };
}

/** Reads rows for the verifier in chain order, a page at a time (keyset pagination). */
export async function* chainedRows(db: Queryable, pageSize = 1000): AsyncGenerator<StoredAuditRow> {
  let after = { seq: 0, id: 0 };
  for (;;) {
    const { rows } = await db.query<Record<string, unknown>>(
      `select ${columns} from ${auditTable} where seq is not null and (seq, id) > ($1, $2) order by seq, id limit $3`,
      [after.seq, after.id, pageSize],
    );
    for (const r of rows) yield rowFromDb(r);
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) return;
    after = { seq: Number(last.seq), id: Number(last.id) };
  }
}

export async function* unchainedRows(db: Queryable, pageSize = 1000): AsyncGenerator<StoredAuditRow> {
  let after = 0;
  for (;;) {
    const { rows } = await db.query<Record<string, unknown>>(
      `select ${columns} from ${auditTable} where seq is null and id > $1 order by id limit $2`,
      [after, pageSize],
    );
    for (const r of rows) yield rowFromDb(r);
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) return;
    after = Number(last.id);
  }
}

/**
 * The append-only, hash-chained audit log in the platform database. The services' role may only
 * insert and read it; a trigger refuses UPDATE, DELETE and TRUNCATE to every role, and another
 * refuses a row that does not continue the chain. `append` resolves once the row is committed;
 * callers record an action this way before they carry it out.
 */
export function createAuditLog(pool: Pool, key: Uint8Array) {
  const insert = async (
    client: Queryable,
    head: { seq: number; hash: string } | undefined,
    e: z.output<typeof AuditEntryInput>,
  ) => {
    const { rows } = await client.query<{ id: string }>(
      `select nextval(pg_get_serial_sequence('${auditTable}', 'id')) as id`,
    );
    const seq = (head?.seq ?? 0) + 1;
    // Hashed as it will be stored: the driver sends text as UTF-8, a lone surrogate becoming U+FFFD.
    const text = (value: string | undefined) => (value === undefined ? null : Buffer.from(value).toString());
    const row: Omit<StoredAuditRow, 'hash'> = {
      id: Number(rows[0]!.id),
      seq,
      prevHash: head?.hash ?? genesisPrevHash,
      at: new Date().toISOString(),
      actor: text(e.actor)!,
      role: e.role,
      action: text(e.action)!,
      reason: text(e.reason)!,
      dossierId: text(e.dossierId),
      stepId: text(e.stepId),
      beforeStatus: text(e.beforeStatus),
      afterStatus: text(e.afterStatus),
      // As jsonb will give it back: undefined members dropped, and (as for the columns) a lone
      // surrogate in a string as U+FFFD, else the row would read back unlike what was hashed.
      details: JSON.parse(
        JSON.stringify(e.details, (_key, value: unknown) =>
          typeof value === 'string' ? Buffer.from(value).toString() : value,
        ),
      ) as unknown,
    };
    const hash = chainHash(key, row);
    await client.query(
      `insert into ${auditTable} (${columns}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        row.id,
        row.seq,
        row.prevHash,
        hash,
        row.at,
        row.actor,
        row.role,
        row.action,
        row.reason,
        row.dossierId,
        row.stepId,
        row.beforeStatus,
        row.afterStatus,
        JSON.stringify(row.details),
      ],
    );
    return { seq, hash, id: row.id, at: row.at };
  };

  return {
    /**
     * Checks at start-up that the table is there, chained, and that this role may insert and read
     * it but is neither a superuser nor its owner (else the log could be rewritten from here).
     */
    async ready(): Promise<void> {
      const { rows } = await pool.query<{
        exists: boolean;
        superuser: boolean;
        owner: boolean;
        insert: boolean;
        select: boolean;
        chained: boolean;
      }>(
        `select to_regclass($1) is not null as exists,
                (select rolsuper from pg_roles where rolname = current_user) as superuser,
                coalesce((select pg_has_role(current_user, relowner, 'USAGE') from pg_class where oid = to_regclass($1)), false) as owner,
                to_regclass($1) is not null and has_table_privilege(to_regclass($1), 'INSERT') as insert,
                to_regclass($1) is not null and has_table_privilege(to_regclass($1), 'SELECT') as select,
                exists (select 1 from information_schema.columns where table_schema = 'audit' and table_name = 'audit_log' and column_name = 'hash') as chained`,
        [auditTable],
      );
      const state = rows[0]!;
      if (!state.exists || !state.chained) throw new AuditSetupError(`the table ${auditTable} is not set up`);
      if (state.superuser)
        throw new AuditSetupError(
          'the services connect to PostgreSQL as a superuser, who could rewrite the audit log; give them a role that is not',
        );
      if (state.owner) throw new AuditSetupError(`the services' role owns ${auditTable} and could rewrite it`);
      if (!state.insert || !state.select)
        throw new AuditSetupError(`the services' role may not insert into and read ${auditTable}`);
    },

    /** Writes the entry as the next row of the chain (starting the chain first if it has none). */
    async append(input: AuditEntryInput): Promise<AuditEntry> {
      const e = AuditEntryInput.parse(input);
      try {
        const written = await inTransaction(pool, async (client) => {
          await client.query('select pg_advisory_xact_lock($1)', [chainLock]);
          const { rows } = await client.query<{ seq: string; hash: string }>(
            `select seq, hash from ${auditTable} where seq is not null order by seq desc limit 1`,
          );
          let head = rows[0] && { seq: Number(rows[0].seq), hash: rows[0].hash };
          if (!head) {
            const before = await client.query<{ n: number; last: string | null }>(
              `select count(*)::int as n, max(id) as last from ${auditTable} where seq is null`,
            );
            head = await insert(client, undefined, {
              actor: 'lienthong-api',
              role: 'system',
              action: chainStartAction,
              reason: 'the hash chain of the audit log starts here',
              details: { unchainedRows: before.rows[0]!.n, lastUnchainedId: Number(before.rows[0]!.last ?? 0) },
            });
          }
          return insert(client, head, e);
        });
        return { ...e, id: written.id, at: written.at };
      } catch (err) {
        throw new AuditWriteError(err);
      }
    },

    async list(query: AuditQuery = {}): Promise<AuditEntry[]> {
      const { rows } = await pool.query<Record<string, unknown>>(
        `select ${columns} from ${auditTable}
         where ($1::text is null or dossier_id = $1) and ($2::text is null or actor = $2) and ($3::timestamptz is null or at >= $3)
         order by id desc limit $4`,
        [query.dossierId ?? null, query.actor ?? null, query.since ?? null, Math.min(query.limit ?? 100, 1000)],
      );
      return rows.map((r) => {
        const row = rowFromDb(r);
        return {
          id: row.id,
          at: row.at,
          actor: row.actor,
          role: row.role as AuditEntry['role'],
          action: row.action,
          reason: row.reason,
          dossierId: row.dossierId ?? undefined,
          stepId: row.stepId ?? undefined,
          beforeStatus: row.beforeStatus ?? undefined,
          afterStatus: row.afterStatus ?? undefined,
          details: row.details as Record<string, unknown>,
        };
      });
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
