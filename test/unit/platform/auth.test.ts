import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  createTokenVerifier,
  issueDevelopmentToken,
  type Principal,
} from '../../../platform/auth';

const secret = new TextEncoder().encode('a-development-secret-of-32-bytes!!');
const options = { issuer: 'lienthong-dev', audience: 'lienthong-api', secret };
const citizen: Principal = {
  role: 'citizen',
  subject: 'citizen-1',
  name: 'Lê Thị Hoa',
  personalIdNumber: '001190012345',
};
const worker: Principal = {
  role: 'agency-worker',
  subject: 'worker-1',
  name: 'Cán bộ tư pháp',
  agency: 'civil-status',
};

describe('development tokens', () => {
  it('round-trips every role', async () => {
    const verifier = createTokenVerifier(options);
    for (const principal of [
      citizen,
      worker,
      { role: 'operator', subject: 'op-1', name: 'Vận hành' },
      { role: 'auditor', subject: 'au-1', name: 'Kiểm toán' },
    ] as Principal[]) {
      expect(await verifier.verify(await issueDevelopmentToken(principal, options))).toEqual(principal);
    }
  });

  it.each([
    ['a foreign issuer', { ...options, issuer: 'someone-else' }],
    ['another audience', { ...options, audience: 'other-api' }],
    ['another secret', { ...options, secret: new TextEncoder().encode('another-secret-of-at-least-32-bytes') }],
    ['an expired token (beyond the clock skew)', { ...options, ttlSeconds: -120 }],
  ])('refuses %s', async (_label, issuing) => {
    const token = await issueDevelopmentToken(citizen, issuing);
    await expect(createTokenVerifier(options).verify(token)).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('refuses garbage and claims that do not fit the role', async () => {
    const verifier = createTokenVerifier(options);
    await expect(verifier.verify('not.a.jwt')).rejects.toThrow('invalid token');
    const workerWithoutAgency = await new SignJWT({ name: 'x', role: 'agency-worker' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('w')
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .setExpirationTime('1h')
      .sign(secret);
    await expect(verifier.verify(workerWithoutAgency)).rejects.toThrow(/do not fit role agency-worker/);
    const unknownRole = await new SignJWT({ name: 'x', role: 'minister' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('m')
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .setExpirationTime('1h')
      .sign(secret);
    await expect(verifier.verify(unknownRole)).rejects.toThrow(/role/);
  });
});

describe('token lifetime (regressions: no exp, exp in 2100, iat a year ahead were accepted)', () => {
  const hour = 3600;
  const now = () => Math.floor(Date.now() / 1000);
  const sign = (claims: { iat?: number; exp?: number }) => {
    const jwt = new SignJWT({ name: 'Vận hành', role: 'operator' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('op-1')
      .setIssuer(options.issuer)
      .setAudience(options.audience);
    if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
    if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
    return jwt.sign(secret);
  };

  it.each([
    ['no exp', { iat: now() }, /"exp" claim/],
    ['exp in 2100', { iat: now(), exp: Date.UTC(2100, 0, 1) / 1000 }, /more than the 43200 s/],
    ['exp in 2100 and no iat', { exp: Date.UTC(2100, 0, 1) / 1000 }, /more than the 43200 s/],
    ['iat a year ahead', { iat: now() + 365 * 24 * hour, exp: now() + 365 * 24 * hour + hour }, /future|iat/],
    ['iat two minutes ahead', { iat: now() + 120, exp: now() + hour }, /future|iat/],
  ])('refuses a token with %s', async (_label, claims, message) => {
    await expect(createTokenVerifier(options).verify(await sign(claims))).rejects.toThrow(message);
  });

  it('accepts 12 hours, a clock 30 s ahead, and a configured maximum; reports the expiry', async () => {
    const verifier = createTokenVerifier(options);
    const exp = now() + 12 * hour;
    const verified = await verifier.verifyToken(await sign({ iat: now(), exp }));
    expect(verified.expiresAt.getTime()).toBe(exp * 1000);
    await expect(verifier.verify(await sign({ iat: now() + 30, exp: now() + hour }))).resolves.toMatchObject({
      role: 'operator',
    });
    const short = createTokenVerifier({ ...options, maxLifetimeSeconds: 600 });
    await expect(short.verify(await sign({ iat: now(), exp: now() + hour }))).rejects.toThrow(/more than the 600 s/);
  });
});

describe('issuer tokens verified through JWKS', () => {
  let server: Server;
  let jwksUrl: string;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((_req, res) =>
      res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] })),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    jwksUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('accepts a token signed by the issuer key', async () => {
    const token = await new SignJWT({ name: 'Vận hành', role: 'operator' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('op-9')
      .setIssuer('https://id.gov.vn')
      .setAudience('lienthong-api')
      .setExpirationTime('5m')
      .sign(privateKey);
    const verifier = createTokenVerifier({ issuer: 'https://id.gov.vn', audience: 'lienthong-api', jwksUrl });
    expect(await verifier.verify(token)).toEqual({ role: 'operator', subject: 'op-9', name: 'Vận hành' });
  });
});
