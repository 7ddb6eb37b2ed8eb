import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AgencyParam, Problem, Task, TaskDecisionBody, TaskListQuery, TaskParam } from '../../contracts/api';
import type { AgencyId } from '../../contracts/agencies';
import { rejectionReasonCodes, type ServiceDefinition } from '../../contracts/procedures/define';
import { requireOwnAgency } from '../auth';
import { badRequest, conflict, unavailable } from '../problems';
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
        response: { 200: z.array(Task), ...problems },
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
      const worker = requireOwnAgency(request, request.params.agency);
      if (!(await backOffice(request.params.agency).claim(request.params.taskId, worker.subject)))
        throw conflict('the task is claimed by someone else, already decided, or does not exist');
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
      const worker = requireOwnAgency(request, request.params.agency);
      if (!(await backOffice(request.params.agency).release(request.params.taskId, worker.subject)))
        throw conflict('you do not hold this task');
      return { taskId: request.params.taskId, outcome: 'released' };
    },
  );

  app.post(
    '/api/agencies/:agency/tasks/:taskId/decision',
    {
      config: { roles: ['agency-worker'] },
      schema: {
        tags: ['agency worker'],
        summary: 'Approve, reject with a reason code, or ask the citizen for information',
        params: TaskParam,
        body: TaskDecisionBody,
        response: { 200: Outcome, ...problems },
      },
    },
    async (request) => {
      const worker = requireOwnAgency(request, request.params.agency);
      const office = backOffice(request.params.agency);
      const task = (await office.listTasks({ status: 'awaiting-worker', limit: 500 })).find(
        (t) => t.taskId === request.params.taskId,
      );
      const body = request.body;
      const service = task && ctx.catalogue.serviceForCommand(task.commandType);
      if (service) checkDecision(service, body);
      const decided = await office.complete(
        request.params.taskId,
        worker.subject,
        body.decision === 'approve' ? { decision: 'approve' } : body,
      );
      if (!decided) throw conflict('claim the task first; it may be decided already');
      await ctx.audit.append({
        actor: worker.subject,
        role: 'agency-worker',
        action: `task.${body.decision}`,
        reason: body.decision === 'approve' ? (body.reason ?? 'approved by the agency worker') : body.message,
        dossierId: task?.dossierId,
        stepId: task?.stepId,
        beforeStatus: 'awaiting-worker',
        afterStatus:
          body.decision === 'approve' ? 'approved' : body.decision === 'reject' ? 'rejected' : 'information-requested',
        details: {
          agency: request.params.agency,
          taskId: request.params.taskId,
          ...(body.decision === 'reject' ? { reasonCode: body.reasonCode } : {}),
          ...(body.decision === 'request-information' ? { fields: body.fields } : {}),
        },
      });
      return { taskId: request.params.taskId, outcome: body.decision };
    },
  );
};

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
