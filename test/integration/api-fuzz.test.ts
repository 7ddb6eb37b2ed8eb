import fc from 'fast-check';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { catalogue } from '../../contracts/procedures';
import { createAuditLog } from '../../platform/audit';
import { testAuditKey } from '../support/audit-key';
import { startDeadLetters } from '../support/dead-letters';
import { createTokenVerifier, issueDevelopmentToken } from '../../platform/auth';
import { createPool, type Pool } from '../../platform/database';
import { createDossierRecords } from '../../platform/dossier-records';
import { createLogger } from '../../platform/logger';
import { citizenKeyer } from '../../platform/pseudonym';
import { buildApi } from '../../web/app';
import { devUsers } from '../../web/auth';
import { createDossierGateway } from '../../web/dossiers';
import { createNotificationHub } from '../../web/notifications';
import { createSubmissionLedger } from '../../web/submission-ledger';
import { birthInput, deathInput } from '../fixtures/dossiers';
import { startSystem } from '../support/system';
import { testDataConverter } from '../support/workflow-env';

/**
 * The api over the real system (Temporal, Kafka, PostgreSQL, the agencies' back offices), fed
 * thousands of generated requests: NUL bytes and other control characters, unpaired surrogates,
 * prototype keys, unicode, huge values, on every route, as every role. None may answer 5xx, and
 * almost all must reach validation (or the route) rather than the rate limit. The generator is
 * seeded: the seed is printed, and FUZZ_SEED=<seed> replays a run.
 */
const endpoints = inject('endpoints');
const log = createLogger({ level: 'silent', format: 'json' });
const auth = {
  issuer: 'lienthong-test',
  audience: 'lienthong-api',
  secret: new TextEncoder().encode('integration-fuzz-secret-of-at-least-32-bytes'),
};
const requestCount = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

let system: Awaited<ReturnType<typeof startSystem>>;
let pool: Pool;
let deadLetters: Awaited<ReturnType<typeof startDeadLetters>> | undefined;
let app: Awaited<ReturnType<typeof buildApi>>;
const tokens: Record<string, string> = {};
let stoppedBeforeValidation = 0;
/** An encrypted payload as the Temporal Web UI sends it, for the codec routes' mutations. */
let sealed: unknown;

