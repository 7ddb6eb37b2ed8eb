import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AgencyParam,
  Problem,
  Task as TaskView,
  TaskDecisionBody,
  TaskListQuery,
  TaskParam,
} from '../../contracts/api';
import type { AgencyId } from '../../contracts/agencies';
import type { BackOffice, Task, TaskStatus } from '../../contracts/back-office';
import { rejectionReasonCodes, type ServiceDefinition } from '../../contracts/procedures/define';
import type { Principal } from '../../platform/auth';
import { principalOf, requireOwnAgency } from '../auth';
import { badRequest, conflict, HttpProblem, notFound, unavailable } from '../problems';
import type { ApiContext } from '../context';

const problems = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 503: Problem };
const Outcome = z.object({ taskId: z.string(), outcome: z.string() });

/** Agency workers: their own agency's task inbox, claim, release, decide. */
export const workerRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, ctx) => {
  const backOffice = (agency: AgencyId) => {
    const office = ctx.backOffices[agency];
    if (!office) throw unavailable(`the ${agency} back office is not reachable from this api process`);
    return office;
  };
  const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

  app.get(
    '/api/agencies/:agency/tasks',
    {
      config: { roles: ['agency-worker'] },
      schema: {
        tags: ['agency worker'],
        summary: "The agency's tasks, soonest due first",
        params: AgencyParam,
        querystring: TaskListQuery,
        response: { 200: z.array(TaskView), ...problems },
      },
    },
    async (request) => {
      requireOwnAgency(request, request.params.agency);
      const tasks = await backOffice(request.params.agency).listTasks({
        status: request.query.status,
        dueBefore: request.query.dueBefore ? new Date(request.query.dueBefore) : undefined,
        limit: request.query.limit,
      });
      return tasks.map((t) => ({ ...t, dueAt: iso(t.dueAt), createdAt: iso(t.createdAt)! }));
    },
  );

  /**
   * Every claim, release and decision is recorded before it is carried out, naming the task's
   * dossier (the back office looks the task up by id), and a refused attempt gets a row of its
   * own. When a row cannot be written, nothing is done (503).
   */
  const taskAction = async (
    request: FastifyRequest,
    action: 'claim' | 'release' | DecisionBody['decision'],
    carryOut: (context: {
      worker: Principal;
      office: BackOffice;
      task?: Task;
      record: (entry: TaskRecord) => Promise<unknown>;
    }) => Promise<void>,
  ) => {
    const { agency, taskId } = request.params as { agency: AgencyId; taskId: string };
    const worker = principalOf(request);
    const office = ctx.backOffices[agency];
    const task = await office?.task(taskId);
    const record = (suffix: string) => (entry: TaskRecord) =>
      ctx.audit.append({
        actor: worker.subject,
        role: 'agency-worker',
        action: `task.${action}${suffix}`,
        reason: entry.reason,
        dossierId: task?.dossierId,
        stepId: task?.stepId,
        beforeStatus: task?.status,
        afterStatus: entry.afterStatus,
        details: { agency, taskId, ...entry.details },
      });
    try {
      requireOwnAgency(request, agency);
      // A task id the caller's agency does not have is not found, whatever the action (not a conflict).
      if (office && !task) throw notFound(`no task ${taskId} at ${agency}`);
      await carryOut({ worker, office: backOffice(agency), task, record: record('') });
    } catch (err) {
      if (err instanceof HttpProblem) await record('.refused')({ reason: err.message });
      throw err;
    }
  };

  app.post(
    '/api/agencies/:agency/tasks/:taskId/claim',
    {
      config: { roles: ['agency-worker'] },
      schema: {
        tags: ['agency worker'],
        summary: 'Claim a task; exactly one worker wins',
        params: TaskParam,
        response: { 200: Outcome, ...problems },
      },
    },
    async (request) => {
      await taskAction(request, 'claim', async ({ worker, office, record }) => {
        await record({ reason: 'the worker claims the task' });
        if (!(await office.claim(request.params.taskId, worker.subject)))
          throw conflict('the task is claimed by someone else or already decided');
      });
      return { taskId: request.params.taskId, outcome: 'claimed' };
    },
  );

  app.post(
    '/api/agencies/:agency/tasks/:taskId/release',
    {
      config: { roles: ['agency-worker'] },
      schema: {
        tags: ['agency worker'],
        summary: 'Give a claimed task back to the queue',
        params: TaskParam,
        response: { 200: Outcome, ...problems },
      },
    },
    async (request) => {
      await taskAction(request, 'release', async ({ worker, office, record }) => {
        await record({ reason: 'the worker gives the task back' });
        if (!(await office.release(request.params.taskId, worker.subject))) throw conflict('you do not hold this task');
      });
      return { taskId: request.params.taskId, outcome: 'released' };
    },
  );

  app.post(
    '/api/agencies/:agency/tasks/:taskId/decision',
    {
      config: { roles: ['agency-worker'] },
      schema: {
        tags: ['agency worker'],
        summary: 'Approve (with an optional note), reject with a reason code, or ask the citizen for information',
        params: TaskParam,
        body: TaskDecisionBody,
        response: { 200: Outcome, ...problems },
      },
    },
    async (request) => {
      const body = request.body;
      await taskAction(request, body.decision, async ({ worker, office, task, record }) => {
        const service = task && ctx.catalogue.serviceForCommand(task.commandType);
        if (service) checkDecision(service, body);
        await record({
          reason: body.decision === 'approve' ? (body.reason ?? 'approved without a note') : body.message,
          afterStatus: decidedStatus[body.decision],
          details: {
            ...(body.decision === 'approve' && body.reason ? { note: body.reason } : {}),
            ...(body.decision === 'reject' ? { reasonCode: body.reasonCode } : {}),
            ...(body.decision === 'request-information' ? { fields: body.fields } : {}),
          },
        });
        const decided = await office.complete(
          request.params.taskId,
          worker.subject,
          body.decision === 'approve' ? { decision: 'approve' } : body,
        );
        if (!decided) throw conflict('claim the task first; it may be decided already');
      });
      return { taskId: request.params.taskId, outcome: body.decision };
    },
  );
};

type DecisionBody = z.infer<typeof TaskDecisionBody>;
const decidedStatus = {
  approve: 'approved',
  reject: 'rejected',
  'request-information': 'information-requested',
} as const satisfies Record<DecisionBody['decision'], TaskStatus>;

/** What the audit row of a worker's action says beyond who and which task. */
interface TaskRecord {
  reason: string;
  afterStatus?: string;
  details?: Record<string, unknown>;
}

/** A rejection names a reason code, and a request for information form fields, that the catalogue lists for the step. */
function checkDecision(service: ServiceDefinition, body: z.infer<typeof TaskDecisionBody>): void {
  if (body.decision === 'reject') {
    const codes = rejectionReasonCodes(service);
    if (!codes.includes(body.reasonCode))
      throw badRequest(`${body.reasonCode} is not a reason code of ${service.id}`, [
        { path: 'body.reasonCode', message: `must be one of ${codes.join(', ')}` },
      ]);
  }
  if (body.decision === 'request-information') {
    const known = Object.keys(service.informationFields);
    const errors = body.fields.flatMap((field, i) =>
      known.includes(field) ? [] : [{ path: `body.fields.${i}`, message: `must be one of ${known.join(', ')}` }],
    );
    if (errors.length > 0) throw badRequest(`${service.id} does not ask the citizen for these fields`, errors);
  }
}
