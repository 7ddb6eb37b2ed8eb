import { randomUUID } from 'node:crypto';
import { resetDossier, retryStep, terminateDossier } from './actions';
import type { HeldJob } from './bulk-lock';
import type { BulkAction, BulkJobStore, JobItem, JobRow } from './bulk-store';
import type { Actor, DossierFilters, OperationsDeps } from './deps';
import { DossierClosedError, InvalidRequestError, NotFoundError, OperationConflictError } from './errors';
import type { ResetTarget } from './reset-point';

/** The most dossiers one job takes on; a larger selection is split by a narrower query. */
export const bulkJobMaxDossiers = 10_000;

export interface BulkJobInput {
  filters: DossierFilters;
  action: BulkAction;
  stepId?: string;
  reset?: ResetTarget;
  reason: string;
  concurrency: number;
}

/** Where a job stands: counts by result, and why each skipped or failed dossier was. */
export interface JobProgress {
  jobId: string;
  action: BulkAction;
  state: JobRow['state'];
  /** Whether a process (this one or another api) is working on it now; a running job none works on needs a resume. */
  active: boolean;
  matched: number;
  pending: number;
  done: number;
  skipped: number;
  failed: number;
  outcomes: { dossierId: string; state: string; reason: string }[];
  createdAt: string;
  finishedAt?: string;
}

/**
 * Bulk retry, reset and terminate over the running dossiers a search matches: counted first
 * (dry run), then run as a job with an id, a concurrency limit and progress. Every dossier's
 * result is kept in PostgreSQL before the next is taken, and each action carries an idempotency
 * key (Temporal's update id or reset request id), so a job resumed after its process died acts
 * once on each dossier. Every action is audited before it is carried out. A job runs in one process
 * at a time, whichever api started or resumed it: it holds the job's PostgreSQL advisory lock while
 * it works, and a process that dies lets it go with its connection.
 *
 * Why not Temporal's batch operations (`StartBatchOperation`): a batch reset names one target for
 * every workflow (first or last workflow task, or the first task of a worker build id), not "the
 * last workflow task that completed before the bad deploy", which is a different event in each
 * history (the last task is the bad worker's; our workers stamp no build id), nor "before step X";
 * a batch signal cannot carry the retry update's validation and answer; and a batch reports counts,
 * not each dossier's result with its reason and an audit row naming the job. So each dossier is
 * acted on by its own call, at the job's concurrency.
 */