beforeAll(async () => {
  system = await startSystem(endpoints, log, {
    'civil-status': 'manual',
    residence: 'manual',
    'social-insurance': 'manual',
  });
  pool = createPool(endpoints.postgres.url);
  const audit = createAuditLog(pool, testAuditKey);
  await audit.ready();
  const ledger = createSubmissionLedger(pool);
  await ledger.migrate();
  const codec = testDataConverter.payloadCodecs[0]!;
  const records = createDossierRecords(pool, codec);
  await records.migrate();
  const [encrypted] = await codec.encode([
    { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('{"fullName":"Trần Minh An"}') },
  ]);
  sealed = {
    payloads: [
      {
        metadata: Object.fromEntries(
          Object.entries(encrypted!.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
        ),
        data: Buffer.from(encrypted!.data!).toString('base64'),
      },
    ],
  };
  const citizenKey = citizenKeyer(new TextEncoder().encode('integration-citizen-search-secret'));
  const dossiers = createDossierGateway({
    client: system.client,
    citizenKey,
    catalogue,
    ledger,
    records,
    registry: system.registry.service,
  });
  deadLetters = await startDeadLetters({
    pool,
    kafka: system.kafkaOf('operations'),
    audit,
    view: (dossierId) => dossiers.view(dossierId),
    log,
  });
  app = await buildApi({
    context: {
      catalogue,
      dossiers,
      deadLetters: deadLetters.deadLetters,
      registry: system.registry.service,
      notifications: createNotificationHub(),
      backOffices: Object.fromEntries(Object.entries(system.agencies).map(([a, r]) => [a, r.backOffice])),
      audit,
      kafka: system.kafka,
      namespace: endpoints.temporal.namespace,
      codec,
    },
    verifier: createTokenVerifier(auth),
    devLogin: auth,
    log,
    bodyLimitBytes: 256 * 1024,
    // Generous, so the run measures validation; the unit tests check that refusals count.
    rateLimitPerMinute: 1_000_000,
    corsOrigins: ['http://127.0.0.1:8233'],
    ready: async () => ({ temporal: true }),
  });
  // Requests stopped before validation: foreign host, refused token, rate limit, a role the route does not allow.
  app.addHook('onResponse', async (request, reply) => {
    const roles = request.routeOptions.config?.roles;
    const wrongRole = reply.statusCode === 403 && roles !== undefined && !roles.includes(request.principal!.role);
    if ([401, 421, 429].includes(reply.statusCode) || wrongRole) stoppedBeforeValidation += 1;
  });
  await app.ready();
  for (const [name, principal] of Object.entries(devUsers)) tokens[name] = await issueDevelopmentToken(principal, auth);
  const operator = { name: 'Vận hành', role: 'operator' };
  const sign = (jwt: SignJWT) =>
    jwt.setProtectedHeader({ alg: 'HS256' }).setSubject('op-x').setIssuer(auth.issuer).setAudience(auth.audience);
  tokens['no-exp'] = await sign(new SignJWT(operator)).setIssuedAt().sign(auth.secret);
  tokens['exp-2100'] = await sign(new SignJWT(operator))
    .setIssuedAt()
    .setExpirationTime(4_102_444_800)
    .sign(auth.secret);
  tokens['iat-ahead'] = await sign(new SignJWT(operator))
    .setIssuedAt(Math.floor(Date.now() / 1000) + 365 * 86_400)
    .setExpirationTime(Math.floor(Date.now() / 1000) + 365 * 86_400 + 3600)
    .sign(auth.secret);
}, 180_000);

afterAll(async () => {
  await app?.close();
  await deadLetters?.stop();
  await pool?.end();
  await system?.stop();
});

/** Values that have broken apis before: control characters, surrogates, prototype keys, unicode, sizes. */
const nasty: unknown[] = [
  '\u0000',
  'a\u0000b',
  'HS-20261123-\u0000',
  'register-birth\u0000',
  '\u0001\u001f\u007f',
  '\u0085\u009f',
  'line\nbreak',
  'tab\there',
  '\ud800',
  'x\udfffy',
  '\ud83d',
  '😀 Trần Thị Ánh',
  'Nguyễn\u0301',
  '\u202eevil\u202c',
  '\ufeff',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '',
  ' ',
  'x'.repeat(5_000),
  '9'.repeat(400),
  '../../etc/passwd',
  "' or 1=1 --",
  '%00',
  '${7*7}',
  -1,
  0,
  1e308,
  Number.MAX_SAFE_INTEGER,
  3.5,
  true,
  null,
  [],
  {},
  { __proto__: { polluted: true } },
  ['\u0000'],
  { '\u0000': 'key' },
  { constructor: { prototype: { x: 1 } } },
];
const nastyString = fc.constantFrom(...nasty.filter((v): v is string => typeof v === 'string'));
const nastyValue = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...nasty) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constant('y'.repeat(120_000)) },
);
/** Percent-encodes as a browser would, except that an unpaired surrogate becomes its (invalid) UTF-8 bytes. */
const percentEncode = (text: string) =>
  [...text]
    .map((char) => {
      const code = char.codePointAt(0)!;
      if (code < 0xd800 || code > 0xdfff) return encodeURIComponent(char);
      return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join('');
    })
    .join('');
/** A path segment: nasty text (percent-encoded, or raw), or a plausible id. */
const segment = fc.oneof(
  { weight: 3, arbitrary: nastyString.map((s) => percentEncode(s.slice(0, 3_000)).replaceAll('%25', '%')) },
  { weight: 1, arbitrary: nastyString.map((s) => s.slice(0, 200).replaceAll('/', '').replaceAll('?', '')) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'HS-20261123-FUZZ000001',
      'civil-status',
      'residence',
      'social-insurance',
      'register-birth',
      'register-residence',
      encodeURIComponent('HS-20261123-FUZZ000001/register-birth/1'),
      '%ED%A0%80',
      '%E0%A4%A',
      '%C0%80',
    ),
  },
);

