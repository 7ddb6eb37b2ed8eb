import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeApi } from './fake-api';

/** A worker's rejection and information request name only what the catalogue lists for the task's step. */
let api: Awaited<ReturnType<typeof fakeApi>>;
beforeAll(async () => {
  api = await fakeApi();
});
afterAll(async () => {
  await api.app.close();
});

const decide = (payload: unknown) =>
  api.app.inject({
    method: 'POST',
    url: `/api/agencies/civil-status/tasks/${encodeURIComponent('HS-1/register-birth/1')}/decision`,
    payload: payload as never,
    headers: { authorization: `Bearer ${api.tokens['worker-civil-status']}` },
  });

describe('task decisions against the catalogue', () => {
  it.each([
    [
      'a civil-status reason code of the step',
      { decision: 'reject', reasonCode: 'LATE_REGISTRATION', message: 'born in 2025' },
      200,
    ],
    [
      'an information field of the step',
      { decision: 'request-information', fields: ['child.fullName'], message: 'spell the name' },
      200,
    ],
  ])('accepts %s', async (_name, body, status) => {
    const response = await decide(body);
    expect(response.statusCode, response.body).toBe(status);
  });

  it('refuses a reason code of another agency, naming the field and the codes allowed', async () => {
    const response = await decide({ decision: 'reject', reasonCode: 'NOT_ELIGIBLE', message: 'not eligible' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const problem = response.json();
    expect(problem.errors).toEqual([
      { path: 'body.reasonCode', message: expect.stringContaining('must be one of LATE_REGISTRATION') },
    ]);
    expect(api.audit.some((e) => e.details?.reasonCode === 'NOT_ELIGIBLE')).toBe(false);
  });

  it('refuses a field the step never asks the citizen for', async () => {
    const response = await decide({
      decision: 'request-information',
      fields: ['child.fullName', 'shoeSize'],
      message: 'and your shoe size',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      { path: 'body.fields.1', message: expect.stringContaining('child.fullName') },
    ]);
  });
});
