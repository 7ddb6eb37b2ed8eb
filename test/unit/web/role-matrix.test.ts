import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { birthInput } from '../../fixtures/dossiers';
import { fakeApi, lanDossier } from './fake-api';

/**
 * Every route with every role: the allowed ones get the route's answer, the others 401 (no
 * token) or 403 (wrong role), and a citizen asking for someone else's dossier gets 404.
 */
type Who =
  'anonymous' | 'citizen-lan' | 'citizen-hanh' | 'worker-civil-status' | 'worker-residence' | 'operator' | 'auditor';
const everyone: Who[] = [
  'anonymous',
  'citizen-lan',
  'citizen-hanh',
  'worker-civil-status',
  'worker-residence',
  'operator',
  'auditor',
];

interface RouteCase {
  method: 'GET' | 'POST';
  url: string;
  body?: unknown;
  /** Who may use it, and what they get. */
  allowed: Partial<Record<Who, number>>;
}

const task = encodeURIComponent('HS-1/register-birth/1');
const routes: RouteCase[] = [
  { method: 'POST', url: '/api/dossiers', body: birthInput(5), allowed: { 'citizen-lan': 201, 'citizen-hanh': 403 } },
  { method: 'GET', url: '/api/dossiers', allowed: { 'citizen-lan': 200, 'citizen-hanh': 200 } },
  { method: 'GET', url: '/api/me', allowed: { 'citizen-lan': 200, 'citizen-hanh': 200 } },
  { method: 'GET', url: '/api/me/data-access', allowed: { 'citizen-lan': 200, 'citizen-hanh': 200 } },
  {
    method: 'GET',
    url: `/api/dossiers/${lanDossier}`,
    allowed: { 'citizen-lan': 200, 'citizen-hanh': 404, operator: 200, auditor: 200 },
  },
  {
    method: 'POST',
    url: `/api/dossiers/${lanDossier}/information`,
    body: { stepId: 'register-birth', fields: { 'child.fullName': 'Trần Minh An' } },
    allowed: { 'citizen-lan': 200, 'citizen-hanh': 404 },
  },
  {
    method: 'POST',
    url: `/api/dossiers/${lanDossier}/withdrawal`,
    body: { reason: 'moved abroad' },
    allowed: { 'citizen-lan': 200, 'citizen-hanh': 404 },
  },
  { method: 'GET', url: '/api/agencies/civil-status/tasks', allowed: { 'worker-civil-status': 200 } },
  { method: 'POST', url: `/api/agencies/civil-status/tasks/${task}/claim`, allowed: { 'worker-civil-status': 200 } },
  { method: 'POST', url: `/api/agencies/civil-status/tasks/${task}/release`, allowed: { 'worker-civil-status': 200 } },
  {
    method: 'POST',
    url: `/api/agencies/civil-status/tasks/${task}/decision`,
    body: { decision: 'approve' },
    allowed: { 'worker-civil-status': 200 },
  },
  { method: 'GET', url: '/api/agencies/residence/tasks', allowed: { 'worker-residence': 200 } },
  { method: 'GET', url: '/api/operator/dossiers?overdue=true', allowed: { operator: 200, auditor: 200 } },
  { method: 'GET', url: '/api/operator/dossiers/stuck', allowed: { operator: 200, auditor: 200 } },
  { method: 'GET', url: `/api/operator/dossiers/${lanDossier}`, allowed: { operator: 200, auditor: 200 } },
  {
    method: 'POST',
    url: `/api/operator/dossiers/${lanDossier}/steps/register-birth/retry`,
    body: { reason: 'agency back online' },
    allowed: { operator: 200 },
  },
  {
    method: 'POST',
    url: `/api/operator/dossiers/${lanDossier}/steps/register-birth/skip`,
    body: { reason: 'registered on paper', result: { birthCertificateNumber: '001/2026/KS-000009' } },
    allowed: { operator: 200 },
  },
  {
    method: 'POST',
    url: `/api/operator/dossiers/${lanDossier}/terminate`,
    body: { reason: 'duplicate dossier' },
    allowed: { operator: 200 },
  },
  {
    method: 'POST',
    url: `/api/operator/dossiers/${lanDossier}/reset`,
    body: { reason: 'replay the step', beforeStep: 'register-residence' },
    allowed: { operator: 422 },
  },
  {
    method: 'POST',
    url: '/api/operator/bulk',
    body: { query: { overdue: true }, action: 'terminate', reason: 'clean up test data' },
    allowed: { operator: 200 },
  },
  {
    method: 'GET',
    url: '/api/operator/dead-letters?topic=agency.civil-status.events',
    allowed: { operator: 503, auditor: 503 },
  },
  {
    method: 'POST',
    url: '/api/operator/dead-letters/redrive',
    body: { topic: 'agency.civil-status.events', all: true, reason: 'bridge fixed' },
    allowed: { operator: 503 },
  },
  // Opening a dead letter shows its data: operators only, not auditors.
  {
    method: 'GET',
    url: '/api/operator/dead-letters/4f6c1c0e-8a1b-4c36-9d55-0c2f3e0b7a11',
    allowed: { operator: 503 },
  },
  ...(['fix', 'redrive', 'discard'] as const).map((action): RouteCase => ({
    method: 'POST',
    url: `/api/operator/dead-letters/4f6c1c0e-8a1b-4c36-9d55-0c2f3e0b7a11/${action}`,
    body: action === 'fix' ? { payload: { a: 1 }, reason: 'corrected' } : { reason: 'corrected' },
    allowed: { operator: 503 },
  })),
  { method: 'GET', url: '/api/audit', allowed: { operator: 200, auditor: 200 } },
  ...(['decode', 'encode'] as const).map((direction): RouteCase => ({
    method: 'POST',
    url: `/codec/${direction}`,
    body: { payloads: [{ metadata: { encoding: 'anNvbi9wbGFpbg==' }, data: 'eyJhIjoxfQ==' }] },
    allowed: { operator: 200, auditor: 200 },
  })),
];