const reason = 'the agency is back online';
const payloads = { payloads: [{ metadata: { encoding: 'anNvbi9wbGFpbg==' }, data: 'eyJhIjoxfQ==' }] };
/** An application no demo citizen may submit: whatever survives validation is refused with 403, and no dossier starts. */
const notMine = <T extends { applicant: object }>(input: T): T => ({
  ...input,
  applicant: { ...input.applicant, personalIdNumber: '001190099999' },
});
/** Every route of the api, with a valid body of its own to mutate. */
const routes: { method: string; path: string; body?: () => unknown; query?: string[] }[] = [
  { method: 'POST', path: '/api/dossiers', body: () => notMine(birthInput(5)) },
  { method: 'POST', path: '/api/dossiers', body: () => notMine(deathInput(4)) },
  { method: 'GET', path: '/api/dossiers', query: ['limit'] },
  { method: 'GET', path: '/api/dossiers/{}' },
  { method: 'GET', path: '/api/dossiers/{}/events' },
  {
    method: 'POST',
    path: '/api/dossiers/{}/information',
    body: () => ({ stepId: 'register-birth', fields: { 'child.fullName': 'Trần Minh An' } }),
  },
  { method: 'POST', path: '/api/dossiers/{}/withdrawal', body: () => ({ reason }) },
  { method: 'GET', path: '/api/agencies/{}/tasks', query: ['status', 'dueBefore', 'limit'] },
  { method: 'POST', path: '/api/agencies/{}/tasks/{}/claim' },
  { method: 'POST', path: '/api/agencies/{}/tasks/{}/release' },
  { method: 'POST', path: '/api/agencies/{}/tasks/{}/decision', body: () => ({ decision: 'approve', reason }) },
  {
    method: 'POST',
    path: '/api/agencies/{}/tasks/{}/decision',
    body: () => ({ decision: 'reject', reasonCode: 'REJECTED_BY_OFFICER', message: reason }),
  },
  {
    method: 'POST',
    path: '/api/agencies/{}/tasks/{}/decision',
    body: () => ({ decision: 'request-information', fields: ['child.fullName'], message: reason }),
  },
  {
    method: 'GET',
    path: '/api/operator/dossiers',
    query: ['status', 'procedure', 'agency', 'step', 'overdue', 'failing', 'running', 'from', 'to', 'limit'],
  },
  { method: 'GET', path: '/api/operator/dossiers/stuck', query: ['limit'] },
  { method: 'GET', path: '/api/operator/dossiers/{}' },
  { method: 'POST', path: '/api/operator/dossiers/{}/steps/{}/retry', body: () => ({ reason }) },
  {
    method: 'POST',
    path: '/api/operator/dossiers/{}/steps/{}/skip',
    body: () => ({ reason, result: { birthCertificateNumber: '001/2026/KS-000009' } }),
  },
  { method: 'POST', path: '/api/operator/dossiers/{}/terminate', body: () => ({ reason }) },
  { method: 'POST', path: '/api/operator/dossiers/{}/reset', body: () => ({ reason, beforeStep: 'register-birth' }) },
  // Bulk actions and redrives are dry runs unless told otherwise; the generator never says dryRun: false.
  {
    method: 'POST',
    path: '/api/operator/bulk',
    body: () => ({ query: { overdue: true, procedure: 'birth-bundle' }, action: 'retry', reason }),
  },
  { method: 'GET', path: '/api/operator/dead-letters', query: ['topic', 'state', 'dossierId', 'reason', 'limit'] },
  {
    method: 'POST',
    path: '/api/operator/dead-letters/redrive',
    body: () => ({ topic: 'agency.nowhere.events', deadLetterIds: ['a'], reason }),
  },
  { method: 'GET', path: '/api/operator/dead-letters/{}' },
  { method: 'POST', path: '/api/operator/dead-letters/{}/discard', body: () => ({ reason }) },
  {
    method: 'POST',
    path: '/api/operator/dead-letters/{}/fix',
    body: () => ({ payload: { dossierId: reason }, reason }),
  },
  { method: 'GET', path: '/api/audit', query: ['dossierId', 'actor', 'since', 'limit'] },
  { method: 'POST', path: '/codec/decode', body: () => payloads },
  { method: 'POST', path: '/codec/encode', body: () => payloads },
  { method: 'POST', path: '/codec/decode', body: () => sealed },
  { method: 'OPTIONS', path: '/codec/decode' },
  { method: 'POST', path: '/auth/dev-login', body: () => ({ user: 'operator' }) },
  { method: 'GET', path: '/health/live' },
  { method: 'GET', path: '/health/ready' },
  { method: 'GET', path: '/metrics' },
  { method: 'GET', path: '/docs/openapi.json' },
  { method: 'GET', path: '/nowhere/{}' },
];
const identities = [
  'anonymous',
  ...Object.keys(devUsers),
  'garbage',
  'no-exp',
  'exp-2100',
  'iat-ahead',
  'not-bearer',
] as const;
/** The demo users who may call a route (by its path and method), so most requests get past the role check. */
function fittingUsers(method: string, path: string): string[] {
  const withRole = (...roles: string[]) =>
    Object.entries(devUsers)
      .filter(([, principal]) => roles.includes(principal.role))
      .map(([name]) => name);
  if (/^\/api\/dossiers\/\{\}(\/events)?$/.test(path) && method === 'GET')
    return withRole('citizen', 'operator', 'auditor');
  if (path.startsWith('/api/dossiers')) return withRole('citizen');
  if (path.startsWith('/api/agencies')) return withRole('agency-worker');
  if (path.startsWith('/api/operator') && method === 'POST') return withRole('operator');
  if (path.startsWith('/api/operator') || path.startsWith('/api/audit') || path.startsWith('/codec/'))
    return withRole('operator', 'auditor');
  return ['anonymous', ...Object.keys(devUsers)];
}
/** Mostly null (no such header), sometimes a value. */
const rarely = <T>(value: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 19, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: value });
const extraQueryKeys = ['__proto__', 'constructor', 'x', 'limit[]', 'toString'];

