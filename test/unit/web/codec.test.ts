import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec } from '../../../platform/codec';
import { fakeApi, uiOrigin } from './fake-api';

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

  it('needs a token even from this machine, and allows only the configured origins (regression)', async () => {
    const anonymous = await api.app.inject({
      method: 'POST',
      url: '/codec/decode',
      payload: body,
      remoteAddress: '127.0.0.1',
      headers: { origin: uiOrigin },
    });
    expect(anonymous.statusCode).toBe(401);
    const fromUi = await api.app.inject({
      method: 'POST',
      url: '/codec/decode',
      payload: body,
      headers: { origin: uiOrigin, authorization: `Bearer ${api.tokens.operator}` },
    });
    expect(fromUi.statusCode).toBe(200);
    expect(fromUi.headers['access-control-allow-origin']).toBe(uiOrigin);
    for (const origin of ['http://localhost:3000', 'http://127.0.0.1:9999', 'https://evil.example']) {
      const foreign = await api.app.inject({
        method: 'POST',
        url: '/codec/decode',
        payload: body,
        headers: { origin, authorization: `Bearer ${api.tokens.operator}` },
      });
      expect(foreign.headers['access-control-allow-origin'], origin).toBeUndefined();
      expect(foreign.headers['access-control-allow-credentials'], origin).toBeUndefined();
    }
    const preflight = await api.app.inject({
      method: 'OPTIONS',
      url: '/codec/decode',
      headers: { origin: uiOrigin, 'access-control-request-method': 'POST' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toContain('authorization');
    const foreignPreflight = await api.app.inject({
      method: 'OPTIONS',
      url: '/codec/decode',
      headers: { origin: 'http://localhost:8233', 'access-control-request-method': 'POST' },
    });
    expect(foreignPreflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers 422, not 500, for a payload that does not decrypt (tampered, or a key id such as __proto__)', async () => {
    const keys = { activeKeyId: 'k1', keys: { k1: Buffer.alloc(32, 1) } };
    const real = await fakeApi({ codec: new AesGcmPayloadCodec(keys) });
    try {
      const [sealed] = await new AesGcmPayloadCodec(keys).encode([
        { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('{"a":1}') },
      ]);
      const wire = (keyId: string, data: Buffer) => ({
        payloads: [
          {
            metadata: {
              ...Object.fromEntries(
                Object.entries(sealed!.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
              ),
              'encryption-key-id': Buffer.from(keyId).toString('base64'),
            },
            data: data.toString('base64'),
          },
        ],
      });
      const tampered = Buffer.from(sealed!.data!);
      tampered[20]! ^= 1;
      for (const [keyId, data] of [
        ['k1', tampered],
        ['__proto__', Buffer.from(sealed!.data!)],
        ['constructor', Buffer.from(sealed!.data!)],
      ] as const) {
        const response = await real.app.inject({
          method: 'POST',
          url: '/codec/decode',
          payload: wire(keyId, data),
          headers: { authorization: `Bearer ${real.tokens.operator}` },
        });
        expect(response.statusCode, `${keyId}: ${response.body}`).toBe(422);
      }
    } finally {
      await real.app.close();
    }
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
