import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { AgencyId } from '../contracts/agencies';

/** Who is calling, as the api enforces it: every route decides from this, never from the body. */
export const Principal = z.discriminatedUnion('role', [
  z.strictObject({
    role: z.literal('citizen'),
    subject: z.string().min(1),
    name: z.string().min(1),
    personalIdNumber: z.string().regex(/^\d{12}$/),
  }),
  z.strictObject({
    role: z.literal('agency-worker'),
    subject: z.string().min(1),
    name: z.string().min(1),
    agency: AgencyId,
  }),
  z.strictObject({ role: z.literal('operator'), subject: z.string().min(1), name: z.string().min(1) }),
  z.strictObject({ role: z.literal('auditor'), subject: z.string().min(1), name: z.string().min(1) }),
]);
export type Principal = z.infer<typeof Principal>;
export type Role = Principal['role'];

/** The JWT claims Lienthong reads (beyond the registered ones). */
const Claims = z.object({
  sub: z.string().min(1),
  name: z.string().min(1),
  role: z.enum(['citizen', 'agency-worker', 'operator', 'auditor']),
  personal_id_number: z.string().optional(),
  agency: z.string().optional(),
});

/** Raised for a missing, malformed, expired or foreign token; the api answers 401. */
export class AuthenticationError extends Error {
  readonly type = 'AuthenticationError';
  readonly retriable = false;
}

export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

export type VerifierOptions = { issuer: string; audience: string } & ({ jwksUrl: string } | { secret: Uint8Array });

/** Verifies bearer tokens: production against the issuer's JWKS, development with a shared secret. */
export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
  const key: JWTVerifyGetKey | Uint8Array =
    'jwksUrl' in options ? createRemoteJWKSet(new URL(options.jwksUrl)) : options.secret;
  return {
    async verify(token) {
      let payload: unknown;
      try {
        ({ payload } =
          typeof key === 'function'
            ? await jwtVerify(token, key, { issuer: options.issuer, audience: options.audience })
            : await jwtVerify(token, key, {
                issuer: options.issuer,
                audience: options.audience,
                algorithms: ['HS256'],
              }));
      } catch (err) {
        throw new AuthenticationError(`invalid token: ${(err as Error).message}`);
      }
      const claims = Claims.safeParse(payload);
      if (!claims.success) throw new AuthenticationError(`token claims: ${z.prettifyError(claims.error)}`);
      const c = claims.data;
      const principal = Principal.safeParse({
        role: c.role,
        subject: c.sub,
        name: c.name,
        ...(c.role === 'citizen' ? { personalIdNumber: c.personal_id_number } : {}),
        ...(c.role === 'agency-worker' ? { agency: c.agency } : {}),
      });
      if (!principal.success)
        throw new AuthenticationError(`token claims do not fit role ${c.role}: ${z.prettifyError(principal.error)}`);
      return principal.data;
    },
  };
}

/** Issues development tokens (HS256) for seeded demo users; only mounted when enabled by config. */
export async function issueDevelopmentToken(
  principal: Principal,
  options: { issuer: string; audience: string; secret: Uint8Array; ttlSeconds?: number },
): Promise<string> {
  return new SignJWT({
    name: principal.name,
    role: principal.role,
    ...(principal.role === 'citizen' ? { personal_id_number: principal.personalIdNumber } : {}),
    ...(principal.role === 'agency-worker' ? { agency: principal.agency } : {}),
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(principal.subject)
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt()
    .setExpirationTime(`${options.ttlSeconds ?? 3600}s`)
    .sign(options.secret);
}
