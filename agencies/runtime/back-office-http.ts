import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  CaseFile,
  CaseNote,
  CaseNoteText,
  OutboxLag,
  OutboxLagQuery,
  Task,
  TaskQuery,
  WorkerDecision,
  type BackOffice,
  type TaskFilter,
} from '../../contracts/back-office';
import { DataAccessRecord } from '../../contracts/data-access';
import { PersonalIdNumber } from '../../contracts/values';
import type { Logger } from '../../platform/logger';
import { buildServiceApp, serviceCaller } from '../../platform/service-http';

/**
 * The back office as a service-level HTTP API of the agency process, so the portal api (another
 * process) reaches an agency's tasks without touching its database. Loopback by default; with a
 * token, every call must carry it as a bearer token.
 */
const Worker = z.string().min(1).max(200);
const TaskParams = z.strictObject({ taskId: z.string().min(1).max(300) });
const Outcome = z.object({ ok: z.boolean() });
const Reads = z.strictObject({ reads: z.array(DataAccessRecord) });
const OneTask = z.strictObject({ task: Task.nullable() });
const OneCaseFile = z.strictObject({ caseFile: CaseFile.nullable() });
const OneNote = z.strictObject({ note: CaseNote.nullable() });
const FieldPaths = z.array(z.string().min(1).max(200)).max(50);

export async function buildBackOfficeServer(
  office: BackOffice,
  options: { log: Logger; token?: string },
): Promise<FastifyInstance> {
  const app = buildServiceApp({ ...options, module: 'back-office-http', what: 'back office' });

  app.get('/tasks', { schema: { querystring: TaskQuery, response: { 200: z.array(Task) } } }, async (request) =>
    office.listTasks({
      status: request.query.status,
      dueBefore: request.query.dueBefore ? new Date(request.query.dueBefore) : undefined,
      limit: request.query.limit,
    }),
  );
  app.get('/tasks/:taskId', { schema: { params: TaskParams, response: { 200: OneTask } } }, async (request) => ({
    task: (await office.task(request.params.taskId)) ?? null,
  }));
  app.post(
    '/tasks/:taskId/claim',
    { schema: { params: TaskParams, body: z.strictObject({ worker: Worker }), response: { 200: Outcome } } },
    async (request) => ({ ok: await office.claim(request.params.taskId, request.body.worker) }),
  );
  app.post(
    '/tasks/:taskId/release',
    { schema: { params: TaskParams, body: z.strictObject({ worker: Worker }), response: { 200: Outcome } } },
    async (request) => ({ ok: await office.release(request.params.taskId, request.body.worker) }),
  );
  app.post(
    '/tasks/:taskId/complete',
    {
      schema: {
        params: TaskParams,
        body: z.strictObject({ worker: Worker, decision: WorkerDecision }),
        response: { 200: Outcome },
      },
    },
    async (request) => ({
      ok: await office.complete(request.params.taskId, request.body.worker, request.body.decision),
    }),
  );
  app.post(
    '/tasks/:taskId/case-file',
    {
      schema: {
        params: TaskParams,
        body: z.strictObject({ reviewFields: FieldPaths }),
        response: { 200: OneCaseFile },
      },
    },
    async (request) => ({
      caseFile: (await office.caseFile(request.params.taskId, request.body.reviewFields)) ?? null,
    }),
  );
  app.post(
    '/tasks/:taskId/notes',
    {
      schema: {
        params: TaskParams,
        body: z.strictObject({ author: Worker, text: CaseNoteText }),
        response: { 200: OneNote },
      },
    },
    async (request) => ({
      note: (await office.addNote(request.params.taskId, request.body.author, request.body.text)) ?? null,
    }),
  );
  // The ID number in the body, not the path, so it stays out of access logs.
  app.post(
    '/data-access',
    { schema: { body: z.strictObject({ personalId: PersonalIdNumber }), response: { 200: Reads } } },
    async (request) => ({ reads: await office.dataAccess(request.body.personalId) }),
  );
  app.get('/outbox/lag', { schema: { querystring: OutboxLagQuery, response: { 200: OutboxLag } } }, async (request) =>
    office.outboxLag(request.query),
  );
  return app;
}

/** A BackOffice reached over HTTP: what the portal api uses for an agency in another process. */
export function httpBackOffice(url: string, token?: string): BackOffice {
  const call = serviceCaller(url, 'back office', token);
  const task = (taskId: string) => `tasks/${encodeURIComponent(taskId)}`;
  return {
    async listTasks(filter: TaskFilter = {}) {
      const query = new URLSearchParams();
      if (filter.status) query.set('status', filter.status);
      if (filter.dueBefore) query.set('dueBefore', filter.dueBefore.toISOString());
      if (filter.limit) query.set('limit', String(filter.limit));
      return call('GET', `tasks?${query.toString()}`, z.array(Task));
    },
    task: async (taskId) => (await call('GET', task(taskId), OneTask)).task ?? undefined,
    claim: async (taskId, worker) => (await call('POST', `${task(taskId)}/claim`, Outcome, { worker })).ok,
    release: async (taskId, worker) => (await call('POST', `${task(taskId)}/release`, Outcome, { worker })).ok,
    complete: async (taskId, worker, decision) =>
      (await call('POST', `${task(taskId)}/complete`, Outcome, { worker, decision })).ok,
    caseFile: async (taskId, reviewFields) =>
      (await call('POST', `${task(taskId)}/case-file`, OneCaseFile, { reviewFields })).caseFile ?? undefined,
    addNote: async (taskId, author, text) =>
      (await call('POST', `${task(taskId)}/notes`, OneNote, { author, text })).note ?? undefined,
    dataAccess: async (personalId) => (await call('POST', 'data-access', Reads, { personalId })).reads,
    outboxLag: async ({ olderThanSeconds, limit = 200 }) =>
      call('GET', `outbox/lag?olderThanSeconds=${olderThanSeconds}&limit=${limit}`, OutboxLag),
  };
}
