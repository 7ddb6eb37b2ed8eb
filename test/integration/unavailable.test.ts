import { Writable } from 'node:stream';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { catalogue } from '../../contracts/procedures';
import { buildBackOfficeServer, httpBackOffice } from '../../agencies/runtime/back-office-http';
import { createBackOffice } from '../../agencies/runtime/back-office';
import type { Decider } from '../../agencies/runtime/decider';
import { migrateAgencyDatabase } from '../../agencies/runtime/schema';
import { createAuditLog } from '../../platform/audit';
import { createTokenVerifier, issueDevelopmentToken } from '../../platform/auth';
import { createPool, type Pool } from '../../platform/database';
import { createDossierRecords } from '../../platform/dossier-records';
import { kafkaFor } from '../../platform/kafka';
import { createLogger } from '../../platform/logger';
import { buildApi } from '../../web/app';
import { devUsers } from '../../web/auth';
import { createDossierGateway } from '../../web/dossiers';
import { createNotificationHub } from '../../web/notifications';
import { createSubmissionLedger } from '../../web/submission-ledger';
import { birthInput } from '../fixtures/dossiers';
import { createOwnedDatabase } from '../../infra/postgres-roles';
import { testAuditKey } from '../support/audit-key';
import { isolatedRegistry, testCitizenKey } from '../support/registry-fixtures';
import { tcpProxy } from '../support/tcp-proxy';
import { testDataConverter } from '../support/workflow-env';

/**
 * An api whose PostgreSQL and Temporal go away while it runs (each behind a proxy this test cuts,
 * so the shared servers keep serving the other files): the routes that need them answer 503
 * problem+json naming the dependency with Retry-After, never 500, and the log gets one warning per
 * dependency and interval rather than a stack trace per request.
 */
const endpoints = inject('endpoints');
const auth = {
  issuer: 'lienthong-test',
  audience: 'lienthong-api',
  secret: new TextEncoder().encode('integration-unavailable-secret-of-32-bytes!'),
};
const lines: Record<string, unknown>[] = [];
const log = createLogger(
  {
    level: 'info',
    format: 'json',
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    }),
  },
  { process: 'unavailable-test' },
);

let app: Awaited<ReturnType<typeof buildApi>>;
let backOfficeApp: Awaited<ReturnType<typeof buildBackOfficeServer>>;
const cleanups: (() => Promise<unknown>)[] = [];
const proxies = {} as Record<'postgres' | 'agencyPostgres' | 'temporal', Awaited<ReturnType<typeof tcpProxy>>>;
const tokens: Record<string, string> = {};

const proxiedUrl = (url: string, port: number) => {
  const parsed = new URL(url);
  parsed.port = String(port);
  return parsed.toString();
};

beforeAll(async () => {
  const pgUrl = new URL(endpoints.postgres.url);
  const pgTarget = { host: pgUrl.hostname, port: Number(pgUrl.port) };
  proxies.postgres = await tcpProxy(pgTarget);
  proxies.agencyPostgres = await tcpProxy(pgTarget);
  const [temporalHost, temporalPort] = endpoints.temporal.address.split(':');
  proxies.temporal = await tcpProxy({ host: temporalHost!, port: Number(temporalPort) });

  const pool: Pool = createPool(proxiedUrl(endpoints.postgres.url, proxies.postgres.port));
  cleanups.push(() => pool.end());
  const audit = createAuditLog(pool, testAuditKey);
  await audit.ready();
  const ledger = createSubmissionLedger(pool);
  await ledger.migrate();
  const codec = testDataConverter.payloadCodecs[0]!;
  const records = createDossierRecords(pool, codec);
  await records.migrate();

  // A real back office over HTTP, its database behind its own proxy.
  const agencyDbUrl = await createOwnedDatabase(endpoints, `lienthong_unavailable_${Date.now().toString(36)}`);
  const agencyPool = createPool(proxiedUrl(agencyDbUrl, proxies.agencyPostgres.port));
  await migrateAgencyDatabase(agencyPool);
  cleanups.push(() => agencyPool.end());
  // Listing tasks never decides one: the decider is not reached by these routes.
  const office = createBackOffice({ agency: 'civil-status', pool: agencyPool, decider: {} as Decider });
  backOfficeApp = await buildBackOfficeServer(office, { log });
  const backOfficeUrl = await backOfficeApp.listen({ port: 0, host: '127.0.0.1' });
  cleanups.push(() => backOfficeApp.close());

  const kafka = kafkaFor(endpoints.kafka, 'admin', { clientId: 'unavailable-test' }, log);
  const registry = await isolatedRegistry(kafka, endpoints, log);
  cleanups.push(() => registry.stop());
  // The SDK's default retries an unreachable server 10 times, over about 40 s, before a call fails;
  // what this file checks is the api's answer then, so this client gives up after a second try.
  const connection = await Connection.connect({
    address: `127.0.0.1:${proxies.temporal.port}`,
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 2 }))],
  });
  cleanups.push(() => connection.close());
  const client = new Client({ connection, namespace: endpoints.temporal.namespace, dataConverter: testDataConverter });

  app = await buildApi({
    context: {
      catalogue,
      dossiers: createDossierGateway({
        client,
        citizenKey: testCitizenKey,
        catalogue,
        ledger,
        records,
        registry: registry.service,
      }),
      registry: registry.service,
      notifications: createNotificationHub(),
      backOffices: { 'civil-status': httpBackOffice(backOfficeUrl) },
      audit,
      namespace: endpoints.temporal.namespace,
      codec,
    },
    verifier: createTokenVerifier(auth),
    devLogin: auth,
    log,
    bodyLimitBytes: 256 * 1024,
    rateLimitPerMinute: 1_000_000,
    ready: async () => ({ postgres: true }),
  });
  await app.ready();
  cleanups.push(() => app.close());
  for (const name of ['operator', 'worker-civil-status', 'citizen-lan'] as const)
    tokens[name] = await issueDevelopmentToken(devUsers[name]!, auth);
  // Everything answers while the servers are reachable.
  const before = await app.inject({ url: '/api/audit', headers: { authorization: `Bearer ${tokens.operator}` } });
  expect(before.statusCode).toBe(200);
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

