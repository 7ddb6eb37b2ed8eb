import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal, TokenVerifier } from '../../platform/auth';
import type {} from '../auth';
import { pickLanguage, type Lang } from './i18n';

/**
 * The page session: an httpOnly, SameSite=Lax cookie holding the identity provider's token, sent
 * only to the pages (the api reads bearer tokens and never this cookie). Secure over https.
 */
export const sessionCookie = 'lienthong_session';
const langCookie = 'lienthong_lang';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is signed in to the pages (from the session cookie); null when nobody is. */
    pageSession: Principal | null;
    /** The language the pages answer in. */
    pageLang: Lang;
  }
}

const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto' } as const;

/** Reads the session and the language of a page request; an expired or foreign token is cleared, not an error. */
export async function readPageRequest(request: FastifyRequest, reply: FastifyReply, verifier: TokenVerifier) {
  const query = request.query as Record<string, unknown> | undefined;
  const chosen = typeof query?.lang === 'string' ? query.lang : undefined;
  if (chosen === 'vi' || chosen === 'en')
    reply.setCookie(langCookie, chosen, { ...cookieOptions, maxAge: 365 * 24 * 3600 });
  request.pageLang = pickLanguage(chosen ?? request.cookies[langCookie], request.headers['accept-language']);
  const token = request.cookies[sessionCookie];
  request.pageSession = null;
  if (!token) return;
  try {
    const verified = await verifier.verifyToken(token);
    request.pageSession = verified.principal;
    // A page's event stream ends when the session's token does, as the api's streams do.
    request.tokenExpiresAt ??= verified.expiresAt;
  } catch {
    reply.clearCookie(sessionCookie, cookieOptions);
  }
}

export function startSession(reply: FastifyReply, token: string, ttlSeconds: number): void {
  reply.setCookie(sessionCookie, token, { ...cookieOptions, maxAge: ttlSeconds });
}

export function endSession(reply: FastifyReply): void {
  reply.clearCookie(sessionCookie, cookieOptions);
}

/** A path on this site to return to after signing in; anything else (another origin, a scheme) is home. */
export const safeNext = (next: unknown): string =>
  typeof next === 'string' && /^\/(?![/\\])[^\s\\]*$/.test(next) ? next : '/';
