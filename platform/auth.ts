import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
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

/** A verified token: who it speaks for and until when (an event stream closes then). */
export interface VerifiedToken {
  principal: Principal;
  expiresAt: Date;
}

export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
  verifyToken(token: string): Promise<VerifiedToken>;
}

/** The longest a token may live (its `exp` after its `iat`), unless configured otherwise: 12 hours. */
export const defaultMaxTokenLifetimeSeconds = 12 * 60 * 60;
/** How far the issuer's clock may run ahead of ours or behind. */
export const clockSkewSeconds = 60;

export type VerifierOptions = {
  issuer: string;
  audience: string;
  /** Tokens that live longer (exp − iat, or exp − now without iat) are refused. */
  maxLifetimeSeconds?: number;
  /** For tests: the current time. */
  now?: () => Date;
} & ({ jwksUrl: string } | { secret: Uint8Array });

/**
 * Verifies bearer tokens: production against the issuer's JWKS, development with a shared secret.
 * A token must carry `exp`, must not live longer than the configured maximum, and must not be
 * issued in the future, so a leaked or forged-far-ahead token is useful for a bounded time only.
 */
export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
  const key: JWTVerifyGetKey | Uint8Array =
    'jwksUrl' in options ? createRemoteJWKSet(new URL(options.jwksUrl)) : options.secret;
  const maxLifetime = options.maxLifetimeSeconds ?? defaultMaxTokenLifetimeSeconds;
  const now = options.now ?? (() => new Date());
  const verifyToken = async (token: string): Promise<VerifiedToken> => {
    let payload: JWTPayload;
    const checks = {
      issuer: options.issuer,
      audience: options.audience,
      requiredClaims: ['exp'],
      clockTolerance: clockSkewSeconds,
      currentDate: now(),
    };
    try {
      ({ payload } =
        typeof key === 'function'
          ? await jwtVerify(token, key, checks)
          : await jwtVerify(token, key, { ...checks, algorithms: ['HS256'] }));
    } catch (err) {
      throw new AuthenticationError(`invalid token: ${(err as Error).message}`);
    }
    const nowSeconds = Math.floor(now().getTime() / 1000);
    const exp = payload.exp!;
    if (payload.iat !== undefined && payload.iat > nowSeconds + clockSkewSeconds)
      throw new AuthenticationError('invalid token: issued in the future ("iat" is ahead of the clock)');
    const lifetime = exp - (payload.iat ?? nowSeconds);
    if (lifetime > maxLifetime)
      throw new AuthenticationError(
        `invalid token: lives ${lifetime} s, more than the ${maxLifetime} s a token may ("exp" too far after "iat")`,
      );
    return { principal: principalFrom(payload), expiresAt: new Date(exp * 1000) };
  };
  return {
    verifyToken,
    async verify(token) {
      return (await verifyToken(token)).principal;
    },
  };
}

function principalFrom(payload: JWTPayload): Principal {
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
