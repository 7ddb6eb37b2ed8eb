import { z } from 'zod';
import type { DataAccessRecord } from './data-access';

/**
 * An agency's back office as the rest of the system sees it: the worker's task inbox, claim,
 * release and decide. The agency process implements it over its database; the portal api, in
 * another process, reaches it over HTTP with these schemas.
 */

export const taskStatuses = ['awaiting-worker', 'approved', 'rejected', 'information-requested', 'cancelled'] as const;
export const TaskStatus = z.enum(taskStatuses);
export type TaskStatus = z.infer<typeof TaskStatus>;

/** One task as the back office lists it; instants are ISO strings, the same in process and over HTTP. */
export const Task = z.object({
  taskId: z.string(),
  dossierId: z.string(),
  stepId: z.string(),
  commandType: z.string(),
  status: z.string(),
  flags: z.array(z.string()),
  dueAt: z.string().nullable(),
  claimedBy: z.string().nullable(),
  createdAt: z.string(),
});
export type Task = z.infer<typeof Task>;

/** Which tasks to list; by default those awaiting a worker, soonest due first. */
export const TaskFilter = z.strictObject({
  status: TaskStatus.optional(),
  dueBefore: z.date().optional(),
  limit: z.number().int().min(1).max(500).optional(),
});
export type TaskFilter = z.infer<typeof TaskFilter>;

/** The same filter as a query string. */
export const TaskQuery = TaskFilter.extend({
  dueBefore: z.iso.datetime({ offset: true, error: 'must be an ISO date-time' }).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

/** A worker's decision on a task they hold; an approval carries what the rules would have computed. */
export const WorkerDecision = z.discriminatedUnion('decision', [
  z.strictObject({ decision: z.literal('approve') }),
  z.strictObject({
    decision: z.literal('reject'),
    reasonCode: z.string().min(1).max(60),
    message: z.string().min(1).max(1000),
  }),
  z.strictObject({
    decision: z.literal('request-information'),
    fields: z.array(z.string().min(1)).min(1),
    message: z.string().min(1).max(1000),
  }),
]);
export type WorkerDecision = z.infer<typeof WorkerDecision>;

/** A note a worker left on a dossier's step for colleagues of the same agency (never shown to the citizen). */
export const CaseNote = z.object({
  noteId: z.string(),
  author: z.string(),
  text: z.string(),
  createdAt: z.string(),
});
export type CaseNote = z.infer<typeof CaseNote>;

/** The text of a new note: one to two thousand characters. */
export const CaseNoteText = z.string().trim().min(1).max(2000);

/**
 * What a worker sees to decide a task: the task, the command's fields the catalogue lists for the
 * step's review (by dot path, with what the citizen supplied in place) and nothing else of the
 * dossier, and the notes on the step, oldest first.
 */
export const CaseFile = z.object({
  task: Task,
  facts: z.record(z.string(), z.unknown()),
  notes: z.array(CaseNote),
});
export type CaseFile = z.infer<typeof CaseFile>;
/** How far the agency's outbox lags: results written but not yet on the bus, and which dossiers wait longest. */
export const OutboxLag = z.strictObject({
  unpublished: z.number().int().min(0),
  /** Age of the oldest unpublished result, in seconds; null when the outbox is empty. */
  oldestAgeSeconds: z.number().min(0).nullable(),
  /** Dossiers whose results have waited longer than the threshold asked, oldest first. */
  waiting: z.array(z.strictObject({ dossierId: z.string(), stepId: z.string(), ageSeconds: z.number().min(0) })),
});
export type OutboxLag = z.infer<typeof OutboxLag>;
export const OutboxLagQuery = z.strictObject({
  olderThanSeconds: z.coerce.number().min(0).max(31_536_000),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type OutboxLagQuery = z.input<typeof OutboxLagQuery>;

export interface BackOffice {
  listTasks(filter?: TaskFilter): Promise<Task[]>;
  /** One task by its id, whatever its status (the audit log names its dossier); undefined when there is none. */
  task(taskId: string): Promise<Task | undefined>;
  /** Exactly one worker wins a claim. */
  claim(taskId: string, worker: string): Promise<boolean>;
  release(taskId: string, worker: string): Promise<boolean>;
  /** Completes a task the worker holds; false when they do not hold it (or it is decided). */
  complete(taskId: string, worker: string, decision: WorkerDecision): Promise<boolean>;
  /** The task with what its decision needs; undefined when there is no such task. */
  caseFile(taskId: string, reviewFields: readonly string[]): Promise<CaseFile | undefined>;
  /** Adds a note on the task's dossier step; undefined when there is no such task. */
  addNote(taskId: string, author: string, text: string): Promise<CaseNote | undefined>;
  /** The agency's logged reads of one person's record in its read model of the population, newest first. */
  dataAccess(personalId: string): Promise<DataAccessRecord[]>;
  /** The outbox's lag as the agency sees it (for the stuck list and the outbox-lag alert). */
  outboxLag(query: OutboxLagQuery): Promise<OutboxLag>;
}
