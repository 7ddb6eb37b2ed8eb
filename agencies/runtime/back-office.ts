import type { BackOffice, Task, TaskFilter } from '../../contracts/back-office';
import type { AgencyId } from '../../contracts/agencies';
import { inTransaction, type Pool } from '../../platform/database';
import { readsOf } from '../../platform/data-access';
import type { CaseRow, Decider } from './decider';

/** The agency worker's back office over the agency's own database. */
export function createBackOffice(deps: { agency: AgencyId; pool: Pool; decider: Decider }): BackOffice {
  const iso = (value: Date) => value.toISOString();
  type TaskRow = Omit<Task, 'dueAt' | 'createdAt'> & { dueAt: Date | null; createdAt: Date };
  const taskColumns = `command_id as "taskId", dossier_id as "dossierId", step_id as "stepId", command_type as "commandType", status, flags, due_at as "dueAt", claimed_by as "claimedBy", created_at as "createdAt"`;
  const toTask = (t: TaskRow): Task => ({ ...t, dueAt: t.dueAt && iso(t.dueAt), createdAt: iso(t.createdAt) });
  return {
    async listTasks(filter: TaskFilter = {}): Promise<Task[]> {
      const { rows } = await deps.pool.query<TaskRow>(
        `select ${taskColumns}
         from cases where ($1::text is null or status = $1) and ($2::timestamptz is null or due_at <= $2) order by due_at nulls last, created_at limit $3`,
        [filter.status ?? 'awaiting-worker', filter.dueBefore ?? null, Math.min(filter.limit ?? 100, 500)],
      );
      return rows.map(toTask);
    },
    async task(taskId) {
      const { rows } = await deps.pool.query<TaskRow>(`select ${taskColumns} from cases where command_id = $1`, [
        taskId,
      ]);
      return rows[0] && toTask(rows[0]);
    },
    /** Exactly one worker wins: the update only matches an unclaimed, open task. */
    async claim(taskId, worker) {
      const result = await deps.pool.query(
        "update cases set claimed_by = $2, claimed_at = now(), updated_at = now() where command_id = $1 and status = 'awaiting-worker' and claimed_by is null",
        [taskId, worker],
      );
      return result.rowCount === 1;
    },
    async release(taskId, worker) {
      const result = await deps.pool.query(
        "update cases set claimed_by = null, claimed_at = null, updated_at = now() where command_id = $1 and status = 'awaiting-worker' and claimed_by = $2",
        [taskId, worker],
      );
      return result.rowCount === 1;
    },
    /** Completes a task the worker holds; the result leaves through the outbox like a rules decision. */
    complete: (taskId, worker, decision) =>
      inTransaction(deps.pool, async (client) => {
        const { rows } = await client.query<CaseRow>(
          "select command_id, dossier_id, step_id, command_type, command from cases where command_id = $1 and status = 'awaiting-worker' and claimed_by = $2 for update",
          [taskId, worker],
        );
        const c = rows[0];
        if (!c) return false;
        await deps.decider.decideByWorker(client, c, decision, worker);
        return true;
      }),
    dataAccess: (personalId) => readsOf(deps.pool, personalId, deps.agency),
    /** Reads only the unpublished rows (a partial index holds them), so it stays cheap however big the outbox grows. */
    async outboxLag({ olderThanSeconds, limit = 200 }) {
      const { rows: totals } = await deps.pool.query<{ unpublished: string; oldest: number | null }>(
        `select count(*) as unpublished, extract(epoch from now() - min(created_at))::float8 as oldest
         from outbox where published_at is null`,
      );
      const { rows } = await deps.pool.query<{ dossierId: string; stepId: string; ageSeconds: number }>(
        `select subject as "dossierId", coalesce(data->>'stepId', '') as "stepId",
                extract(epoch from now() - min(created_at))::float8 as "ageSeconds"
         from outbox where published_at is null and created_at <= now() - make_interval(secs => $1)
         group by subject, data->>'stepId' order by min(created_at) limit $2`,
        [olderThanSeconds, limit],
      );
      return {
        unpublished: Number(totals[0]?.unpublished ?? 0),
        oldestAgeSeconds: totals[0]?.oldest ?? null,
        waiting: rows.map((r) => ({ ...r, ageSeconds: Number(r.ageSeconds) })),
      };
    },
  };
}
