import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueDevelopmentToken } from '../../../platform/auth';
import { devUsers } from '../../../web/auth';
import { birthInput } from '../../fixtures/dossiers';
import { auth, fakeApi, lanDossier } from './fake-api';

/**
 * What the api refuses (issue 13), each finding with its own regression test, over fakes: the
 * same requests against the real stack are in test/integration/api-fuzz.test.ts.
 */
let api: Awaited<ReturnType<typeof fakeApi>>;
beforeAll(async () => {
  api = await fakeApi();
});
afterAll(async () => {
  await api.app.close();
});

const as = (who: string) => ({ authorization: `Bearer ${api.tokens[who]}` });
const task = (id: string) => `/api/agencies/civil-status/tasks/${encodeURIComponent(id)}`;

describe('control characters and unpaired surrogates', () => {
  it.each([
    ['POST', `${task('HS-1/register-birth/1\u0000')}/claim`, undefined, 'params.taskId'],
    ['POST', `${task('\u0000')}/release`, undefined, 'params.taskId'],
    ['POST', `${task('HS-1\u0000')}/decision`, { decision: 'approve' }, 'params.taskId'],
  ])('%s %s → 400 naming %s', async (method, url, payload, path) => {
    const response = await api.app.inject({
      method: method as 'POST',
      url,
      payload,
      headers: as('worker-civil-status'),
    });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().errors).toEqual([
      expect.objectContaining({ path, message: expect.stringContaining('U+0000') }),
    ]);
  });

  it.each(['dossierId', 'actor'])('GET /api/audit?%s=<NUL> → 400 naming the parameter', async (name) => {
    const response = await api.app.inject({ method: 'GET', url: `/api/audit?${name}=a%00b`, headers: as('operator') });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0]).toMatchObject({ path: `query.${name}` });
  });

  it("refuses a NUL in a citizen's free text, a lone surrogate and a C1 control, naming each field", async () => {
    const input = birthInput(5);
    input.child.birthPlace.street = 'Số 1\u0000 Tràng Tiền';
    const response = await api.app.inject({
      method: 'POST',
      url: '/api/dossiers',
      payload: input,
      headers: as('citizen-lan'),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors.map((e: { path: string }) => e.path)).toEqual(['body.child.birthPlace.street']);
    const supplied = await api.app.inject({
      method: 'POST',
      url: `/api/dossiers/${lanDossier}/information`,
      payload: { stepId: 'register-birth', fields: { 'child.fullName': 'An\ud800', 'x\u0085': 'ok' } },
      headers: as('citizen-lan'),
    });
    expect(supplied.statusCode).toBe(400);
    expect(
      supplied
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(['body.fields.child.fullName', 'body.fields.x\u0085']);
  });

  it("refuses a NUL in an operator's reason before acting (no audit row, no action)", async () => {
    const before = api.audit.length;
    const response = await api.app.inject({
      method: 'POST',
      url: `/api/operator/dossiers/${lanDossier}/steps/register-birth/retry`,
      payload: { reason: 'agency\u0000 back' },
      headers: as('operator'),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].path).toBe('body.reason');
    expect(api.audit.length).toBe(before);
  });

  it('keeps line breaks in free text, refuses them in one-line values, and checks a declared header', async () => {
    const withdrawal = await api.app.inject({
      method: 'POST',
      url: `/api/dossiers/${lanDossier}/withdrawal`,
      payload: { reason: 'moved abroad,\r\nwith the whole family\tfor work' },
      headers: as('citizen-lan'),
    });
    expect(withdrawal.statusCode).toBe(200);
    const query = await api.app.inject({ method: 'GET', url: '/api/audit?actor=a%0Ab', headers: as('auditor') });
    expect(query.statusCode).toBe(400);
    const header = await api.app.inject({
      method: 'POST',
      url: '/api/dossiers',
      payload: birthInput(6),
      headers: { ...as('citizen-lan'), 'idempotency-key': 'key-\u0001-12345' },
    });
    expect(header.statusCode).toBe(400);
    expect(header.json().errors[0].path).toBe('headers.idempotency-key');
  });

  it('walks a body nested deeper than the stack', async () => {
    const deep = `${'['.repeat(20_000)}"\\u0000"${']'.repeat(20_000)}`;
    const response = await api.app.inject({
      method: 'POST',
      url: '/auth/dev-login',
      payload: deep,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(400);
  });
});

describe('development login', () => {
  it.each(['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf'])(
    'answers 4xx, not 500, for user %s',
    async (user) => {
      const response = await api.app.inject({ method: 'POST', url: '/auth/dev-login', payload: { user } });
      expect([400, 422]).toContain(response.statusCode);
      expect(response.json().errors[0].path).toBe('body.user');
    },
  );
});

describe('host header', () => {
  it('refuses a foreign Host (DNS rebinding) and answers loopback names', async () => {
    const foreign = await api.app.inject({
      method: 'POST',
      url: '/auth/dev-login',
      payload: { user: 'operator' },
      headers: { host: 'rebind.attacker.example:8080' },
    });
    expect(foreign.statusCode).toBe(421);
    expect(foreign.json().errors[0].path).toBe('headers.host');
    for (const host of ['localhost:8080', '127.0.0.1:8080', '[::1]:8080', 'LOCALHOST']) {
      const ok = await api.app.inject({ method: 'GET', url: '/api/audit', headers: { ...as('auditor'), host } });
      expect(ok.statusCode, host).toBe(200);
    }
    const probe = await api.app.inject({ method: 'GET', url: '/health/live', headers: { host: '10.0.0.7:8080' } });
    expect(probe.statusCode).toBe(200);
  });

  it('answers only the configured hosts when given', async () => {
    const configured = await fakeApi({ allowedHosts: ['portal.gov.vn', 'api.gov.vn:8443'] });
    try {
      const status = async (host: string) =>
        (await configured.app.inject({ method: 'GET', url: '/api/audit', headers: { ...as('auditor'), host } }))
          .statusCode;
      expect(await status('portal.gov.vn')).toBe(200);
      expect(await status('api.gov.vn:8443')).toBe(200);
      expect(await status('api.gov.vn:8080')).toBe(421);
      expect(await status('localhost:80')).toBe(421);
    } finally {
      await configured.app.close();
    }
  });
});

describe('security headers', () => {
  it('sets them and cache-control: no-store on answers and refusals alike', async () => {
    for (const [url, headers] of [
      [`/api/dossiers/${lanDossier}`, as('citizen-lan')],
      ['/api/audit', {}],
      ['/nowhere', {}],
      ['/api/dossiers/%E0%A4%A', {}],
    ] as const) {
      const response = await api.app.inject({ method: 'GET', url, headers });
      expect(response.headers['cache-control'], url).toBe('no-store');
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
      expect(response.headers['x-frame-options'], url).toBe('DENY');
      expect(response.headers['content-security-policy'], url).toContain("default-src 'none'");
      expect(response.headers['referrer-policy'], url).toBe('no-referrer');
    }
  });
});

describe('rate limit', () => {
  it('counts every request, refused ones too (400, 401, 403, 404, 421, a malformed URL)', async () => {
    const limited = await fakeApi({ rateLimitPerMinute: 9 });
    try {
      const statuses: number[] = [];
      const send = async (url: string, headers: Record<string, string> = {}) =>
        statuses.push((await limited.app.inject({ method: 'GET', url, headers })).statusCode);
      for (let i = 0; i < 3; i++) await send('/api/audit', { authorization: 'Bearer guessed.token.x' });
      for (let i = 0; i < 3; i++) await send(`/nowhere/${i}`);
      await send('/api/audit');
      await send('/api/audit', { host: 'rebind.example' });
      await send('/api/dossiers/%E0%A4%A');
      await send('/api/audit');
      expect(statuses).toEqual([401, 401, 401, 404, 404, 404, 401, 421, 400, 429]);
      const worker = { authorization: `Bearer ${limited.tokens['worker-civil-status']}` };
      for (let i = 0; i < 4; i++) await send('/api/audit', worker);
      for (let i = 0; i < 5; i++) await send('/api/agencies/civil-status/tasks?limit=0', worker);
      await send('/api/agencies/civil-status/tasks', worker);
      expect(statuses.slice(10)).toEqual([403, 403, 403, 403, 400, 400, 400, 400, 400, 429]);
    } finally {
      await limited.app.close();
    }
  });
});

describe('event streams', () => {
  const open = async (base: string, token: string, signal: AbortSignal) =>
    fetch(`${base}/api/dossiers/${lanDossier}/events`, { headers: { authorization: `Bearer ${token}` }, signal });

  it('caps the open streams of one identity and frees a place when one closes', async () => {
    const capped = await fakeApi({ maxStreamsPerIdentity: 2 });
    const base = await capped.app.listen({ host: '127.0.0.1', port: 0 });
    const aborts = [new AbortController(), new AbortController(), new AbortController()];
    try {
      const token = capped.tokens['citizen-lan']!;
      const first = await open(base, token, aborts[0]!.signal);
      const second = await open(base, token, aborts[1]!.signal);
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(first.headers.get('cache-control')).toBe('no-store');
      expect(first.headers.get('x-content-type-options')).toBe('nosniff');
      const third = await open(base, token, aborts[2]!.signal);
      expect(third.status).toBe(429);
      expect(((await third.json()) as { detail: string }).detail).toMatch(/at most 2 open event streams/);
      const other = await open(base, capped.tokens.operator!, aborts[2]!.signal);
      expect(other.status).toBe(200);
      aborts[0]!.abort();
      let status = 0;
      for (let attempt = 0; attempt < 100 && status !== 200; attempt++) {
        const abort = new AbortController();
        aborts.push(abort);
        status = (await open(base, token, abort.signal)).status;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(status).toBe(200);
    } finally {
      for (const abort of aborts) abort.abort();
      await capped.app.close();
    }
  });

  it("counts a page's event stream, opened with the session cookie, under the same identity's cap", async () => {
    const capped = await fakeApi({ maxStreamsPerIdentity: 2 });
    const base = await capped.app.listen({ host: '127.0.0.1', port: 0 });
    const aborts = [new AbortController(), new AbortController(), new AbortController()];
    const page = (signal: AbortSignal) =>
      fetch(`${base}/dossiers/${lanDossier}/events`, {
        headers: { cookie: `lienthong_session=${capped.tokens['citizen-lan']!}` },
        signal,
      });
    try {
      const token = capped.tokens['citizen-lan']!;
      expect((await open(base, token, aborts[0]!.signal)).status).toBe(200);
      expect((await page(aborts[1]!.signal)).status).toBe(200);
      // The api's stream and the page's hold the two places: neither kind opens a third.
      expect((await page(aborts[2]!.signal)).status).toBe(429);
      expect((await open(base, token, aborts[2]!.signal)).status).toBe(429);
    } finally {
      for (const abort of aborts) abort.abort();
      await capped.app.close();
    }
  });

  it('ends a stream when its token expires', async () => {
    const expiring = await fakeApi();
    const base = await expiring.app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const token = await issueDevelopmentToken(devUsers['citizen-lan']!, { ...auth, ttlSeconds: 2 });
      const started = Date.now();
      const response = await open(base, token, AbortSignal.timeout(20_000));
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).toContain('event: token-expired');
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await expiring.app.close();
    }
  }, 30_000);
});
