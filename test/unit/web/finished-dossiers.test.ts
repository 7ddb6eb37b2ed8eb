import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeApi, lanClosedDossier, lanDossier } from './fake-api';

/** Acting on a finished dossier answers 409 with its state; an unknown task answers 404. */
let api: Awaited<ReturnType<typeof fakeApi>>;
beforeAll(async () => {
  api = await fakeApi();
});
afterAll(async () => {
  await api.app.close();
});

const post = (user: string, url: string, payload: unknown) =>
  api.app.inject({
    method: 'POST',
    url,
    payload: payload as never,
    headers: { authorization: `Bearer ${api.tokens[user]}` },
  });

describe('a finished dossier', () => {
  it.each([
    ['operator', `/api/operator/dossiers/${lanClosedDossier}/steps/register-birth/retry`, { reason: 'try again' }],
    [
      'operator',
      `/api/operator/dossiers/${lanClosedDossier}/steps/register-birth/skip`,
      { reason: 'done by hand', result: { note: 'x' } },
    ],
    ['citizen-lan', `/api/dossiers/${lanClosedDossier}/withdrawal`, { reason: 'changed my mind' }],
    [
      'citizen-lan',
      `/api/dossiers/${lanClosedDossier}/information`,
      { stepId: 'register-birth', fields: { 'child.fullName': 'Nguyễn An' } },
    ],
  ])('%s %s answers 409 naming its state, and nothing reaches the workflow', async (user, url, body) => {
    const before = api.carriedOut.length;
    const response = await post(user, url, body);
    expect(response.statusCode, response.body).toBe(409);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 409, dossierId: lanClosedDossier, state: 'result-returned' });
    expect(api.carriedOut.slice(before).filter((c) => c.startsWith('update'))).toEqual([]);
  });

  it('an open dossier is still retried', async () => {
    const response = await post('operator', `/api/operator/dossiers/${lanDossier}/steps/register-birth/retry`, {
      reason: 'try again',
    });
    expect(response.statusCode, response.body).toBe(200);
  });
});

describe('a task id unknown in the caller’s agency', () => {
  it.each(['claim', 'release'])('%s answers 404, not 409', async (action) => {
    const response = await post(
      'worker-civil-status',
      `/api/agencies/civil-status/tasks/HS-404%2Fnope%2F1/${action}`,
      {},
    );
    expect(response.statusCode, response.body).toBe(404);
    expect(response.json().detail).toMatch(/no task HS-404\/nope\/1 at civil-status/);
  });
});
