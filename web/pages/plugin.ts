import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import type { FastifyError, FastifyPluginAsync } from 'fastify';
import type { Principal, TokenVerifier } from '../../platform/auth';
import { communes, provinceCodes, type ProvinceCode } from '../../contracts/values';
import { HttpProblem, notFound, sendProblem, toProblem } from '../problems';
import type { ApiContext } from '../context';
import { citizenPages } from './citizen-routes';
import { operatorPages } from './operator-routes';
import { MessagePage } from './citizen/message';
import { csrfUserOf, frameOf, sendPage } from './render';
import { readPageRequest } from './session';
import { signInPages } from './sign-in-routes';
import { workerPages } from './worker-routes';
import { words } from './i18n';

export interface PagesOptions {
  context: ApiContext;
  verifier: TokenVerifier;
  /** The development identity provider; absent = the sign-in page says it is off. */
  devLogin?: { issuer: string; audience: string; secret: Uint8Array; ttlSeconds?: number };
  /** The demo users it offers. */
  devUsers: Record<string, Principal>;
  /**
   * Key of the CSRF tokens' HMAC, which binds each token to the signed-in user: every api process
   * behind one site needs the same one. Absent = one of this process's own (tests).
   */
  csrfKey?: Uint8Array;
}

const asset = (name: string) => readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');

/**
 * The pages for people, served by the api process at the same origin: server-rendered HTML that
 * works without JavaScript, a cookie session for pages only, CSRF tokens on every form, and strict
 * security headers. Everything registered here stays inside this plugin: `/api/*` is untouched.
 */
export const pages: FastifyPluginAsync<PagesOptions> = async (app, options) => {
  // Each plugin only if the api has not registered it for every route already.
  if (!app.hasDecorator('parseCookie')) await app.register(cookie);
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) await app.register(formbody);
  // A token is bound to who was signed in when the form was made (nobody, for the sign-in form):
  // a token another user's page carried, or one from before a sign-in, is refused.
  await app.register(csrf, {
    cookieKey: 'lienthong_csrf',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto' },
    getUserInfo: (request) => csrfUserOf(request),
    csrfOpts: { hmacKey: Buffer.from(options.csrfKey ?? randomBytes(32)) },
  });
  if (!app.hasReplyDecorator('helmet'))
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
        },
      },
    });

  app.decorateRequest('pageSession', null);
  app.decorateRequest('pageLang', 'vi');
  app.addHook('onRequest', async (request, reply) => readPageRequest(request, reply, options.verifier));

  app.setErrorHandler(async (err: FastifyError, request, reply) => {
    // Refused before the page session was read (a bad token, a foreign Host): answered as the api would.
    if (!request.cookies) return sendProblem(reply, toProblem(err, request));
    const frame = frameOf(request, reply);
    // The same status the api would answer (a refused token is 401, not a failure of ours).
    const status = err instanceof HttpProblem ? err.status : toProblem(err, request).status;
    if (err.code?.startsWith('FST_CSRF'))
      return sendPage(reply, MessagePage({ frame, title: words.expiredTitle, lead: words.expiredLead }), 403);
    if (status === 404)
      return sendPage(reply, MessagePage({ frame, title: words.notFoundTitle, lead: words.notFoundLead }), 404);
    if (status === 403)
      return sendPage(reply, MessagePage({ frame, title: words.forbiddenTitle, lead: words.forbiddenLead }), 403);
    if (status >= 500) request.log.error({ err }, 'page failed');
    return sendPage(
      reply,
      MessagePage({ frame, title: words.errorTitle, lead: words.errorLead }),
      status >= 400 && status < 500 ? status : 500,
    );
  });

  const css = asset('pages.css') + asset('operator.css');
  const js = asset('pages.js');
  const hidden = { schema: { hide: true } };
  app.get('/assets/pages.css', hidden, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(css),
  );
  app.get('/assets/pages.js', hidden, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(js),
  );

  // Each province's communes for the address pickers: small, public and the same for everyone.
  const communeLists = new Map(provinceCodes.map((code) => [code, JSON.stringify(communes[code])]));
  app.get('/assets/communes/:file', hidden, async (request, reply) => {
    const file = (request.params as { file?: string }).file ?? '';
    const list = communeLists.get(file.replace(/\.json$/, '') as ProvinceCode);
    if (!list) throw notFound('no such province');
    return reply.type('application/json; charset=utf-8').header('cache-control', 'public, max-age=86400').send(list);
  });

  await app.register(signInPages, options);
  await app.register(citizenPages, options.context);
  await app.register(workerPages, options.context);
  await app.register(operatorPages, options.context);
};
