import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DevLoginBody, DevLoginReply, Problem } from '../contracts/api';
import { issueDevelopmentToken, type TokenVerifier } from '../platform/auth';
import { createLogLimiter } from '../platform/log-limiter';
import type { Logger } from '../platform/logger';
import { authenticate, authorize, devUser, devUsers, raiseAuthenticationError } from './auth';
import type { ApiContext } from './context';
import { createHostCheck, refuseControlCharacters, setSecurityHeaders } from './guards';
import { createMetrics } from './metrics';
import { HttpProblem, notFound, sendProblem, toProblem } from './problems';
import { citizenRoutes } from './routes/citizen';
import { meRoutes } from './routes/me';
import { codecRoutes } from './routes/codec';
import { operatorRoutes } from './routes/operator';
import { deadLetterRoutes } from './routes/dead-letters';
import { workerRoutes } from './routes/worker';
import { createStreamLimits, defaultMaxStreamsPerIdentity } from './streams';
import { pages } from './pages/plugin';

export interface ApiOptions {
  context: ApiContext;
  verifier: TokenVerifier;
  /** The development identity provider; absent = POST /auth/dev-login answers 404. */
  devLogin?: { issuer: string; audience: string; secret: Uint8Array; ttlSeconds?: number };
  log: Logger;
  bodyLimitBytes: number;
  /** Requests per minute per identity (or address); every request counts, refused ones too. */
  rateLimitPerMinute: number;
  /** Host header values answered (`host:port`, or `host` for any port); default: loopback names on any port. */
  allowedHosts?: readonly string[];
  /** Browser origins allowed to call the codec endpoint (the Temporal Web UI's); default: none. */
  corsOrigins?: readonly string[];
  /** Key of the pages' CSRF token HMAC (binds a token to its user); the same for every api process of a site. */
  pagesCsrfKey?: Uint8Array;
  /** Open event streams per identity. */
  maxStreamsPerIdentity?: number;
  /** Readiness: each dependency and whether it answers. */
  ready: () => Promise<Record<string, boolean>>;
}

