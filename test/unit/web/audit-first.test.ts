import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeApi, lanDossier } from './fake-api';

/** An action is recorded in the audit log before it is carried out, and not carried out when it cannot be. */
let api: Awaited<ReturnType<typeof fakeApi>>;
beforeAll(async () => {
  api = await fakeApi();
});
afterAll(async () => {
  await api.app.close();
});
beforeEach(() => {
  api.carriedOut.length = 0;
  api.auditDown.value = false;
});

const task = encodeURIComponent('HS-1/register-birth/1');
const post = (who: string, url: string, payload?: unknown) =>
  api.app.inject({
    method: 'POST',
    url,
    payload: payload as never,
    headers: { authorization: `Bearer ${api.tokens[who]}` },
  });
const actions: [string, string, string, unknown, string][] = [
  [
    'operator',
    'retry',
    `/api/operator/dossiers/${lanDossier}/steps/register-birth/retry`,
    { reason: 'the registry is back' },
    `update ${lanDossier}`,
  ],
  [
    'operator',
    'terminate',
    `/api/operator/dossiers/${lanDossier}/terminate`,
    { reason: 'a duplicate' },
    `terminate ${lanDossier}`,
  ],
  [
    'worker-civil-status',
    'claim',
    `/api/agencies/civil-status/tasks/${task}/claim`,
    undefined,
    'claim HS-1/register-birth/1',
  ],
  [
    'worker-civil-status',
    'approve',
    `/api/agencies/civil-status/tasks/${task}/decision`,
    { decision: 'approve' },
    'complete HS-1/register-birth/1',
  ],
];

describe('the audit log comes first', () => {
  it.each(actions)('%s %s: the row is written before the action', async (who, _name, url, body, effect) => {
    const response = await post(who, url, body);
    expect(response.statusCode, response.body).toBe(200);
    const at = api.carriedOut.indexOf(effect);
    expect(at).toBeGreaterThan(0);
    expect(api.carriedOut[at - 1]).toMatch(/^audit /);
  });

  it.each(actions)('%s %s: not carried out when the row cannot be written (503)', async (who, _name, url, body) => {
    api.auditDown.value = true;
    const response = await post(who, url, body);
    expect(response.statusCode).toBe(503);
    expect(response.json().detail).toContain('not carried out');
    expect(api.carriedOut).toEqual([]);
  });

  it('records a read of a dossier by an auditor, and answers nothing when it cannot', async () => {
    const read = () =>
      api.app.inject({
        url: `/api/dossiers/${lanDossier}`,
        headers: { authorization: `Bearer ${api.tokens.auditor}` },
      });
    expect((await read()).statusCode).toBe(200);
    expect(api.audit.at(-1)).toMatchObject({ action: 'dossier.read', actor: 'auditor', dossierId: lanDossier });
    api.auditDown.value = true;
    expect((await read()).statusCode).toBe(503);
  });
});
