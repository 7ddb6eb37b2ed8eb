import type pg from 'pg';
import type { Pool } from '../platform/database';
import { createPopulationRegistry, type PopulationRegistry } from './reference';
import { healthCardValidTo, rules, type Decision } from './rules';
import type { CaseRow } from './service';

export type WorkerDecision =
  | { decision: 'approve' }
  | { decision: 'reject'; reasonCode: string; message: string }
  | { decision: 'request-information'; fields: string[]; message: string };

/** One task as the back office lists it (dates are strings once they crossed HTTP). */
export interface Task {
  taskId: string;
  dossierId: string;
  stepId: string;
  commandType: string;
  status: string;
  flags: string[];
  dueAt: Date | string | null;
  claimedBy: string | null;
  createdAt: Date | string;
}

export const taskStatuses = ['awaiting-worker', 'approved', 'rejected', 'information-requested', 'cancelled'] as const;
export interface TaskFilter {
  status?: (typeof taskStatuses)[number];
  dueBefore?: Date;
  limit?: number;
}

/**
 * The agency worker's back office: the inbox of tasks, claim, release, complete. In the agency's
 * process it works on the agency's database; elsewhere (the api) it is reached over HTTP.
 */
export interface BackOffice {
  listTasks(filter?: TaskFilter): Promise<Task[]>;
  /** Exactly one worker wins a claim. */
  claim(taskId: string, worker: string): Promise<boolean>;
  release(taskId: string, worker: string): Promise<boolean>;
  /** Completes a task the worker holds; false when they do not hold it (or it is decided). */
  complete(taskId: string, worker: string, decision: WorkerDecision): Promise<boolean>;
}

export function createBackOffice(deps: {
  pool: Pool;
  inTransaction: <T>(work: (client: pg.PoolClient) => Promise<T>) => Promise<T>;
  conclude: (
    client: pg.PoolClient,
    c: CaseRow,
    decision: Exclude<Decision, { outcome: 'needs-review' }>,
    decidedBy: string,
  ) => Promise<void>;
}) {
  return {
    async listTasks(filter: TaskFilter = {}): Promise<Task[]> {
      const { rows } = await deps.pool.query(
        `select command_id as "taskId", dossier_id as "dossierId", step_id as "stepId", command_type as "commandType", status, flags, due_at as "dueAt", claimed_by as "claimedBy", created_at as "createdAt"
         from cases where ($1::text is null or status = $1) and ($2::timestamptz is null or due_at <= $2) order by due_at nulls last, created_at limit $3`,
        [filter.status ?? 'awaiting-worker', filter.dueBefore ?? null, Math.min(filter.limit ?? 100, 500)],
      );
      return rows as {
        taskId: string;
        dossierId: string;
        stepId: string;
        commandType: string;
        status: string;
        flags: string[];
        dueAt: Date | null;
        claimedBy: string | null;
        createdAt: Date;
      }[];
    },
    /** Exactly one worker wins: the update only matches an unclaimed, open task. */
    async claim(taskId: string, worker: string): Promise<boolean> {
      const result = await deps.pool.query(
        "update cases set claimed_by = $2, claimed_at = now(), updated_at = now() where command_id = $1 and status = 'awaiting-worker' and claimed_by is null",
        [taskId, worker],
      );
      return result.rowCount === 1;
    },
    async release(taskId: string, worker: string): Promise<boolean> {
      const result = await deps.pool.query(
        "update cases set claimed_by = null, claimed_at = null, updated_at = now() where command_id = $1 and status = 'awaiting-worker' and claimed_by = $2",
        [taskId, worker],
      );
      return result.rowCount === 1;
    },
    /** Completes a task the worker holds; the result leaves through the outbox like a rules decision. */
    async complete(taskId: string, worker: string, decision: WorkerDecision): Promise<boolean> {
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
