import type { FastifyRequest } from 'fastify';
import { principalOf } from './auth';
import type { ApiContext } from './context';

/**
 * Records that a worker, an operator or an auditor is about to read a dossier's personal data, and
 * what, before it is sent: a read that cannot be recorded is not answered (503). A citizen's
 * reads of their own dossiers are not recorded here.
 */
export async function recordRead(ctx: ApiContext, request: FastifyRequest, dossierId: string, what: string) {
  const principal = principalOf(request);
  if (principal.role === 'citizen') return;
  await ctx.audit.append({
    actor: principal.subject,
    role: principal.role,
    action: 'dossier.read',
    reason: `read ${what}`,
    dossierId,
    details: { route: `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}` },
  });
}
