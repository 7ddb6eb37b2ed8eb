import type { FastifyRequest } from 'fastify';
import { agencyIds, type AgencyId } from '../contracts/agencies';
import { agencyLabels } from '../contracts/procedures/labels';
import { demoPeople } from '../contracts/demo-citizens';
import type { Principal, Role, TokenVerifier } from '../platform/auth';
import { forbidden } from './problems';
import { AuthenticationError } from '../platform/auth';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** When the bearer token expires (streams end then). */
    tokenExpiresAt?: Date;
    /** Why the bearer token was refused; raised once the request has counted toward the rate limit. */
    authenticationError?: AuthenticationError;
  }
  interface FastifyContextConfig {
    /** Roles allowed on the route; absent = public. */
    roles?: readonly Role[];
  }
}

/** Demo users of every role for the development identity provider (POST /auth/dev-login); look up with `devUser`. */
export const devUsers: Readonly<Record<string, Principal>> = {
  'citizen-lan': {
    role: 'citizen',
    subject: 'citizen-lan',
    name: demoPeople.lan.fullName,
    personalIdNumber: demoPeople.lan.personalId,
  },
  'citizen-hanh': {
    role: 'citizen',
    subject: 'citizen-hanh',
    name: demoPeople.hanh.fullName,
    personalIdNumber: demoPeople.hanh.personalId,
  },
  // Two workers per agency, so claims and hand-overs can be tried; named after the agency's label.
  ...Object.fromEntries(
    agencyIds.flatMap((agency) =>
      ['', '-2'].map((suffix): [string, Principal] => [
        `worker-${agency}${suffix}`,
        {
          role: 'agency-worker',
          subject: `worker-${agency}${suffix}`,
          name: `Cán bộ · ${agencyLabels[agency].vi}${suffix ? ' 2' : ''}`,
          agency,
        },
      ]),
    ),
  ),
  operator: { role: 'operator', subject: 'operator', name: 'Vận hành viên' },
  auditor: { role: 'auditor', subject: 'auditor', name: 'Kiểm toán viên' },
};

/** The demo user of that name, if any; never a property every object has (`constructor`, `__proto__`). */
export function devUser(name: string): Principal | undefined {
  return Object.hasOwn(devUsers, name) ? devUsers[name] : undefined;
}

/**
 * Reads the bearer token if there is one; routes that need a role refuse the request without it.
 * A bad token is remembered, not thrown, so the request still counts toward the rate limit (keyed
 * by address then) before `raiseAuthenticationError` refuses it.
 */
export async function authenticate(request: FastifyRequest, verifier: TokenVerifier): Promise<void> {
  const header = request.headers.authorization;
  if (!header) return;
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header);
  if (!match) {
    request.authenticationError = new AuthenticationError('the Authorization header must be "Bearer <token>"');
    return;
  }
  try {
    const verified = await verifier.verifyToken(match[1]!);
    request.principal = verified.principal;
    request.tokenExpiresAt = verified.expiresAt;
  } catch (err) {
    if (!(err instanceof AuthenticationError)) throw err;
    request.authenticationError = err;
  }
}

export function raiseAuthenticationError(request: FastifyRequest): void {
  if (request.authenticationError) throw request.authenticationError;
}

/** Enforces the route's roles on the server, whatever the client sends. */
export function authorize(request: FastifyRequest): void {
  const roles = request.routeOptions.config.roles;
  if (!roles) return;
  if (!request.principal) throw new AuthenticationError('this route needs a bearer token');
  if (!roles.includes(request.principal.role))
    throw forbidden(`a ${request.principal.role} may not use this route (allowed: ${roles.join(', ')})`);
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AuthenticationError('this route needs a bearer token');
  return request.principal;
}

/** An agency worker acts only for their own agency. */
export function requireOwnAgency(request: FastifyRequest, agency: AgencyId): Principal & { role: 'agency-worker' } {
  const principal = principalOf(request);
  if (principal.role !== 'agency-worker' || principal.agency !== agency)
    throw forbidden(`only ${agency} workers may act on ${agency} tasks`);
  return principal;
}
