import type { AgencyId } from '../contracts/agencies';
import type { Pool } from './database';

/** One finished step as the on-time rate counts it: its agency, legal due time and finish time. */
export interface StepTiming {
  dossierId: string;
  stepId: string;
  agency: AgencyId;
  dueAt?: string;
  finishedAt: string;
}

/** Per agency and window: steps finished, and how many of them by their legal due time. */
export interface OnTimeCounts {
  agency: string;
  window: 'day' | 'week';
  finished: number;
  onTime: number;
}

/**
 * Finished steps' due and finish times, derived from the dossiers' status changes (never
 * authoritative): one row per step, no personal data, so the on-time rate is one indexed query
 * however many dossiers there are. A window counts the steps this store saw finish in it (real
 * time), while on time compares the workflow's own finish and due times (simulated or not).
 */
export function createStepTimings(pool: Pool) {
  return {
    async migrate(): Promise<void> {
      await pool.query(`
        create table if not exists step_timings (
          dossier_id text not null,
          step_id text not null,
          agency text not null,
          due_at timestamptz,
          finished_at timestamptz not null,
          recorded_at timestamptz not null default now(),
          primary key (dossier_id, step_id)
        );
        create index if not exists step_timings_recorded on step_timings (recorded_at desc, agency);
      `);
    },

    /** Keeps finished steps; a redelivered change or a later one for the same step changes nothing. */
    async record(steps: StepTiming[]): Promise<void> {
      if (steps.length === 0) return;
      await pool.query(
        `insert into step_timings (dossier_id, step_id, agency, due_at, finished_at)
         select * from unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[])
         on conflict (dossier_id, step_id) do nothing`,
        [
          steps.map((s) => s.dossierId),
          steps.map((s) => s.stepId),
          steps.map((s) => s.agency),
          steps.map((s) => s.dueAt ?? null),
          steps.map((s) => s.finishedAt),
        ],
      );
    },

    /** Finished and on-time steps per agency over the last day and the last week before `now`. */
    async counts(now: Date = new Date()): Promise<OnTimeCounts[]> {
      const { rows } = await pool.query<{ agency: string; window: 'day' | 'week'; finished: string; on_time: string }>(
        `select agency, w.name as window, count(*) as finished,
                count(*) filter (where due_at is null or finished_at <= due_at) as on_time
         from step_timings
         join (values ('day', interval '1 day'), ('week', interval '7 days')) as w(name, span)
           on recorded_at >= $1::timestamptz - w.span
         where recorded_at >= $1::timestamptz - interval '7 days'
         group by agency, w.name`,
        [now.toISOString()],
      );
      return rows.map((r) => ({
        agency: r.agency,
        window: r.window,
        finished: Number(r.finished),
        onTime: Number(r.on_time),
      }));
    },
  };
}
export type StepTimings = ReturnType<typeof createStepTimings>;
