import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Problem } from '../../contracts/api';
import { AuthenticationError } from '../../platform/auth';
import { forbidden } from '../problems';
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

const loopback = (ip: string) => ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1';

/**
 * The codec endpoint the Temporal Web UI calls to show operators decrypted payloads (and to encrypt
 * what they type into a signal). Operators and auditors with a token may use it; with the
 * development login on, so may anonymous callers on this machine (the local Web UI sends none).
 */
export const codecRoutes: FastifyPluginAsyncZod<ApiContext & { openOnLoopback: boolean; uiOrigin?: string }> = async (
  app,
  ctx,
) => {
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (
      origin &&
      (origin === ctx.uiOrigin || (ctx.openOnLoopback && /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(origin)))
    ) {
      void reply
        .header('access-control-allow-origin', origin)
        .header('vary', 'origin')
        .header('access-control-allow-credentials', 'true');
      void reply
        .header('access-control-allow-headers', 'content-type, x-namespace, authorization')
        .header('access-control-allow-methods', 'POST, OPTIONS');
    }
  });
  app.options('/codec/decode', { schema: { hide: true } }, async (_request, reply) => reply.code(204).send());
  app.options('/codec/encode', { schema: { hide: true } }, async (_request, reply) => reply.code(204).send());

  const allow = (request: FastifyRequest) => {
    const principal = request.principal;
    if (principal) {
      if (principal.role !== 'operator' && principal.role !== 'auditor')
        throw forbidden('only operators and auditors may decode payloads');
      return;
    }
    if (!(ctx.openOnLoopback && loopback(request.ip)))
      throw new AuthenticationError('the codec endpoint needs an operator or auditor token');
  };

  for (const direction of ['decode', 'encode'] as const) {
    app.post(
      `/codec/${direction}`,
      {
        schema: {
          tags: ['operator'],
          summary: `Temporal remote codec: ${direction} payloads (for the Temporal Web UI)`,
          body: Payloads,
          response: { 200: Payloads, 400: Problem, 401: Problem, 403: Problem },
        },
      },
      async (request) => {
        allow(request);
        const payloads = request.body.payloads.map(fromWire);
        const done = direction === 'decode' ? await ctx.codec.decode(payloads) : await ctx.codec.encode(payloads);
        return { payloads: done.map(toWire) };
      },
    );
  }
};
