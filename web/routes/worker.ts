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
import { CaseFile, CaseNote, CaseNoteText } from '../../contracts/back-office';
import { principalOf } from '../auth';
import type { ApiContext } from '../context';
import { createTaskDesk, type TaskActor } from '../tasks';

const problems = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 503: Problem };
const Outcome = z.object({ taskId: z.string(), outcome: z.string() });

/** Agency workers: their own agency's task inbox, claim, release, decide, and notes for colleagues. */
export const workerRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, ctx) => {
  const desk = createTaskDesk(ctx);
  const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());
  const actorOf = (request: { params: unknown; principal?: unknown }): TaskActor => {
    const { agency, taskId } = request.params as z.infer<typeof TaskParam>;
    return { worker: principalOf(request as Parameters<typeof principalOf>[0]), agency, taskId };
  };

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
      const tasks = await desk.list(principalOf(request), request.params.agency, {
        status: request.query.status,
        dueBefore: request.query.dueBefore ? new Date(request.query.dueBefore) : undefined,
        limit: request.query.limit,
      });
      return tasks.map((t) => ({ ...t, dueAt: iso(t.dueAt), createdAt: iso(t.createdAt)! }));
    },
  );

  app.get(
    '/api/agencies/:agency/tasks/:taskId',
    {
      config: { roles: ['agency-worker'] },
      schema: {
        tags: ['agency worker'],
        summary: "A task with what its decision needs from the dossier (the catalogue's review fields) and its notes",
        params: TaskParam,
        response: { 200: CaseFile, ...problems },
      },
    },
    async (request) => {
      const { task, facts, notes } = await desk.caseFile(
        principalOf(request),
        request.params.agency,
        request.params.taskId,
      );
      return { task, facts, notes };
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
      await desk.claim(actorOf(request));
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
      await desk.release(actorOf(request));
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
      await desk.decide(actorOf(request), request.body);
      return { taskId: request.params.taskId, outcome: request.body.decision };
    },
  );

  app.post(
    '/api/agencies/:agency/tasks/:taskId/notes',
    {
      config: { roles: ['agency-worker'] },
      schema: {
        tags: ['agency worker'],
        summary:
          "A note on the task's dossier step for colleagues of the same agency (audited; never shown to the citizen)",
        params: TaskParam,
        body: z.strictObject({ text: CaseNoteText }),
        response: { 200: CaseNote, ...problems },
      },
    },
    async (request) => desk.addNote(actorOf(request), request.body.text),
  );
};