/** The portal api: one Fastify app for citizens, agency workers and operators. */
export async function buildApi(options: ApiOptions): Promise<FastifyInstance> {
  // Set once the rate limit is registered: errors raised before routing count toward it too.
  const rateLimited: { count?: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown> } = {};
  // pino's Logger is what Fastify logs with; its type only differs from FastifyBaseLogger in detail.
  const app = Fastify({
    loggerInstance: options.log.child({ module: 'api' }) as FastifyBaseLogger,
    bodyLimit: options.bodyLimitBytes,
    return503OnClosing: true,
    // Errors Fastify raises before routing (a malformed URL, a bad content type) answer as problems
    // too, with the security headers, and count toward the rate limit like any other request.
    frameworkErrors: (err, request, reply) => {
      setSecurityHeaders(reply);
      void (async () => {
        let problem = toProblem(err, request);
        try {
          await rateLimited.count?.(request, reply);
        } catch (limited) {
          problem = toProblem(limited, request);
        }
        await sendProblem(reply, problem);
      })();
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const metrics = createMetrics({
    dossiers: options.context.dossiers,
    kafka: options.context.kafka,
    notifications: options.context.notifications,
    deadLetters: options.context.deadLetters,
    stepTimings: options.context.stepTimings,
    backOffices: options.context.backOffices,
    messages: options.context.messages,
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Lienthong portal api',
        version: '0.1.0',
        description:
          'Citizens submit and follow combined procedures, agency workers decide their tasks, operators repair stuck dossiers. Errors are RFC 9457 problem details.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });

  // A dependency outage fails every request that needs it: one warning per dependency and interval, with counts.
  const outages = createLogLimiter(options.log.child({ module: 'api' }));
  app.setErrorHandler(async (err, request, reply) => {
    const problem = toProblem(err, request);
    if (problem.dependency) outages.warn(`${problem.dependency} unavailable to the api`, err);
    else if (problem.status >= 500) request.log.error({ err }, 'request failed');
    await sendProblem(reply, problem);
  });
  app.setNotFoundHandler(async (request, reply) =>
    sendProblem(reply, toProblem(notFound(`no route ${request.method} ${request.url.split('?')[0]}`), request)),
  );

  // Every answer carries the security headers, refusals included.
  app.addHook('onRequest', async (_request, reply) => setSecurityHeaders(reply));
  app.addHook('onRequest', async (request) => authenticate(request, options.verifier));
  await app.register(rateLimit, {
    global: false,
    max: options.rateLimitPerMinute,
    timeWindow: '1 minute',
    keyGenerator: (request) => (request.principal ? `subject:${request.principal.subject}` : `ip:${request.ip}`),
    errorResponseBuilder: (_request, context) =>
      new HttpProblem(
        429,
        'Too Many Requests',
        `at most ${context.max} requests per minute per identity; retry after ${context.after}`,
      ),
  });
  // One hook for every request, before anything may refuse it (foreign host, bad token, no route,
  // bad input, wrong role): refused requests count too, so guessing tokens or ids is bounded.
  const limiter = app.rateLimit();
  rateLimited.count = limiter;
  app.addHook('onRequest', limiter);
  const checkHost = createHostCheck(options.allowedHosts ?? ['localhost', '127.0.0.1', '[::1]']);
  app.addHook('onRequest', async (request) => checkHost(request));
  app.addHook('onRequest', async (request) => raiseAuthenticationError(request));
  // Who may call a route is decided before its input is looked at: a stranger learns nothing from validation errors.
  app.addHook('preValidation', async (request) => authorize(request));
  app.addHook('preValidation', async (request) => refuseControlCharacters(request));
  const streams = createStreamLimits(options.maxStreamsPerIdentity ?? defaultMaxStreamsPerIdentity);
  app.addHook('preHandler', streams.admit);
  app.addHook('onResponse', async (request, reply) => {
    metrics.requests.inc({
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    });
  });

  app.get(
    '/health/live',
    {
      schema: {
        tags: ['system'],
        summary: 'The process is up',
        security: [],
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/health/ready',
    {
      schema: {
        tags: ['system'],
        summary: 'Temporal, Kafka and PostgreSQL answer',
        security: [],
        response: {
          200: z.object({ status: z.string(), checks: z.record(z.string(), z.boolean()) }),
          503: z.object({ status: z.string(), checks: z.record(z.string(), z.boolean()) }),
        },
      },
    },
    async (_request, reply) => {
      const checks = await options.ready();
      const ok = Object.values(checks).every(Boolean);
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready', checks });
    },
  );
  app.get(
    '/metrics',
    { schema: { tags: ['system'], summary: 'Prometheus metrics', security: [], hide: true } },
    async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  app.get('/docs', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/docs/openapi.json'));
  app.get('/docs/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.post(
    '/auth/dev-login',
    {
      schema: {
        tags: ['system'],
        summary: `Development identity provider: a token for a demo user (${Object.keys(devUsers).join(', ')}); only when enabled by configuration`,
        security: [],
        body: DevLoginBody,
        response: { 200: DevLoginReply, 404: Problem, 422: Problem },
      },
    },
    async (request) => {
      if (!options.devLogin) throw notFound('the development login is disabled (AUTH_DEV_LOGIN)');
      const principal = devUser(request.body.user);
      if (!principal)
        throw new HttpProblem(422, 'Unprocessable Content', `no demo user ${request.body.user}`, [
          { path: 'body.user', message: `must be one of ${Object.keys(devUsers).join(', ')}` },
        ]);
      const ttl = options.devLogin.ttlSeconds ?? 3600;
      return {
        token: await issueDevelopmentToken(principal, { ...options.devLogin, ttlSeconds: ttl }),
        expiresInSeconds: ttl,
        principal,
      };
    },
  );

  await app.register(citizenRoutes, options.context);
  await app.register(meRoutes, options.context);
  await app.register(workerRoutes, options.context);
  await app.register(operatorRoutes, options.context);
  await app.register(deadLetterRoutes, options.context);
  await app.register(codecRoutes, { ...options.context, corsOrigins: options.corsOrigins ?? [] });
  // The pages for people: same origin, their own cookie session; `/api/*` keeps its bearer tokens.
  await app.register(pages, {
    context: options.context,
    verifier: options.verifier,
    devLogin: options.devLogin,
    devUsers,
    csrfKey: options.pagesCsrfKey,
  });
  return app;
}

export { Problem };
