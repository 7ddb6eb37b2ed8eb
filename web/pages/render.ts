import type {} from '@fastify/csrf-protection';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { Frame } from './components/layout';

/** Who a CSRF token is bound to: the signed-in subject, or nobody (never empty: the library refuses that). */
export const csrfUserOf = (request: FastifyRequest): string =>
  request.pageSession ? `user:${request.pageSession.subject}` : 'nobody';

/** What every page needs from its request: language, who is signed in, a CSRF token for its forms. */
export const frameOf = (request: FastifyRequest, reply: FastifyReply): Frame => ({
  lang: request.pageLang,
  url: request.url,
  principal: request.pageSession ?? undefined,
  csrf: reply.generateCsrf({ userInfo: csrfUserOf(request) }),
});

/** Sends a page: server-rendered HTML, never cached (pages show personal data). */
export async function sendPage(reply: FastifyReply, page: VNode, status = 200): Promise<void> {
  await reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(`<!doctype html>${renderToString(page)}`);
}

/** The markup of a part of a page, for the server-sent events that replace it. */
export const fragment = (part: VNode): string => renderToString(part);
