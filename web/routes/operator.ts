import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AuditQueryParams,
  BulkBody,
  BulkDryRun,
  BulkJobBody,
  BulkJobParam,
  BulkJobProgress,
  DossierIdParam,
  DossierSummary,
  DossierView,
  Problem,
  ResetBody,
  RetryBody,
  SearchQuery,
  SkipBody,
  StepParam,
  StuckList,
  StuckQuery,
  TerminateBody,
} from '../../contracts/api';
import { createBulkJobs, createOperations } from '../../ops/operations';
import { principalOf } from '../auth';
import { unavailable } from '../problems';
import { recordRead } from '../audited-reads';
import type { ApiContext } from '../context';
import { operationsDepsOf } from '../operations';

/** A result older than this in an agency's outbox makes its dossier stuck, unless the context says otherwise. */
const defaultOutboxLagThresholdSeconds = 60;
const problems = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem, 503: Problem };
const readers = ['operator', 'auditor'] as const;
const actors = ['operator'] as const;

const Depth = z.object({
  dossier: DossierView,
  workflow: z.object({
    status: z.string(),
    runId: z.string(),
    historyLength: z.number(),
    startedAt: z.string(),
    closedAt: z.string().optional(),
  }),
  pendingActivities: z.array(
    z.object({
      activityType: z.string(),
      attempt: z.number(),
      state: z.string(),
      lastFailure: z.string().optional(),
      scheduledAt: z.string().optional(),
    }),
  ),
  workflowTaskAttempt: z.number(),
  temporalUiUrl: z.string().optional(),
});
const ActionResult = z.object({ dossierId: z.string(), action: z.string(), status: z.string().optional() });
const BulkResult = z.object({
  dryRun: z.boolean(),
  matched: z.number(),
  applied: z.number(),
  failures: z.array(z.object({ dossierId: z.string(), error: z.string() })),
});
const AuditRow = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.string(),
  role: z.string(),
  action: z.string(),
  reason: z.string(),
  dossierId: z.string().optional(),
  stepId: z.string().optional(),
  beforeStatus: z.string().optional(),
  afterStatus: z.string().optional(),
  details: z.record(z.string(), z.unknown()),
});

/**
 * Operators (and read-only auditors): search, stuck list, depth, repair actions, dead letters,
 * audit. Each route validates, calls the operations module (ops/operations) and lets the error
 * handler map its errors to problem details.
 */