let api: Awaited<ReturnType<typeof fakeApi>>;
beforeAll(async () => {
  api = await fakeApi();
});
afterAll(async () => {
  await api.app.close();
});

const cases = routes.flatMap((route) =>
  everyone.map((who) => ({ ...route, who, expected: route.allowed[who] ?? (who === 'anonymous' ? 401 : 403) })),
);

describe('role matrix', () => {
  it.each(cases)('$method $url as $who → $expected', async ({ method, url, body, who, expected }) => {
    const response = await api.app.inject({
      method,
      url,
      payload: body as never,
      headers: who === 'anonymous' ? {} : { authorization: `Bearer ${api.tokens[who]}` },
    });
    expect(response.statusCode, response.body).toBe(expected);
    if (expected >= 400) {
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({ status: expected, title: expect.any(String) });
    }
  });

  it('records operator actions and task decisions in the audit log', () => {
    const actions = api.audit.map((e) => `${e.role}:${e.action}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'agency-worker:task.approve',
        'operator:step.retry',
        'operator:step.skip',
        'operator:dossier.terminate',
      ]),
    );
    expect(api.audit.every((e) => e.reason.length >= 3 && e.actor.length > 0)).toBe(true);
  });
});

describe('authentication', () => {
  it('refuses a token signed with another key, an expired-looking token and a malformed header', async () => {
    for (const authorization of [
      'Bearer not.a.jwt',
      'Basic dXNlcjpwYXNz',
      `Bearer ${api.tokens.operator!.slice(0, -4)}AAAA`,
    ]) {
      const response = await api.app.inject({ method: 'GET', url: '/api/audit', headers: { authorization } });
      expect(response.statusCode).toBe(401);
      expect(response.json().detail).toMatch(/token|Bearer/);
    }
  });

  it('issues development tokens for demo users and names the valid ones otherwise', async () => {
    const ok = await api.app.inject({ method: 'POST', url: '/auth/dev-login', payload: { user: 'auditor' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().principal).toMatchObject({ role: 'auditor' });
    const unknown = await api.app.inject({ method: 'POST', url: '/auth/dev-login', payload: { user: 'root' } });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().errors[0]).toMatchObject({
      path: 'body.user',
      message: expect.stringContaining('citizen-lan'),
    });
  });
});
