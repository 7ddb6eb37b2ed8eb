import { z } from 'zod';
import type { Pool } from './database';

/** One operator action or task decision, as appended to the audit log. */
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
 * The append-only audit log in the platform database: rows can be inserted and read, never
 * changed or removed (a trigger refuses UPDATE, DELETE and TRUNCATE for every role).
 */
export function createAuditLog(pool: Pool) {
  return {
    async migrate(): Promise<void> {
      await pool.query(`
        create table if not exists audit_log (
          id bigserial primary key,
          at timestamptz not null default now(),
          actor text not null,
          role text not null,
          action text not null,
          reason text not null,
          dossier_id text,
          step_id text,
          before_status text,
          after_status text,
          details jsonb not null default '{}'
        );
        create index if not exists audit_log_dossier on audit_log (dossier_id, at);
        create or replace function audit_log_refuse_change() returns trigger language plpgsql as $$
          begin raise exception 'audit_log is append-only'; end $$;
        drop trigger if exists audit_log_append_only on audit_log;
        create trigger audit_log_append_only before update or delete on audit_log
          for each row execute function audit_log_refuse_change();
        drop trigger if exists audit_log_no_truncate on audit_log;
        create trigger audit_log_no_truncate before truncate on audit_log
          for each statement execute function audit_log_refuse_change();
      `);
    },

    async append(input: AuditEntryInput): Promise<AuditEntry> {
      const e = AuditEntryInput.parse(input);
      const { rows } = await pool.query<{ id: string; at: Date }>(
        `insert into audit_log (actor, role, action, reason, dossier_id, step_id, before_status, after_status, details)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id, at`,
        [
          e.actor,
          e.role,
          e.action,
          e.reason,
          e.dossierId ?? null,
          e.stepId ?? null,
          e.beforeStatus ?? null,
          e.afterStatus ?? null,
          JSON.stringify(e.details),
        ],
      );
      const row = rows[0] as { id: string; at: Date };
      return { ...e, id: Number(row.id), at: row.at.toISOString() };
    },

    async list(query: AuditQuery = {}): Promise<AuditEntry[]> {
      const { rows } = await pool.query<Record<string, unknown>>(
        `select id, at, actor, role, action, reason, dossier_id, step_id, before_status, after_status, details from audit_log
         where ($1::text is null or dossier_id = $1) and ($2::text is null or actor = $2) and ($3::timestamptz is null or at >= $3)
         order by id desc limit $4`,
        [query.dossierId ?? null, query.actor ?? null, query.since ?? null, Math.min(query.limit ?? 100, 1000)],
      );
      return rows.map((r) => ({
        id: Number(r.id),
        at: (r.at as Date).toISOString(),
        actor: r.actor as string,
        role: r.role as AuditEntry['role'],
        action: r.action as string,
        reason: r.reason as string,
        dossierId: (r.dossier_id as string | null) ?? undefined,
        stepId: (r.step_id as string | null) ?? undefined,
        beforeStatus: (r.before_status as string | null) ?? undefined,
        afterStatus: (r.after_status as string | null) ?? undefined,
        details: r.details as Record<string, unknown>,
      }));
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