/** Replaces one leaf of a valid body (or adds a key) with a nasty value. */
function mutate(body: unknown, choice: number, value: unknown, addKey: boolean): unknown {
  const leaves: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const parent = node as Record<string | number, unknown>;
    for (const [key, child] of Object.entries(parent)) {
      if (child && typeof child === 'object') walk(child);
      else leaves.push({ parent, key: Array.isArray(node) ? Number(key) : key });
    }
  };
  walk(body);
  if (addKey || leaves.length === 0) {
    const target = leaves.length > 0 ? leaves[choice % leaves.length]!.parent : body;
    if (target && typeof target === 'object' && !Array.isArray(target))
      (target as Record<string, unknown>)[String(value).slice(0, 40) || 'extra'] = value;
    return body;
  }
  const leaf = leaves[choice % leaves.length]!;
  (leaf.parent as Record<string | number, unknown>)[leaf.key] = value;
  return body;
}

interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
  label: string;
}

const request: fc.Arbitrary<FuzzRequest> = fc
  .record({
    route: fc.nat(routes.length - 1),
    segments: fc.array(segment, { minLength: 2, maxLength: 2 }),
    user: fc.oneof(
      { weight: 19, arbitrary: fc.nat(1_000).map((n) => ({ fitting: true, n })) },
      { weight: 1, arbitrary: fc.nat(1_000).map((n) => ({ fitting: false, n })) },
    ),
    query: fc.array(
      fc.tuple(
        fc.nat(20),
        nastyString.map((s) => s.slice(0, 2_000)),
      ),
      { maxLength: 3 },
    ),
    mutation: fc.record({ choice: fc.nat(1_000), value: nastyValue, addKey: fc.boolean() }),
    bodyKind: fc.constantFrom('mutated', 'mutated', 'mutated', 'mutated', 'raw', 'valid'),
    raw: fc.oneof(nastyString, fc.constantFrom('{', '[', '{"a":', 'null', '"\\u0000"', '{"__proto__":{"x":1}}')),
    contentType: fc.constantFrom('application/json', 'application/json', 'application/json', 'text/plain', undefined),
    idempotencyKey: rarely(nastyString),
    host: rarely(fc.constantFrom('rebind.attacker.example', 'localhost:8080', '127.0.0.1:1')),
  })
  .map(({ route: index, segments, user: pick, query, mutation, bodyKind, raw, contentType, idempotencyKey, host }) => {
    const route = routes[index]!;
    const candidates = pick.fitting ? fittingUsers(route.method, route.path) : identities;
    const user = candidates[pick.n % candidates.length]!;
    let i = 0;
    let url = route.path.replaceAll('{}', () => segments[i++]!);
    const params = query.map(([key, value]) => {
      const names = [...(route.query ?? []), ...extraQueryKeys];
      return `${percentEncode(names[key % names.length]!)}=${percentEncode(value)}`;
    });
    if (params.length > 0) url += `?${params.join('&')}`;
    const headers: Record<string, string> = {};
    if (user === 'garbage') headers.authorization = 'Bearer x.y.z';
    else if (user === 'not-bearer') headers.authorization = 'Basic dXNlcjpwYXNz';
    else if (user !== 'anonymous') headers.authorization = `Bearer ${tokens[user]}`;
    if (contentType) headers['content-type'] = contentType;
    if (idempotencyKey !== null) headers['idempotency-key'] = idempotencyKey.slice(0, 300);
    if (host !== null) headers.host = host;
    let payload: string | undefined;
    if (route.body && route.method !== 'GET') {
      // Fresh copies: the generator's values are shared between samples and mutate() writes into them.
      const valid = structuredClone(route.body());
      payload =
        bodyKind === 'raw'
          ? raw
          : JSON.stringify(
              bodyKind === 'valid'
                ? valid
                : mutate(valid, mutation.choice, structuredClone(mutation.value), mutation.addKey),
            );
      if (payload.includes('"dryRun":false')) payload = payload.replaceAll('"dryRun":false', '"dryRun":true');
    }
    return { method: route.method, url, headers, payload, label: `${route.method} ${route.path} as ${user}` };
  });

