import type {} from './pages/session';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem } from './problems';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route answers with a long-lived stream (server-sent events): capped per identity, closed at token expiry. */
    stream?: boolean;
  }
}

/** How many event streams an identity may hold open on one api process, unless configured. */
export const defaultMaxStreamsPerIdentity = 10;

/**
 * Limits the open streams of each identity and ends each stream when the token that opened it
 * expires, so a leaked token cannot hold connections open, or read changes, past its life. A
 * page's stream counts for the same identity as the api's: the page session holds the same token.
 */
export function createStreamLimits(maxPerIdentity: number) {
  const open = new Map<string, number>();
  return {
    /** Counts of open streams by identity (role:subject). */
    open,
    /** A preHandler: runs after authorization and validation, only on stream routes. */
    async admit(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      if (!request.routeOptions.config.stream) return;
      // The bearer token's identity, else the page session's; with neither, the route's own guard refuses.
      const principal = request.principal ?? request.pageSession;
      if (!principal) return;
      const identity = `${principal.role}:${principal.subject}`;
      const count = open.get(identity) ?? 0;
      if (count >= maxPerIdentity)
        throw new HttpProblem(
          429,
          'Too Many Requests',
          `at most ${maxPerIdentity} open event streams per identity; close one before opening another`,
        );
      open.set(identity, count + 1);
      const raw = reply.raw;
      const expiresInMs = (request.tokenExpiresAt?.getTime() ?? Date.now()) - Date.now();
      const expiry = setTimeout(
        () => {
          if (raw.headersSent) raw.end('event: token-expired\ndata: {}\n\n');
          else raw.destroy();
        },
        Math.max(0, Math.min(expiresInMs, 2 ** 31 - 1)),
      );
      raw.once('close', () => {
        clearTimeout(expiry);
        const left = (open.get(identity) ?? 1) - 1;
        if (left > 0) open.set(identity, left);
        else open.delete(identity);
      });
    },
  };
}
