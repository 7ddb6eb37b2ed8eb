import type { BackOffice, CaseNote, Task, TaskFilter } from '../../contracts/back-office';
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
  type NoteRow = Omit<CaseNote, 'createdAt'> & { createdAt: Date };
  const noteColumns = `id::text as "noteId", author, text, created_at as "createdAt"`;
  const toNote = (n: NoteRow): CaseNote => ({ ...n, createdAt: iso(n.createdAt) });
  const notesOf = async (dossierId: string, stepId: string) => {
    const { rows } = await deps.pool.query<NoteRow>(
      `select ${noteColumns} from case_notes where dossier_id = $1 and step_id = $2 order by id limit 200`,
      [dossierId, stepId],
    );
    return rows.map(toNote);
  };
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
    /** Reads only the listed fields of the command: the rest of the dossier never leaves the agency's database. */
    async caseFile(taskId, reviewFields) {
      const { rows } = await deps.pool.query<TaskRow & { command: Record<string, unknown> }>(
        `select ${taskColumns}, command from cases where command_id = $1`,
        [taskId],
      );
      const row = rows[0];
      if (!row) return undefined;
      const { command, ...task } = row;
      const supplied = (command.supplement ?? {}) as Record<string, unknown>;
      const facts = Object.fromEntries(
        reviewFields.map((path) => [path, Object.hasOwn(supplied, path) ? supplied[path] : valueAt(command, path)]),
      );
      return { task: toTask(task), facts, notes: await notesOf(task.dossierId, task.stepId) };
    },
    async addNote(taskId, author, text) {
      const { rows } = await deps.pool.query<NoteRow>(
        `insert into case_notes (dossier_id, step_id, author, text)
         select dossier_id, step_id, $2, $3 from cases where command_id = $1
         returning ${noteColumns}`,
        [taskId, author, text],
      );
      return rows[0] && toNote(rows[0]);
    },
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

/** The value at a dot path of a command, or undefined. */
function valueAt(command: Record<string, unknown>, path: string): unknown {
  let node: unknown = command;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