export const operatorRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, ctx) => {
  const deps = operationsDepsOf(ctx, app.log);
  const ops = createOperations(deps);
  const jobs = ctx.bulkJobStore && createBulkJobs({ ...deps, store: ctx.bulkJobStore });
  // A job stops between two dossiers when the api closes; it stays resumable.
  app.addHook('onClose', async () => jobs?.stop());
  const bulkJobs = () => {
    if (!jobs) throw unavailable('bulk jobs are not set up in this api process');
    return jobs;
  };
  const actor = (request: Parameters<typeof principalOf>[0]) => ({ subject: principalOf(request).subject });

  app.get(
    '/api/operator/dossiers',
    {
      config: { roles: readers },
      schema: {
        tags: ['operator'],
        summary: 'Search dossiers by status, procedure, agency, step, overdue, failing, time range',
        querystring: SearchQuery,
        response: { 200: z.array(DossierSummary), ...problems },
      },
    },
    async (request) => ops.search(request.query, request.query.limit),
  );

  app.get(
    '/api/operator/dossiers/stuck',
    {
      config: { roles: readers },
      schema: {
        tags: ['operator'],
        summary:
          'Running dossiers that need a look, a page at a time: overdue, failed awaiting an operator, workflow tasks failing, dead-lettered, results waiting in an outbox',
        description: [
          'From Temporal visibility (search attributes and `TemporalReportedProblems`), the open dead letters and each',
          "agency's outbox lag as its back office reports it; counts by reason are for all of them, `dossiers` is one",
          'page: pass `nextCursor` back as `cursor` for the next.',
        ].join(' '),
        querystring: StuckQuery,
        response: { 200: StuckList, ...problems },
      },
    },
    async (request) =>
      ops.stuck({
        limit: request.query.limit,
        cursor: request.query.cursor,
        outboxLagThresholdSeconds: ctx.outboxLagThresholdSeconds ?? defaultOutboxLagThresholdSeconds,
      }),
  );

  app.get(
    '/api/operator/dossiers/:dossierId',
    {
      config: { roles: readers },
      schema: {
        tags: ['operator'],
        summary: 'One dossier in depth: steps, attempts, last errors, pending activities, Temporal Web UI link',
        params: DossierIdParam,
        response: { 200: Depth, ...problems },
      },
    },
    async (request) => {
      const depth = await ops.depth(request.params.dossierId);
      await recordRead(ctx, request, request.params.dossierId, 'the dossier in depth');
      return depth;
    },
  );

  app.post(
    '/api/operator/dossiers/:dossierId/steps/:stepId/retry',
    {
      config: { roles: actors },
      schema: {
        tags: ['operator'],
        summary: "Re-send a step's command now; 409 with the dossier's state when it has ended",
        params: StepParam,
        body: RetryBody,
        response: { 200: ActionResult, ...problems },
      },
    },
    async (request) => ops.retry(actor(request), { ...request.params, reason: request.body.reason }),
  );

  app.post(
    '/api/operator/dossiers/:dossierId/steps/:stepId/skip',
    {
      config: { roles: actors },
      schema: {
        tags: ['operator'],
        summary: "Close a step by hand with a manual result; 409 with the dossier's state when it has ended",
        params: StepParam,
        body: SkipBody,
        response: { 200: ActionResult, ...problems },
      },
    },
    async (request) => ops.skip(actor(request), { ...request.params, ...request.body }),
  );

  app.post(
    '/api/operator/dossiers/:dossierId/terminate',
    {
      config: { roles: actors },
      schema: {
        tags: ['operator'],
        summary: "Terminate the dossier's workflow (last resort)",
        params: DossierIdParam,
        body: TerminateBody,
        response: { 200: ActionResult, ...problems },
      },
    },
    async (request) => ops.terminate(actor(request), { ...request.params, reason: request.body.reason }),
  );

  app.post(
    '/api/operator/dossiers/:dossierId/reset',
    {
      config: { roles: actors },
      schema: {
        tags: ['operator'],
        summary:
          'Reset the workflow to just before a step sent its first command (the step runs again), or to the last workflow task before a bad deploy',
        params: DossierIdParam,
        body: ResetBody,
        response: { 200: ActionResult.extend({ runId: z.string() }), ...problems },
      },
    },
    async (request) => {
      const { beforeStep, lastGoodBefore, reason } = request.body;
      const target = beforeStep !== undefined ? { beforeStep } : { lastGoodBefore: lastGoodBefore! };
      const result = await ops.reset(actor(request), { dossierId: request.params.dossierId, reason, target });
      return { ...result, runId: result.runId ?? '' };
    },
  );

  app.post(
    '/api/operator/bulk',
    {
      config: { roles: actors },
      schema: {
        tags: ['operator'],
        summary: 'Retry a step or terminate every dossier a search matches; dry run (the default) only counts',
        body: BulkBody,
        response: { 200: BulkResult, ...problems },
      },
    },
    async (request) => ops.bulkNow(actor(request), request.body),
  );

  app.post(
    '/api/operator/bulk-jobs',
    {
      config: { roles: actors },
      schema: {
        tags: ['operator'],
        summary:
          'Retry a step, reset, or terminate every running dossier a search matches, as a resumable job; a dry run (the default) only counts',
        description: [
          'Not a dry run: answers 202 with the job id and its progress; the job works through the dossiers in the',
          'background, `concurrency` at a time, auditing each action before it is carried out. Every dossier it matched',
          'and its result are kept in PostgreSQL: after a crash, `POST .../resume` continues it, acting once on each.',
        ].join(' '),
        body: BulkJobBody,
        response: { 200: BulkDryRun, 202: BulkJobProgress, ...problems },
      },
    },
    async (request, reply) => {
      const { query, dryRun, ...rest } = request.body;
      const input = { filters: query, ...rest };
      if (dryRun) return bulkJobs().dryRun(input);
      return reply.code(202).send(await bulkJobs().start(actor(request), input));
    },
  );

  app.get(
    '/api/operator/bulk-jobs/:jobId',
    {
      config: { roles: readers },
      schema: {
        tags: ['operator'],
        summary: "A bulk job's progress: done, skipped and failed so far, with the reasons",
        params: BulkJobParam,
        response: { 200: BulkJobProgress, ...problems },
      },
    },
    async (request) => bulkJobs().progress(request.params.jobId),
  );

  app.post(
    '/api/operator/bulk-jobs/:jobId/resume',
    {
      config: { roles: actors },
      schema: {
        tags: ['operator'],
        summary: 'Continue a bulk job whose process stopped; each dossier is still acted on once',
        params: BulkJobParam,
        response: { 200: BulkJobProgress, ...problems },
      },
    },
    async (request) => bulkJobs().resume(actor(request), request.params.jobId),
  );

  app.get(
    '/api/audit',
    {
      config: { roles: readers },
      schema: {
        tags: ['operator'],
        summary: 'The append-only audit log',
        querystring: AuditQueryParams,
        response: { 200: z.array(AuditRow), ...problems },
      },
    },
    async (request) => ops.audit(request.query),
  );
};
