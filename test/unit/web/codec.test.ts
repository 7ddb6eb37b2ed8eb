import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeApi } from './fake-api';

/** The remote codec endpoint the Temporal Web UI calls (the fake api's codec is the identity). */
let api: Awaited<ReturnType<typeof fakeApi>>;
beforeAll(async () => {
  api = await fakeApi();
});
afterAll(async () => {
  await api.app.close();
});

const body = {
  payloads: [
    {
      metadata: { encoding: Buffer.from('json/plain').toString('base64') },
      data: Buffer.from('{"a":1}').toString('base64'),
    },
  ],
};

describe('codec endpoint', () => {
  it('decodes for operators and auditors, not for citizens', async () => {
    for (const who of ['operator', 'auditor']) {
      const response = await api.app.inject({
        method: 'POST',
        url: '/codec/decode',
        payload: body,
        headers: { authorization: `Bearer ${api.tokens[who]}` },
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(body);
    }
    const citizen = await api.app.inject({
      method: 'POST',
      url: '/codec/decode',
      payload: body,
      headers: { authorization: `Bearer ${api.tokens['citizen-lan']}` },
    });
    expect(citizen.statusCode).toBe(403);
  });

  it('with the development login on, serves the local Web UI without a token on loopback only, with CORS for it', async () => {
    const local = await api.app.inject({
      method: 'POST',
      url: '/codec/decode',
      payload: body,
      remoteAddress: '127.0.0.1',
      headers: { origin: 'http://127.0.0.1:8233' },
    });
    expect(local.statusCode).toBe(200);
    expect(local.headers['access-control-allow-origin']).toBe('http://127.0.0.1:8233');
    const remote = await api.app.inject({
      method: 'POST',
      url: '/codec/decode',
      payload: body,
      remoteAddress: '10.1.2.3',
      headers: { origin: 'https://evil.example' },
    });
    expect(remote.statusCode).toBe(401);
    expect(remote.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await api.app.inject({
      method: 'OPTIONS',
      url: '/codec/decode',
      headers: { origin: 'http://localhost:8233', 'access-control-request-method': 'POST' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toContain('x-namespace');
  });

  it('refuses malformed payload lists with the failing field', async () => {
    const response = await api.app.inject({
      method: 'POST',
      url: '/codec/decode',
      payload: { payloads: [{ data: 42 }] },
      headers: { authorization: `Bearer ${api.tokens.operator}` },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].path).toBe('body.payloads.0.data');
  });
});
