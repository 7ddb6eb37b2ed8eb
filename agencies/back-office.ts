import type pg from 'pg';
import type { BackOffice, Task, TaskFilter } from '../contracts/back-office';
import type { Pool } from '../platform/database';
import { createPopulationRegistry, type PopulationRegistry } from './reference';
import { healthCardValidTo, rules, type Decision } from './rules';
import type { CaseRow } from './service';

/** The agency worker's back office over the agency's own database. */
export function createBackOffice(deps: {
  pool: Pool;
  inTransaction: <T>(work: (client: pg.PoolClient) => Promise<T>) => Promise<T>;
  conclude: (
    client: pg.PoolClient,
    c: CaseRow,
    decision: Exclude<Decision, { outcome: 'needs-review' }>,
    decidedBy: string,
  ) => Promise<void>;
}): BackOffice {
  const iso = (value: Date) => value.toISOString();
  return {
    async listTasks(filter: TaskFilter = {}): Promise<Task[]> {
      const { rows } = await deps.pool.query<
        Omit<Task, 'dueAt' | 'createdAt'> & { dueAt: Date | null; createdAt: Date }
      >(
        `select command_id as "taskId", dossier_id as "dossierId", step_id as "stepId", command_type as "commandType", status, flags, due_at as "dueAt", claimed_by as "claimedBy", created_at as "createdAt"
         from cases where ($1::text is null or status = $1) and ($2::timestamptz is null or due_at <= $2) order by due_at nulls last, created_at limit $3`,
        [filter.status ?? 'awaiting-worker', filter.dueBefore ?? null, Math.min(filter.limit ?? 100, 500)],
      );
      return rows.map((t) => ({ ...t, dueAt: t.dueAt && iso(t.dueAt), createdAt: iso(t.createdAt) }));
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
    async complete(taskId, worker, decision) {
      return deps.inTransaction(async (client) => {
        const { rows } = await client.query<CaseRow>(
          "select command_id, dossier_id, step_id, command_type, command from cases where command_id = $1 and status = 'awaiting-worker' and claimed_by = $2 for update",
          [taskId, worker],
        );
        const c = rows[0];
        if (!c) return false;
        const outcome: Exclude<Decision, { outcome: 'needs-review' }> =
          decision.decision === 'approve'
            ? { outcome: 'approved', result: await approvalDefaults(c, createPopulationRegistry(client as never)) }
            : decision.decision === 'reject'
              ? { outcome: 'rejected', reasonCode: decision.reasonCode, message: decision.message }
              : { outcome: 'needs-information', fields: decision.fields, message: decision.message };
        await deps.conclude(client, c, outcome, worker);
        return true;
      });
    },
  };
}

/** What rules would have computed for an approval a worker makes by hand. */
async function approvalDefaults(c: CaseRow, registry: PopulationRegistry): Promise<Record<string, unknown>> {
  const command = c.command as {
    child?: { birthDate: string };
    representativeIdNumber?: string;
    parentIdNumber?: string;
  };
  switch (c.command_type) {
    case 'IssueHealthInsuranceCard.v1':
      return { validFrom: command.child?.birthDate, validTo: healthCardValidTo(command.child?.birthDate ?? '') };
    case 'DecideFuneralAllowance.v1':
      return { amountVnd: rules.funeralMultiplier.value * rules.funeralReferenceLevelVnd.value };
    case 'DecideSurvivorBenefit.v1':
      return { representativeIdNumber: command.representativeIdNumber };
    case 'RegisterPermanentResidence.v1':
      return { householdId: (await registry.find(command.parentIdNumber ?? ''))?.householdId ?? 'new-household' };
    default:
      return {};
  }
}
