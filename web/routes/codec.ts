import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Problem } from '../../contracts/api';
import type { ApiContext } from '../context';

/** Temporal's remote codec protocol: payloads with base64 metadata values and data. */
const Payload = z.object({
  metadata: z.record(z.string(), z.string().max(10_000)).default({}),
  data: z.string().max(5_000_000).default(''),
});
const Payloads = z.strictObject({ payloads: z.array(Payload).max(1_000) });
type WirePayload = z.infer<typeof Payload>;

const fromWire = (p: WirePayload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data, 'base64'),
});
const toWire = (p: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }): WirePayload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

const readers = ['operator', 'auditor'] as const;

/**
 * The codec endpoint the Temporal Web UI calls to show operators decrypted payloads (and to encrypt
 * what they type into a signal). Only operators and auditors, with a bearer token (the Web UI sends
 * its signed-in user's token when "pass access token" is on; see the README), and only browsers on
 * the configured origins may read the answers: an origin is never reflected because it looks local.
 */
export const codecRoutes: FastifyPluginAsyncZod<ApiContext & { corsOrigins: readonly string[] }> = async (app, ctx) => {
  const allowedOrigins = new Set(ctx.corsOrigins);
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin && allowedOrigins.has(origin)) {
      void reply
        .header('access-control-allow-origin', origin)
        .header('vary', 'origin')
        .header('access-control-allow-credentials', 'true');
      void reply
        .header('access-control-allow-headers', 'content-type, x-namespace, authorization')
        .header('access-control-allow-methods', 'POST, OPTIONS');
    }
  });
  // Preflights carry no token: they answer without data, and without CORS headers for a foreign origin.
  app.options('/codec/decode', { schema: { hide: true } }, async (_request, reply) => reply.code(204).send());
  app.options('/codec/encode', { schema: { hide: true } }, async (_request, reply) => reply.code(204).send());

  for (const direction of ['decode', 'encode'] as const) {
    app.post(
      `/codec/${direction}`,
      {
        config: { roles: readers },
        schema: {
          tags: ['operator'],
          summary: `Temporal remote codec: ${direction} payloads (for the Temporal Web UI); operators and auditors`,
          body: Payloads,
          response: { 200: Payloads, 400: Problem, 401: Problem, 403: Problem, 422: Problem },
        },
      },
      async (request) => {
        const payloads = request.body.payloads.map(fromWire);
        const done = direction === 'decode' ? await ctx.codec.decode(payloads) : await ctx.codec.encode(payloads);
        return { payloads: done.map(toWire) };
      },
    );
  }
};
