import type { Pool } from '../../platform/database';
import { createBulkJobLocks } from './bulk-lock';

/** What a bulk job does to each dossier it matched. */
export type BulkAction = 'retry' | 'reset' | 'terminate';
export type JobState = 'running' | 'done';
export type ItemState = 'pending' | 'acting' | 'done' | 'skipped' | 'failed';

export interface JobSpec {
  action: BulkAction;
  /** The visibility query the dossiers were matched with, as run. */
  query: string;
  stepId?: string;
  reset?: { beforeStep: string } | { lastGoodBefore: string };
  reason: string;
  actor: string;
  concurrency: number;
}

export interface JobRow extends JobSpec {
  jobId: string;
  state: JobState;
  matched: number;
  createdAt: string;
  finishedAt?: string;
}

export interface JobItem {
  dossierId: string;
  state: ItemState;
  reason?: string;
}

/**
 * Bulk jobs and their per-dossier results in PostgreSQL (schema `ops`), so a job whose process
 * dies continues where it stopped: each dossier's row says whether it was done, skipped, failed,
 * or being acted on when the process died.
 */
export function createBulkJobStore(pool: Pool) {
  return {
    /** Which process runs which job, across processes on this database. */
    locks: createBulkJobLocks(pool),
    async migrate() {
      await pool.query(`
        create schema if not exists ops;
        create table if not exists ops.bulk_jobs (
          job_id text primary key,
          action text not null,
          query text not null,
          step_id text,
          reset_target jsonb,
          reason text not null,
          actor text not null,
          concurrency int not null,
          state text not null,
          matched int not null default 0,
          created_at timestamptz not null default now(),
          finished_at timestamptz
        );
        create table if not exists ops.bulk_job_items (
          job_id text not null references ops.bulk_jobs (job_id),
          dossier_id text not null,
          state text not null,
          reason text,
          updated_at timestamptz not null default now(),
          primary key (job_id, dossier_id)
        );`);
    },
    /** Records the job and every dossier it matched, in one transaction: a job never exists half-listed. */
    async create(jobId: string, spec: JobSpec, dossierIds: string[]): Promise<void> {
      const client = await pool.connect();
      try {
        await client.query('begin');
        await client.query(
          `insert into ops.bulk_jobs (job_id, action, query, step_id, reset_target, reason, actor, concurrency, state, matched)
           values ($1, $2, $3, $4, $5, $6, $7, $8, 'running', $9)`,
          [
            jobId,
            spec.action,
            spec.query,
            spec.stepId ?? null,
            spec.reset ? JSON.stringify(spec.reset) : null,
            spec.reason,
            spec.actor,
            spec.concurrency,
            dossierIds.length,
          ],
        );
        await client.query(
          `insert into ops.bulk_job_items (job_id, dossier_id, state) select $1, unnest($2::text[]), 'pending'`,
          [jobId, dossierIds],
        );
        await client.query('commit');
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async job(jobId: string): Promise<JobRow | undefined> {
      const { rows } = await pool.query(
        `select job_id, action, query, step_id, reset_target, reason, actor, concurrency, state, matched, created_at, finished_at
         from ops.bulk_jobs where job_id = $1`,
        [jobId],
      );
      const r = rows[0];
      if (!r) return undefined;
      return {
        jobId: r.job_id,
        action: r.action,
        query: r.query,
        stepId: r.step_id ?? undefined,
        reset: r.reset_target ?? undefined,
        reason: r.reason,
        actor: r.actor,
        concurrency: r.concurrency,
        state: r.state,
        matched: r.matched,
        createdAt: new Date(r.created_at).toISOString(),
        finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : undefined,
      };
    },
    /** Dossiers still to act on: pending ones, and those being acted on when the job's process died. */
    async unfinished(jobId: string): Promise<JobItem[]> {
      const { rows } = await pool.query(
        `select dossier_id, state from ops.bulk_job_items where job_id = $1 and state in ('pending', 'acting') order by dossier_id`,
        [jobId],
      );
      return rows.map((r) => ({ dossierId: r.dossier_id, state: r.state }));
    },
    async mark(jobId: string, dossierId: string, state: ItemState, reason?: string): Promise<void> {
      await pool.query(
        `update ops.bulk_job_items set state = $3, reason = $4, updated_at = now() where job_id = $1 and dossier_id = $2`,
        [jobId, dossierId, state, reason ?? null],
      );
    },
    async finish(jobId: string): Promise<void> {
      await pool.query(`update ops.bulk_jobs set state = 'done', finished_at = now() where job_id = $1`, [jobId]);
    },
    /** Counts by item state, and the reasons of those skipped or failed. */
    async progress(jobId: string) {
      const { rows } = await pool.query<{ state: ItemState; n: string }>(
        `select state, count(*) as n from ops.bulk_job_items where job_id = $1 group by state`,
        [jobId],
      );
      const counts: Record<ItemState, number> = { pending: 0, acting: 0, done: 0, skipped: 0, failed: 0 };
      for (const r of rows) counts[r.state] = Number(r.n);
      const { rows: notDone } = await pool.query<{ dossier_id: string; state: ItemState; reason: string | null }>(
        `select dossier_id, state, reason from ops.bulk_job_items
         where job_id = $1 and state in ('skipped', 'failed') order by updated_at limit 200`,
        [jobId],
      );
      return {
        counts,
        outcomes: notDone.map((r) => ({ dossierId: r.dossier_id, state: r.state, reason: r.reason ?? '' })),
      };
    },
  };
}
export type BulkJobStore = ReturnType<typeof createBulkJobStore>;
