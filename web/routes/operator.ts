import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AuditQueryParams,
  BulkBody,
  DossierIdParam,
  DossierSummary,
  DossierView,
  Problem,
  ResetBody,
  RetryBody,
  SearchQuery,
  SkipBody,
  StepParam,
  StuckDossier,
  TerminateBody,
} from '../../contracts/api';
import { retryStepUpdate, skipStepUpdate } from '../../workflows/messages';
import { principalOf } from '../auth';
import { notFound, unprocessable } from '../problems';
import { recordRead } from '../audited-reads';
import type { ApiContext } from '../context';

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

/** Operators (and read-only auditors): search, stuck list, depth, repair actions, audit (dead letters: ./dead-letters.ts). */
export const operatorRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, ctx) => {
  const statusOf = async (dossierId: string) => (await ctx.dossiers.view(dossierId).catch(() => undefined))?.status;
  const describe = async (dossierId: string) => {
    try {
      return await ctx.dossiers.handle(dossierId).describe();
    } catch (err) {
      if ((err as Error).name === 'WorkflowNotFoundError') throw notFound(`no dossier ${dossierId}`);
      throw err;
    }
  };

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
    async (request) => ctx.dossiers.search(request.query, request.query.limit),
  );

  app.get(
    '/api/operator/dossiers/stuck',
    {
      config: { roles: readers },
      schema: {
        tags: ['operator'],
        summary:
          'Running dossiers that need a look: overdue, failed awaiting an operator, workflow tasks failing, activities retrying',
        querystring: z.strictObject({ limit: SearchQuery.shape.limit }),
        response: { 200: z.array(StuckDossier), ...problems },
      },
    },
    async (request) => {
      const running = await ctx.dossiers.list(
        ctx.dossiers.query({ running: true }),
        Math.max(request.query.limit, 200),
      );
      const stuck: z.infer<typeof StuckDossier>[] = [];
      for (const summary of running) {
        const reasons: z.infer<typeof StuckDossier>['reasons'] = [];
        const detail: string[] = [];
        if (summary.overdue) reasons.push('overdue');
        if (summary.failing) reasons.push('failed-awaiting-operator');
        const description = await ctx.dossiers
          .handle(summary.dossierId)
          .describe()
          .catch(() => undefined);
        const raw = description?.raw;
        const taskAttempt = raw?.pendingWorkflowTask?.attempt ?? 0;
        if (taskAttempt > 1) {
          reasons.push('workflow-task-failing');
          detail.push(`workflow task attempt ${taskAttempt}`);
        }
        for (const activity of raw?.pendingActivities ?? []) {
          if ((activity.attempt ?? 0) > 1) {
            if (!reasons.includes('activity-retrying')) reasons.push('activity-retrying');
            detail.push(
              `${activity.activityType?.name ?? 'activity'} attempt ${activity.attempt}: ${activity.lastFailure?.message ?? 'no failure recorded'}`,
            );
          }
        }
        if (reasons.length > 0) stuck.push({ ...summary, reasons, detail });
        if (stuck.length >= request.query.limit) break;
      }
      return stuck;
    },
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
      const { dossierId } = request.params;
      const description = await describe(dossierId);
      const dossier = await ctx.dossiers.view(dossierId);
      await recordRead(ctx, request, dossierId, 'the dossier in depth');
      const stateNames: Record<number, string> = {
        1: 'scheduled',
        2: 'started',
        3: 'cancel-requested',
        4: 'paused',
        5: 'pause-requested',
      };
      return {
        dossier,
        workflow: {
          status: description.status.name,
          runId: description.runId,
          historyLength: description.historyLength,
          startedAt: description.startTime.toISOString(),
          closedAt: description.closeTime?.toISOString(),
        },
        pendingActivities: (description.raw.pendingActivities ?? []).map((a) => ({
          activityType: a.activityType?.name ?? 'unknown',
          attempt: a.attempt ?? 0,
          state: stateNames[a.state ?? 0] ?? 'unknown',
          lastFailure: a.lastFailure?.message ?? undefined,
          scheduledAt: a.scheduledTime?.seconds
            ? new Date(Number(a.scheduledTime.seconds) * 1000).toISOString()
            : undefined,
        })),
        workflowTaskAttempt: description.raw.pendingWorkflowTask?.attempt ?? 0,
        temporalUiUrl: ctx.temporalUiUrl
          ? `${ctx.temporalUiUrl}/namespaces/${encodeURIComponent(ctx.namespace)}/workflows/${encodeURIComponent(dossierId)}`
          : undefined,
      };
    },
  );

  /**
   * An operator action: recorded first, carried out only once its row is written (an audit log
   * that cannot record it answers 503 and nothing happens). An action that then fails gets a
   * second row saying so.
   */
  const audited = async (
    request: Parameters<typeof principalOf>[0],
    action: string,
    dossierId: string,
    stepId: string | undefined,
    reason: string,
    act: () => Promise<unknown>,
    details: Record<string, unknown> = {},
  ) => {
    const operator = principalOf(request);
    const entry = { actor: operator.subject, role: 'operator' as const, action, reason, dossierId, stepId };
    await ctx.audit.append({ ...entry, beforeStatus: await statusOf(dossierId), details });
    try {
      await act();
    } catch (err) {
      await ctx.audit
        .append({ ...entry, action: `${action}.failed`, details: { ...details, error: (err as Error).message } })
        .catch((auditErr: unknown) =>
          request.log.error({ err: auditErr, dossierId, action }, 'could not record that an operator action failed'),
        );
      throw err;
    }
    return { dossierId, action, status: await statusOf(dossierId) };
  };

  app.post(
    '/api/operator/dossiers/:dossierId/steps/:stepId/retry',
    {
      config: { roles: actors },
      schema: {
        tags: ['operator'],
        summary: "Re-send a step's command now",
        params: StepParam,
        body: RetryBody,
        response: { 200: ActionResult, ...problems },
      },
    },
    async (request) => {
      const { dossierId, stepId } = request.params;
      return audited(request, 'step.retry', dossierId, stepId, request.body.reason, () =>
        ctx.dossiers.handle(dossierId).executeUpdate(retryStepUpdate, {
          args: [{ stepId, operator: principalOf(request).subject, reason: request.body.reason }],
        }),
      );
    },
  );

  app.post(
    '/api/operator/dossiers/:dossierId/steps/:stepId/skip',
    {
      config: { roles: actors },
      schema: {
        tags: ['operator'],
        summary: 'Close a step by hand with a manual result',
        params: StepParam,
        body: SkipBody,
        response: { 200: ActionResult, ...problems },
      },
    },
    async (request) => {
      const { dossierId, stepId } = request.params;
      return audited(
        request,
        'step.skip',
        dossierId,
        stepId,
        request.body.reason,
        () =>
          ctx.dossiers.handle(dossierId).executeUpdate(skipStepUpdate, {
            args: [
              {
                stepId,
                operator: principalOf(request).subject,
                reason: request.body.reason,
                result: request.body.result,
              },
            ],
          }),
        { result: request.body.result },
      );
    },
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
    async (request) => {
      const { dossierId } = request.params;
      await describe(dossierId);
      return audited(request, 'dossier.terminate', dossierId, undefined, request.body.reason, () =>
        ctx.dossiers.handle(dossierId).terminate(`${principalOf(request).subject}: ${request.body.reason}`),
      );
    },
  );

  app.post(
    '/api/operator/dossiers/:dossierId/reset',
    {
      config: { roles: actors },
      schema: {
        tags: ['operator'],
        summary: 'Reset the workflow to just before a step sent its first command; the step runs again',
        params: DossierIdParam,
        body: ResetBody,
        response: { 200: ActionResult.extend({ runId: z.string() }), ...problems },
      },
    },
    async (request) => {
      const { dossierId } = request.params;
      const { beforeStep, reason } = request.body;
      const description = await describe(dossierId);
      const history = await ctx.dossiers.handle(dossierId).fetchHistory();
      let resetTo: number | undefined;
      for (const event of history.events ?? []) {
        const scheduled = event.activityTaskScheduledEventAttributes;
        if (!scheduled || scheduled.activityType?.name !== 'sendAgencyCommand') continue;
        const payloads = await ctx.codec.decode((scheduled.input?.payloads ?? []) as temporal.api.common.v1.IPayload[]);
        const command = payloads[0] ? (defaultPayloadConverter.fromPayload(payloads[0]) as { stepId?: string }) : {};
        if (command.stepId === beforeStep) {
          resetTo = Number(scheduled.workflowTaskCompletedEventId);
          break;
        }
      }
      if (resetTo === undefined)
        throw unprocessable(`step ${beforeStep} never sent a command in this dossier`, [
          { path: 'beforeStep', message: 'must be a step that has started' },
        ]);
      const requestId = crypto.randomUUID();
      let runId = '';
      await audited(
        request,
        'dossier.reset',
        dossierId,
        beforeStep,
        reason,
        async () => {
          const response: temporal.api.workflowservice.v1.IResetWorkflowExecutionResponse =
            await ctx.dossiers.client.workflowService.resetWorkflowExecution({
              namespace: ctx.namespace,
              workflowExecution: { workflowId: dossierId, runId: description.runId },
              reason: `${principalOf(request).subject}: ${reason}`,
              // A protobuf int64: the generated type wants a Long, the encoder also takes a safe integer.
              workflowTaskFinishEventId:
                resetTo as unknown as temporal.api.workflowservice.v1.IResetWorkflowExecutionRequest['workflowTaskFinishEventId'],
              requestId,
            });
          runId = response.runId ?? '';
        },
        { resetToEventId: resetTo, runId: description.runId, requestId },
      );
      return { dossierId, action: 'dossier.reset', runId };
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
    async (request) => {
      const { query, action, stepId, reason, dryRun } = request.body;
      if (action === 'retry' && !stepId)
        throw unprocessable('name the step to retry', [{ path: 'stepId', message: 'is required for retry' }]);
      const matched = await ctx.dossiers.list(ctx.dossiers.query({ ...query, running: true }), 500);
      const failures: { dossierId: string; error: string }[] = [];
      let applied = 0;
      if (!dryRun) {
        for (const { dossierId } of matched) {
          try {
            if (action === 'retry')
              await audited(request, 'bulk.step.retry', dossierId, stepId, reason, () =>
                ctx.dossiers.handle(dossierId).executeUpdate(retryStepUpdate, {
                  args: [{ stepId: stepId!, operator: principalOf(request).subject, reason }],
                }),
              );
            else
              await audited(request, 'bulk.dossier.terminate', dossierId, undefined, reason, () =>
                ctx.dossiers.handle(dossierId).terminate(`${principalOf(request).subject}: ${reason}`),
              );
            applied += 1;
          } catch (err) {
            failures.push({ dossierId, error: (err as Error).message });
          }
        }
      }
      return { dryRun, matched: matched.length, applied, failures };
    },
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
    async (request) => {
      const rows = await ctx.audit.list({
        dossierId: request.query.dossierId,
        actor: request.query.actor,
        since: request.query.since ? new Date(request.query.since) : undefined,
        limit: request.query.limit,
      });
      return rows.map((r) => ({
        ...r,
        at: new Date(r.at).toISOString(),
        dossierId: r.dossierId ?? undefined,
        stepId: r.stepId ?? undefined,
        beforeStatus: r.beforeStatus ?? undefined,
        afterStatus: r.afterStatus ?? undefined,
      }));
    },
  );
};