const get = (url: string, user: string) => app.inject({ url, headers: { authorization: `Bearer ${tokens[user]}` } });

function expectUnavailable(response: Awaited<ReturnType<typeof get>>, dependency: string) {
  expect(response.statusCode, response.body).toBe(503);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
  expect(response.json()).toMatchObject({ status: 503, dependency });
}

describe('with Temporal unreachable', () => {
  it('answers a dossier route with 503 naming temporal, with Retry-After', async () => {
    const reachable = await get('/api/dossiers/HS-20261123-UNAVAIL001', 'operator');
    expect(reachable.statusCode).toBe(404);
    await proxies.temporal.cut();
    const started = Date.now();
    const response = await get('/api/dossiers/HS-20261123-UNAVAIL001', 'operator');
    expectUnavailable(response, 'temporal');
    log.info({ seconds: (Date.now() - started) / 1000 }, 'temporal outage answered');
  });
});

describe('with PostgreSQL unreachable', () => {
  beforeAll(async () => {
    await Promise.all([proxies.postgres.cut(), proxies.agencyPostgres.cut()]);
  });

  it('answers the audit log with 503 naming postgres, with Retry-After', async () => {
    expectUnavailable(await get('/api/audit', 'operator'), 'postgres');
  });

  it('answers a submission with 503 naming postgres (its idempotency ledger)', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/dossiers',
      headers: { authorization: `Bearer ${tokens['citizen-lan']}`, 'idempotency-key': 'unavailable-submit-1' },
      payload: birthInput(),
    });
    expectUnavailable(response, 'postgres');
  });

  it("answers an agency worker's inbox with 503 naming the back office, whose own answer names postgres", async () => {
    expectUnavailable(await get('/api/agencies/civil-status/tasks', 'worker-civil-status'), 'back office');
    const direct = await backOfficeApp.inject({ url: '/tasks' });
    expect(direct.statusCode).toBe(503);
    expect(direct.headers['retry-after']).toBeDefined();
    expect(direct.json()).toMatchObject({ dependency: 'postgres' });
  });

  it('logs one warning per dependency and interval, with counts, not an error per request', async () => {
    const before = lines.length;
    for (let i = 0; i < 30; i += 1) expectUnavailable(await get('/api/audit', 'operator'), 'postgres');
    const logged = lines.slice(before);
    expect(logged.filter((l) => l.msg === 'request failed')).toEqual([]);
    expect(logged.filter((l) => String(l.msg).startsWith('postgres unavailable to the api'))).toHaveLength(0);
    const all = lines.filter((l) => String(l.msg).startsWith('postgres unavailable to the api'));
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ level: 'warn', kind: 'postgres unavailable to the api' });
    // The api and the back office (the registry's own Kafka client logs for itself).
    const served = (l: Record<string, unknown>) => l.module === 'api' || l.module === 'back-office-http';
    expect(lines.filter((l) => served(l) && l.level === 'error').map((l) => l.msg)).toEqual([]);
    expect(lines.filter((l) => String(l.msg).startsWith('postgres unavailable to the back office'))).toHaveLength(1);
  });
});