export function createBulkJobs(deps: OperationsDeps & { store: BulkJobStore }) {
  const { store } = deps;
  const active = new Map<string, { abort: AbortController; done: Promise<void> }>();

  const check = (input: Pick<BulkJobInput, 'action' | 'stepId' | 'reset'>) => {
    if (input.action === 'retry' && !input.stepId)
      throw new InvalidRequestError('name the step to retry', 'stepId', 'is required for retry');
    if (input.action === 'reset' && !input.reset)
      throw new InvalidRequestError(
        'say where to reset to',
        'reset',
        'is required for reset: beforeStep or lastGoodBefore',
      );
  };
  const queryOf = (filters: DossierFilters) => deps.dossiers.query({ ...filters, running: true });

  async function matching(query: string): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await deps.dossiers.page(query, 1000, cursor);
      ids.push(...page.rows.map((r) => r.dossierId));
      cursor = page.nextCursor;
    } while (cursor && ids.length < bulkJobMaxDossiers);
    return ids.slice(0, bulkJobMaxDossiers);
  }

  async function actOn(job: JobRow, item: JobItem): Promise<void> {
    const actor: Actor = { subject: job.actor };
    const key = `bulk:${job.jobId}:${item.dossierId}`;
    const common = {
      dossierId: item.dossierId,
      reason: job.reason,
      idempotencyKey: key,
      details: { jobId: job.jobId },
    };
    try {
      if (job.action === 'retry') {
        await store.mark(job.jobId, item.dossierId, 'acting');
        await retryStep(deps, actor, { ...common, stepId: job.stepId!, action: 'bulk.step.retry' });
      } else if (job.action === 'terminate') {
        await store.mark(job.jobId, item.dossierId, 'acting');
        await terminateDossier(deps, actor, { ...common, action: 'bulk.dossier.terminate' });
      } else {
        // A reset starts a new run: a run id other than the one noted before acting means it happened.
        const { runId } = await deps.dossiers.handle(item.dossierId).describe();
        if (item.state === 'acting' && item.reason?.startsWith('run:') && item.reason !== `run:${runId}`) {
          await store.mark(job.jobId, item.dossierId, 'done', 'reset before the job was resumed');
          return;
        }
        await store.mark(job.jobId, item.dossierId, 'acting', `run:${runId}`);
        await resetDossier(deps, actor, { ...common, target: job.reset!, action: 'bulk.dossier.reset' });
      }
      await store.mark(job.jobId, item.dossierId, 'done');
    } catch (err) {
      const skipped = err instanceof DossierClosedError || err instanceof NotFoundError;
      await store.mark(job.jobId, item.dossierId, skipped ? 'skipped' : 'failed', (err as Error).message);
    }
  }

  async function run(job: JobRow, signal: AbortSignal): Promise<void> {
    const queue = await store.unfinished(job.jobId);
    const worker = async () => {
      for (let item = queue.shift(); item && !signal.aborted; item = queue.shift()) await actOn(job, item);
    };
    await Promise.all(Array.from({ length: Math.max(1, job.concurrency) }, worker));
    if (!signal.aborted) await store.finish(job.jobId);
  }

  /** Works through the job in the background while holding its lock; stops when asked or when the lock is lost. */
  function launch(job: JobRow, held: HeldJob) {
    const abort = new AbortController();
    const signal = AbortSignal.any([abort.signal, held.lost]);
    const done = run(job, signal)
      .catch((err: unknown) => deps.log?.error({ err, jobId: job.jobId }, 'a bulk job stopped on an error'))
      .finally(async () => {
        if (held.lost.aborted) deps.log?.warn({ jobId: job.jobId }, 'a bulk job lost its lock and stopped');
        active.delete(job.jobId);
        await held.release().catch(() => undefined);
      });
    active.set(job.jobId, { abort, done });
  }

  /** The job's lock, or a conflict naming who holds it. */
  async function hold(jobId: string): Promise<HeldJob> {
    if (active.has(jobId)) throw new OperationConflictError(`bulk job ${jobId} is running in this process`);
    const held = await store.locks.hold(jobId);
    if (!held) throw new OperationConflictError(`bulk job ${jobId} is running in another api process`);
    return held;
  }

  async function progress(jobId: string): Promise<JobProgress> {
    const job = await store.job(jobId);
    if (!job) throw new NotFoundError(`no bulk job ${jobId}`);
    const { counts, outcomes } = await store.progress(jobId);
    return {
      jobId,
      action: job.action,
      state: job.state,
      active: active.has(jobId) || (job.state === 'running' && (await store.locks.isHeld(jobId))),
      matched: job.matched,
      pending: counts.pending + counts.acting,
      done: counts.done,
      skipped: counts.skipped,
      failed: counts.failed,
      outcomes,
      createdAt: job.createdAt,
      finishedAt: job.finishedAt,
    };
  }

  return {
    /** How many running dossiers the job would act on, and the visibility query it would run. */
    async dryRun(input: BulkJobInput) {
      check(input);
      const query = queryOf(input.filters);
      return { dryRun: true as const, matched: await deps.dossiers.count(query), query };
    },
    /** Records the job with every dossier it matched, then works through them in the background. */
    async start(actor: Actor, input: BulkJobInput): Promise<JobProgress> {
      check(input);
      const query = queryOf(input.filters);
      const jobId = `job-${randomUUID()}`;
      await store.create(
        jobId,
        {
          action: input.action,
          query,
          stepId: input.stepId,
          reset: input.reset,
          reason: input.reason,
          actor: actor.subject,
          concurrency: input.concurrency,
        },
        await matching(query),
      );
      await deps.audit.append({
        actor: actor.subject,
        role: 'operator',
        action: `bulk.${input.action}.start`,
        reason: input.reason,
        details: { jobId, query, stepId: input.stepId, reset: input.reset, concurrency: input.concurrency },
      });
      launch((await store.job(jobId))!, await hold(jobId));
      return progress(jobId);
    },
    progress,
    /** Continues a job whose process stopped: the dossiers it had not finished, each acted on once. */
    async resume(actor: Actor, jobId: string): Promise<JobProgress> {
      const job = await store.job(jobId);
      if (!job) throw new NotFoundError(`no bulk job ${jobId}`);
      if (job.state === 'done') return progress(jobId);
      const held = await hold(jobId);
      try {
        // Another process may have finished it between the read above and the lock.
        const current = await store.job(jobId);
        if (current?.state !== 'running') {
          await held.release();
          return await progress(jobId);
        }
        await deps.audit.append({
          actor: actor.subject,
          role: 'operator',
          action: `bulk.${job.action}.resume`,
          reason: job.reason,
          details: { jobId },
        });
        launch(current, held);
      } catch (err) {
        await held.release();
        throw err;
      }
      return progress(jobId);
    },
    /** Stops every job of this process between two dossiers (at shutdown); they stay resumable. */
    async stop(): Promise<void> {
      for (const { abort } of active.values()) abort.abort();
      await Promise.all([...active.values()].map((a) => a.done));
    },
  };
}
export type BulkJobs = ReturnType<typeof createBulkJobs>;
