import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Task, TaskQuery, WorkerDecision, type BackOffice, type TaskFilter } from '../../contracts/back-office';
import type { Logger } from '../../platform/logger';

/**
 * The back office as a service-level HTTP API of the agency process, so the portal api (another
 * process) reaches an agency's tasks without touching its database. Loopback by default; with a
 * token, every call must carry it as a bearer token.
 */
const Worker = z.string().min(1).max(200);
const TaskParams = z.strictObject({ taskId: z.string().min(1).max(300) });
const Outcome = z.object({ ok: z.boolean() });

export async function buildBackOfficeServer(
  office: BackOffice,
  options: { log: Logger; token?: string },
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.log.child({ module: 'back-office-http' }) as FastifyBaseLogger,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const expected = options.token ? Buffer.from(`Bearer ${options.token}`) : undefined;
  app.addHook('onRequest', async (request, reply) => {
    if (!expected) return;
    const given = Buffer.from(request.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      await reply.code(401).type('application/problem+json').send({
        type: 'about:blank',
        title: 'Unauthorized',
        status: 401,
        detail: 'the back office needs its service token',
      });
  });
  app.setErrorHandler(async (err: { statusCode?: number; message: string }, _request, reply) => {
    const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) options.log.error({ err }, 'back office request failed');
    await reply
      .code(status)
      .type('application/problem+json')
      .send({
        type: 'about:blank',
        title: status === 500 ? 'Internal Server Error' : 'Bad Request',
        status,
        detail: status === 500 ? 'the back office failed; it has been logged' : err.message,
      });
  });

  app.get('/tasks', { schema: { querystring: TaskQuery, response: { 200: z.array(Task) } } }, async (request) =>
    office.listTasks({
      status: request.query.status,
      dueBefore: request.query.dueBefore ? new Date(request.query.dueBefore) : undefined,
      limit: request.query.limit,
    }),
  );
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
  return app;
}

/** A BackOffice reached over HTTP: what the portal api uses for an agency in another process. */
export function httpBackOffice(url: string, token?: string): BackOffice {
  const baseUrl = url.endsWith('/') ? url : `${url}/`;
  const call = async <T>(method: 'GET' | 'POST', path: string, reply: z.ZodType<T>, body?: unknown): Promise<T> => {
    const response = await fetch(new URL(path, baseUrl), {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok)
      throw new Error(
        `back office at ${baseUrl} answered ${response.status}: ${(await response.text()).slice(0, 300)}`,
      );
    return reply.parse(await response.json());
  };
  const task = (taskId: string) => `tasks/${encodeURIComponent(taskId)}`;
  return {
    async listTasks(filter: TaskFilter = {}) {
      const query = new URLSearchParams();
      if (filter.status) query.set('status', filter.status);
      if (filter.dueBefore) query.set('dueBefore', filter.dueBefore.toISOString());
      if (filter.limit) query.set('limit', String(filter.limit));
      return call('GET', `tasks?${query.toString()}`, z.array(Task));
    },
    claim: async (taskId, worker) => (await call('POST', `${task(taskId)}/claim`, Outcome, { worker })).ok,
    release: async (taskId, worker) => (await call('POST', `${task(taskId)}/release`, Outcome, { worker })).ok,
    complete: async (taskId, worker, decision) =>
      (await call('POST', `${task(taskId)}/complete`, Outcome, { worker, decision })).ok,
  };
}
