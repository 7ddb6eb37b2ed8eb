import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../infra/process';
import type { AesGcmPayloadCodec } from '../../platform/codec';
import { loadConfig } from '../../platform/config';
import { createLogger } from '../../platform/logger';
import { startApi, type RunningApi } from '../../services/api';
import { birthInput } from '../fixtures/dossiers';
import { startSystem } from '../support/system';
import { testDataConverter } from '../support/workflow-env';
import { testKeyring } from '../support/bus-keys';
import { testAuditKeyEnv } from '../support/audit-key';

/**
 * Submitting through the api as the composition root builds it (its ledger in the platform
 * database), on real Temporal, Kafka and PostgreSQL: one dossier per application, per
 * Idempotency-Key and per birth.
 */
const endpoints = inject('endpoints');
const log = createLogger({ level: 'warn', format: 'json' });
const dataDir = mkdtempSync(join(tmpdir(), 'lienthong-submissions-'));
let system: Awaited<ReturnType<typeof startSystem>>;
let api: RunningApi;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  system = await startSystem(endpoints, log);
  const config = loadConfig({
    DATA_DIR: dataDir,
    API_PORT: String(await freePort()),
    AUTH_DEV_SECRET: 'submissions-test-secret-of-32-bytes!',
    ...testAuditKeyEnv,
    LOG_LEVEL: 'warn',
    API_RATE_LIMIT_PER_MINUTE: '10000',
  });
  api = await startApi({
    config,
    endpoints,
    log,
    client: system.client,
    kafka: system.kafka,
    keyring: testKeyring('api'),
    operations: { kafka: system.kafkaOf('operations'), keyring: testKeyring('operations') },
    codec: testDataConverter.payloadCodecs[0] as AesGcmPayloadCodec,
    backOffices: Object.fromEntries(Object.entries(system.agencies).map(([a, r]) => [a, r.backOffice])),
    registry: system.registry.service,
    clock: { realEpochMs: 0, simulatedEpochMs: 0, factor: 1 },
  });
});
afterAll(async () => {
  await api?.stop();
  await system?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

type Reply = { status: number; body: Record<string, unknown> };

async function call(user: string, method: string, path: string, body?: unknown, key?: string): Promise<Reply> {
  tokens[user] ??= (
    (await (
      await fetch(`${api.url}/auth/dev-login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user }),
      })
    ).json()) as { token: string }
  ).token;
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${tokens[user]}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(key ? { 'idempotency-key': key } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const submit = (body: unknown, key?: string) => call('citizen-lan', 'POST', '/api/dossiers', body, key);
/**
 * A birth of this file's own, born `bornDaysAgo` days ago: the same birth every time it is asked
 * for (fixtures give each birthInput call a birth of its own), with its own certificate reference.
 */
const births = new Map<number, ReturnType<typeof birthInput>>();
const birth = (bornDaysAgo: number) => {
  if (!births.has(bornDaysAgo))
    births.set(bornDaysAgo, { ...birthInput(bornDaysAgo), birthCertificateReference: `GCS-SUB-${bornDaysAgo}` });
  return structuredClone(births.get(bornDaysAgo)!);
};
const statusOf = async (dossierId: string) =>
  (await call('citizen-lan', 'GET', `/api/dossiers/${dossierId}`)).body.status;
/** Every run Temporal has under this workflow id, running or closed. */
const runsOf = async (dossierId: string) => {
  const runs: string[] = [];
  for await (const info of system.client.workflow.list({ query: `WorkflowId = '${dossierId}'` })) runs.push(info.runId);
  return runs;
};

describe('an Idempotency-Key', () => {
  it('finds the same dossier after it completed, without a second run, and is refused for another application', async () => {
    const key = `birth-${Date.now()}`;
    const first = await submit(birth(31), key);
    expect(first.status).toBe(201);
    const dossierId = first.body.dossierId as string;
    const { runId } = await system.client.workflow.getHandle(dossierId).describe();
    await expect.poll(() => statusOf(dossierId), { timeout: 60_000, interval: 500 }).toBe('result-returned');

    const again = await submit(birth(31), key);
    expect(again).toEqual({ status: 200, body: { dossierId, status: 'submitted', created: false } });
    // The dossier reads result-returned a moment before its workflow closes (the last notification is still going out).
    await expect
      .poll(async () => {
        const described = await system.client.workflow.getHandle(dossierId).describe();
        return [described.runId, described.status.name];
      })
      .toEqual([runId, 'COMPLETED']);
    await expect.poll(() => runsOf(dossierId), { timeout: 10_000 }).toEqual([runId]);

    const girl = { ...birth(31), child: { ...birth(31).child, sex: 'female', fullName: 'Trần Minh Anh' } };
    const other = await submit(girl, key);
    expect(other.status).toBe(422);
    expect(other.body.errors).toEqual([
      { path: 'headers.idempotency-key', message: 'was used for another application' },
    ]);
    expect(await runsOf(dossierId)).toEqual([runId]);
    expect(await statusOf(dossierId)).toBe('result-returned');
  });

  it('sent with one application many times at once starts one dossier', async () => {
    const key = `together-${Date.now()}`;
    const replies = await Promise.all(Array.from({ length: 6 }, () => submit(birth(33), key)));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    const ids = new Set(replies.map((r) => r.body.dossierId));
    expect(ids.size).toBe(1);
    await expect.poll(() => runsOf([...ids][0] as string), { timeout: 10_000 }).toHaveLength(1);
  });
});

describe('one application per birth', () => {
  it('refuses a second application for the same birth, naming the first dossier, and accepts one after it was withdrawn', async () => {
    await system.restartAgency('civil-status', 'manual');
    try {
      const first = await submit(birth(32));
      expect(first.status).toBe(201);
      const firstId = first.body.dossierId as string;

      const again = await submit(birth(32));
      expect(again.status).toBe(409);
      expect(again.body.dossierId).toBe(firstId);
      expect(again.body.detail).toContain(firstId);
      expect(again.body.errors).toContainEqual({
        path: 'body.birthCertificateReference',
        message: `is the same as in dossier ${firstId}`,
      });
      // The same child of the same mother, with the reference mistyped: the same birth.
      const retyped = await submit(
        { ...birth(32), birthCertificateReference: 'GCS-SUB-TYPO' },
        `retyped-${Date.now()}`,
      );
      expect(retyped.status).toBe(409);
      expect(retyped.body.dossierId).toBe(firstId);

      await expect
        .poll(
          async () =>
            (
              (await call('worker-civil-status', 'GET', '/api/agencies/civil-status/tasks')).body as unknown as {
                dossierId: string;
              }[]
            ).some((t) => t.dossierId === firstId),
          { timeout: 30_000 },
        )
        .toBe(true);
      const withdrawn = await call('citizen-lan', 'POST', `/api/dossiers/${firstId}/withdrawal`, {
        reason: 'the form named the wrong hospital',
      });
      expect(withdrawn.status).toBe(200);
      await expect.poll(() => statusOf(firstId), { timeout: 30_000 }).toBe('withdrawn');

      const anew = await submit(birth(32));
      expect(anew.status).toBe(201);
      const anewId = anew.body.dossierId as string;
      expect(anewId).not.toBe(firstId);
      expect((await submit(birth(32))).body.dossierId).toBe(anewId);
      await call('citizen-lan', 'POST', `/api/dossiers/${anewId}/withdrawal`, { reason: 'end of the test' });
    } finally {
      await system.restartAgency('civil-status', 'auto');
    }
  });

  it('submitted many times at once without a key starts one dossier and refuses the others', async () => {
    const replies = await Promise.all(Array.from({ length: 6 }, () => submit(birth(34))));
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    const created = replies.find((r) => r.status === 201)!.body.dossierId;
    for (const reply of replies) expect(reply.body.dossierId).toBe(created);
  });
});
