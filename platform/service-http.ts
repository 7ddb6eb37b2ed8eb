import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { createLogLimiter } from './log-limiter';
import type { Logger } from './logger';
import { DependencyUnavailableError, retryAfterSeconds, unavailableDependency } from './unavailable';

/**
 * A service-level HTTP API between processes (an agency's back office, the population registry):
 * zod-validated routes, and with a token every call must carry it as a bearer token. Errors are
 * problem details; a 5xx says only that it was logged.
 */
export function buildServiceApp(options: { log: Logger; module: string; what: string; token?: string }) {
  const app = Fastify({
    loggerInstance: options.log.child({ module: options.module }) as FastifyBaseLogger,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const expected = options.token ? Buffer.from(`Bearer ${options.token}`) : undefined;
  app.addHook('onRequest', async (request, reply) => {
    if (!expected) return;
    const given = Buffer.from(request.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      await reply
        .code(401)
        .type('application/problem+json')
        .send({
          type: 'about:blank',
          title: 'Unauthorized',
          status: 401,
          detail: `the ${options.what} needs its service token`,
        });
  });
  const outages = createLogLimiter(options.log.child({ module: options.module }));
  app.setErrorHandler(async (err: { statusCode?: number; message: string }, _request, reply) => {
    // A dependency that is down (its database): 503 with Retry-After, logged once per interval with counts.
    const dependency = unavailableDependency(err);
    if (dependency) {
      outages.warn(`${dependency} unavailable to the ${options.what}`, err);
      await reply
        .code(503)
        .header('retry-after', String(retryAfterSeconds))
        .type('application/problem+json')
        .send({
          type: 'about:blank',
          title: 'Service Unavailable',
          status: 503,
          detail: `the ${options.what} cannot reach ${dependency}; try again later`,
          dependency,
        });
      return;
    }
    const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) options.log.error({ err }, `${options.what} request failed`);
    await reply
      .code(status)
      .type('application/problem+json')
      .send({
        type: 'about:blank',
        title: status === 500 ? 'Internal Server Error' : 'Bad Request',
        status,
        detail: status === 500 ? `the ${options.what} failed; it has been logged` : err.message,
      });
  });
  return app;
}

/** Calls a service-level HTTP API with its token, parsing the answer with `reply`; throws on a non-2xx answer. */
export function serviceCaller(url: string, what: string, token?: string) {
  const baseUrl = url.endsWith('/') ? url : `${url}/`;
  return async <T>(method: 'GET' | 'POST', path: string, reply: z.ZodType<T>, body?: unknown): Promise<T> => {
    const unreachable = (detail: string, cause?: unknown) =>
      new DependencyUnavailableError(what, `${what} at ${baseUrl} ${detail}`, { cause });
    let response: Response;
    try {
      response = await fetch(new URL(path, baseUrl), {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw unreachable(`could not be reached: ${(err as Error).message}`, err);
    }
    if (response.status === 503 || response.status === 502 || response.status === 504)
      throw unreachable(`answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
    if (!response.ok)
      throw new Error(`${what} at ${baseUrl} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
    return reply.parse(await response.json());
  };
}
