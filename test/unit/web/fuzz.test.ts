import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeApi, lanDossier } from './fake-api';

/**
 * Thousands of malformed requests: random routes, params, queries, bodies, content types and
 * tokens. None may produce a 5xx, and every error is problem+json. (The event stream stays open
 * by design, so it is left to the integration tests.)
 */
let api: Awaited<ReturnType<typeof fakeApi>>;
beforeAll(async () => {
  api = await fakeApi();
});
afterAll(async () => {
  await api.app.close();
});

const segment = fc.oneof(
  fc.constantFrom(
    lanDossier,
    'HS-20261123-X',
    'civil-status',
    'residence',
    'register-birth',
    '..',
    '%00',
    '%E0%A4%A',
    'tasks',
    'x'.repeat(300),
  ),
  fc.string({ maxLength: 20 }).map(encodeURIComponent),
);
const templates = [
  '/api/dossiers',
  '/api/dossiers/{}',
  '/api/dossiers/{}/information',
  '/api/dossiers/{}/withdrawal',
  '/api/agencies/{}/tasks',
  '/api/agencies/{}/tasks/{}/claim',
  '/api/agencies/{}/tasks/{}/decision',
  '/api/agencies/{}/tasks/{}/release',
  '/api/operator/dossiers',
  '/api/operator/dossiers/stuck',
  '/api/operator/dossiers/{}',
  '/api/operator/dossiers/{}/steps/{}/retry',
  '/api/operator/dossiers/{}/steps/{}/skip',
  '/api/operator/dossiers/{}/terminate',
  '/api/operator/dossiers/{}/reset',
  '/api/operator/bulk',
  '/api/operator/dead-letters',
  '/api/operator/dead-letters/{}',
  '/api/operator/dead-letters/{}/{}',
  '/api/audit',
  '/auth/dev-login',
  '/health/ready',
  '/nowhere/{}',
];
const url = fc
  .tuple(
    fc.constantFrom(...templates),
    fc.array(segment, { minLength: 3, maxLength: 3 }),
    fc.dictionary(
      fc.constantFrom('limit', 'status', 'overdue', 'from', 'topic', 'agency', 'x'),
      fc.string({ maxLength: 30 }),
      { maxKeys: 3 },
    ),
  )
  .map(([template, parts, query]) => {
    let i = 0;
    const path = template.replaceAll('{}', () => parts[i++]!);
    const qs = new URLSearchParams(query).toString();
    return qs ? `${path}?${qs}` : path;
  });
const body = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '{',
    '{"procedure":"birth-bundle"}',
    '{"decision":"reject"}',
    '{"reason":"ok"}',
    'null',
    '[]',
    '{"__proto__":{"x":1}}',
    '{"stepId":"register-birth","fields":{}}',
  ),
  fc.object({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
);
const who = fc.constantFrom(
  'anonymous',
  'citizen-lan',
  'citizen-hanh',
  'worker-civil-status',
  'operator',
  'auditor',
  'garbage',
);
const contentType = fc.constantFrom(
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json; charset=latin1',
  undefined,
);

describe('malformed requests', () => {
  it('never get a 5xx and always get problem details', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
        url,
        body,
        who,
        contentType,
        async (method, target, payload, user, type) => {
          const headers: Record<string, string> = {};
          if (user === 'garbage') headers.authorization = 'Bearer x.y.z';
          else if (user !== 'anonymous') headers.authorization = `Bearer ${api.tokens[user]}`;
          if (type) headers['content-type'] = type;
          const response = await api.app.inject({
            method,
            url: target,
            payload: method === 'GET' ? undefined : payload,
            headers,
          });
          const unavailableByDesign = response.statusCode === 503 && target.startsWith('/api/operator/dead-letters');
          expect(
            response.statusCode < 500 || unavailableByDesign,
            `${method} ${target} ${payload.slice(0, 80)} → ${response.statusCode} ${response.body.slice(0, 300)}`,
          ).toBe(true);
          // The api answers problem details; a path that lands on a page (e.g. `/x/..` is `/`) answers HTML.
          const page = !target.startsWith('/api') && String(response.headers['content-type']).includes('text/html');
          if (response.statusCode >= 400 && !page)
            expect(response.headers['content-type']).toContain('application/problem+json');
        },
      ),
      { numRuns: 3_000 },
    );
  }, 120_000);

  it('refuses a body over the size limit with 413', async () => {
    const response = await api.app.inject({
      method: 'POST',
      url: '/api/dossiers',
      payload: JSON.stringify({ padding: 'x'.repeat(100 * 1024) }),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.tokens['citizen-lan']}` },
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ status: 413 });
  });

  it('names the failing fields of an invalid dossier', async () => {
    const response = await api.app.inject({
      method: 'POST',
      url: '/api/dossiers',
      payload: {
        procedure: 'birth-bundle',
        applicant: { personalIdNumber: '123', fullName: 'X1', relationship: 'mother' },
      },
      headers: { authorization: `Bearer ${api.tokens['citizen-lan']}` },
    });
    expect(response.statusCode).toBe(400);
    const paths = (response.json().errors as { path: string }[]).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.applicant.personalIdNumber', 'body.applicant.fullName']));
  });
});