describe('fuzzed requests against the real stack', () => {
  it(`${requestCount} generated requests: no 5xx, problem details on every refusal, at least 90% reach validation`, async () => {
    // Printed so a failing run can be replayed with FUZZ_SEED.
    console.info(`api fuzz: seed ${seed} (replay with FUZZ_SEED=${seed}), ${requestCount} requests`);
    const requests = fc.sample(request, { seed, numRuns: requestCount });
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let next = 0;
    const started = Date.now();
    stoppedBeforeValidation = 0;
    const worker = async () => {
      for (let index = next++; index < requests.length; index = next++) {
        const r = requests[index]!;
        const response = await app.inject({
          method: r.method as 'GET',
          url: r.url,
          headers: r.headers,
          payload: r.payload,
        });
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        const problem = response.statusCode >= 400 && r.method !== 'OPTIONS';
        if (response.statusCode >= 500)
          failures.push(
            `#${index} ${r.label} ${r.url.slice(0, 200)} → ${response.statusCode} ${response.body.slice(0, 300)}`,
          );
        else if (problem && !String(response.headers['content-type']).includes('application/problem+json'))
          failures.push(`#${index} ${r.label} → ${response.statusCode} without problem details`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const limited = statuses.get(429) ?? 0;
    const reachedValidation = requests.length - stoppedBeforeValidation;
    const fiveHundreds = [...statuses].filter(([status]) => status >= 500).reduce((sum, [, n]) => sum + n, 0);
    console.info(
      `api fuzz: ${requests.length} requests in ${((Date.now() - started) / 1000).toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries(statuses))}; 5xx ${fiveHundreds}; rate limited ${limited}; reached validation ${((reachedValidation / requests.length) * 100).toFixed(1)}%`,
    );
    if (failures.length > 0) console.info(`api fuzz failures (first 20):\n${failures.slice(0, 20).join('\n')}`);
    expect(requests.length).toBeGreaterThanOrEqual(Math.min(requestCount, 10_000));
    expect(failures.slice(0, 20), `seed ${seed}`).toEqual([]);
    expect(fiveHundreds).toBe(0);
    expect(limited / requests.length).toBeLessThanOrEqual(0.1);
    expect(reachedValidation / requests.length).toBeGreaterThanOrEqual(0.9);
  }, 300_000);
});

describe('the requests that answered 500 (issue 13), against the real back offices and audit log', () => {
  const call = (method: 'GET' | 'POST', url: string, who: string, payload?: unknown) =>
    app.inject({ method, url, payload: payload as never, headers: { authorization: `Bearer ${tokens[who]}` } });

  it.each(['claim', 'release', 'decision'])('a NUL in the taskId of %s → 400 naming params.taskId', async (action) => {
    const response = await call(
      'POST',
      `/api/agencies/civil-status/tasks/HS-1%00/${action}`,
      'worker-civil-status',
      action === 'decision' ? { decision: 'approve' } : undefined,
    );
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().errors[0].path).toBe('params.taskId');
  });

  it.each(['dossierId', 'actor'])('a NUL in /api/audit?%s= → 400 naming it', async (name) => {
    const response = await call('GET', `/api/audit?${name}=x%00y`, 'auditor');
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().errors[0].path).toBe(`query.${name}`);
  });

  it.each(['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty'])(
    'dev-login as %s → 4xx naming body.user',
    async (user) => {
      const response = await app.inject({ method: 'POST', url: '/auth/dev-login', payload: { user } });
      expect([400, 422]).toContain(response.statusCode);
      expect(response.json().errors[0].path).toBe('body.user');
    },
  );

  it("a NUL in an operator's reason is refused before the action and before the audit", async () => {
    const response = await call('POST', '/api/operator/dossiers/HS-20261123-FUZZ000001/terminate', 'operator', {
      reason: 'dup\u0000licate',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].path).toBe('body.reason');
  });
});
