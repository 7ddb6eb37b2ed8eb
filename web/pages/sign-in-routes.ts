import type { FastifyPluginAsync } from 'fastify';
import { issueDevelopmentToken } from '../../platform/auth';
import { SignInPage } from './citizen/sign-in';
import { one, type FormBody } from './forms';
import type { PagesOptions } from './plugin';
import { frameOf, sendPage } from './render';
import { endSession, safeNext, startSession } from './session';

const hidden = { schema: { hide: true } };
const csrfChecked = (app: Parameters<FastifyPluginAsync>[0]) => ({ ...hidden, preHandler: app.csrfProtection });

/**
 * Signing in to the pages. Locally the development identity provider lists its demo users; in
 * production this is where the redirect to the configured OpenID Connect issuer goes (README).
 */
export const signInPages: FastifyPluginAsync<PagesOptions> = async (app, options) => {
  const users = options.devLogin ? options.devUsers : undefined;

  app.get('/sign-in', hidden, async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const next = safeNext(query.next);
    return sendPage(
      reply,
      SignInPage({ frame: frameOf(request, reply), users, next, notice: query.next !== undefined }),
    );
  });

  app.post('/sign-in', csrfChecked(app), async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const principal = users?.[one(body, 'user')];
    if (!options.devLogin || !principal)
      return sendPage(
        reply,
        SignInPage({ frame: frameOf(request, reply), users, next: safeNext(one(body, 'next')) }),
        422,
      );
    const ttlSeconds = options.devLogin.ttlSeconds ?? 3600;
    startSession(reply, await issueDevelopmentToken(principal, { ...options.devLogin, ttlSeconds }), ttlSeconds);
    request.log.info({ subject: principal.subject, role: principal.role }, 'signed in to the pages');
    return reply.redirect(safeNext(one(body, 'next')), 303);
  });

  app.post('/sign-out', csrfChecked(app), async (_request, reply) => {
    endSession(reply);
    return reply.redirect('/sign-in', 303);
  });
};
