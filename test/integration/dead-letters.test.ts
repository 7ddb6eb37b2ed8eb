import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { orchestratorTaskQueue } from '../../contracts/dossier-workflow';
import type { DeadLetterDetail, DeadLetterRow, RedriveReply } from '../../contracts/dead-letters';
import { catalogue } from '../../contracts/procedures';
import { eventTopic, topicSpec } from '../../contracts/topics';
import { freePort } from '../../infra/process';
import { busSecurityHeaders, encodeEvent, sealMessage } from '../../platform/bus';
import type { AesGcmPayloadCodec } from '../../platform/codec';
import { loadConfig } from '../../platform/config';
import { createLogger } from '../../platform/logger';
import { startApi, type RunningApi } from '../../services/api';
import { statusQuery } from '../../workflows/messages';
import { birthInput } from '../fixtures/dossiers';
import { testKeyring } from '../support/bus-keys';
import { startSystem } from '../support/system';
import { testDataConverter } from '../support/workflow-env';
import { testAuditKeyEnv } from '../support/audit-key';

/**
 * Dead letters as records on the real stack: the api process (its recorder and the operations
 * principal) over real Kafka, PostgreSQL and Temporal, with civil status left to a worker so that a
 * birth's first step waits for a result the test plays.
 */
const endpoints = inject('endpoints');
const log = createLogger({ level: 'warn', format: 'json' });
const dataDir = mkdtempSync(join(tmpdir(), 'lienthong-dead-letters-'));
const civilStatusEvents = topicSpec(eventTopic('civil-status'));
let system: Awaited<ReturnType<typeof startSystem>>;
let api: RunningApi;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  system = await startSystem(endpoints, log, { 'civil-status': 'manual' });
  api = await startApi({
    config: loadConfig({
      DATA_DIR: dataDir,
      API_PORT: String(await freePort()),
      AUTH_DEV_SECRET: 'dead-letters-test-secret-of-32-bytes',
      ...testAuditKeyEnv,
      LOG_LEVEL: 'warn',
      API_RATE_LIMIT_PER_MINUTE: '10000',
    }),
    endpoints,
    log,
    client: system.client,
    kafka: system.kafkaOf('api'),
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

async function call<T = Record<string, unknown>>(
  user: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
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
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text) as T,
  };
}

/** A birth waiting for civil status's worker: its first step takes the result the test publishes. */
async function waitingBirth() {
  const dossierId = `HS-20261123-${randomBytes(5).toString('hex').toUpperCase()}`;
  const input = birthInput(3);
  const handle = await system.client.workflow.start(catalogue.procedureOf(input).workflowType, {
    taskQueue: orchestratorTaskQueue,
    workflowId: dossierId,
    args: [{ dossierId, input }],
  });
  await expect
    .poll(async () => (await handle.query(statusQuery)).steps[0]?.status, { timeout: 30_000 })
    .toBe('awaiting-agency-worker');
  return { dossierId, handle };
}

const registeredAt = new Date().toISOString();
const result = (dossierId: string, childPersonalIdNumber: string) => ({
  dossierId,
  stepId: 'register-birth',
  commandId: `${dossierId}/register-birth/1`,
  birthCertificateNumber: '001/2026/KS-424242',
  childPersonalIdNumber,
  registeredAt,
});

/** A result from civil status (its own principal and signature) whose data does not fit the contract. */
function poisonResult(dossierId: string, extraHeaders: Record<string, string> = {}): Message {
  const valid = encodeEvent(civilStatusEvents, {
    type: 'BirthRegistered.v1',
    subject: dossierId,
    source: 'lienthong/agency/civil-status',
    data: result(dossierId, '001226424242'),
  });
  return sealMessage(
    civilStatusEvents.name,
    {
      ...valid,
      headers: { ...valid.headers, ...extraHeaders },
      value: JSON.stringify(result(dossierId, 'not-a-number')),
    },
    testKeyring('civil-status'),
  );
}

async function publishAsCivilStatus(message: Message) {
  const producer = system.kafkaOf('civil-status').producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({ topic: civilStatusEvents.name, acks: -1, messages: [message] });
  } finally {
    await producer.disconnect();
  }
}

async function openDeadLetters(query: string, count: number): Promise<DeadLetterRow[]> {
  let rows: DeadLetterRow[] = [];
  await expect
    .poll(
      async () => {
        rows = (await call<DeadLetterRow[]>('operator', 'GET', `/api/operator/dead-letters?${query}`)).body;
        return rows.length;
      },
      { timeout: 30_000, interval: 500 },
    )
    .toBe(count);
  return rows;
}

describe('dead letters as records', () => {
  it('a poison result is dead-lettered, listed open, fixed, completes its step, and is listed as redriven', async () => {
    const { dossierId, handle } = await waitingBirth();
    await publishAsCivilStatus(poisonResult(dossierId));
    const [letter] = await openDeadLetters(`dossierId=${dossierId}`, 1);
    expect(letter).toMatchObject({
      state: 'open',
      topic: civilStatusEvents.name,
      consumerGroup: 'lienthong-event-bridge',
      eventType: 'BirthRegistered.v1',
      dossierId,
      stepId: 'register-birth',
      attempt: 1,
      reason: 'schema-mismatch',
      timesSeen: 1,
    });
    const id = letter!.deadLetterId;
    // Across every topic in one view: the unfiltered list holds it too.
    const everyTopic = await call<DeadLetterRow[]>('auditor', 'GET', '/api/operator/dead-letters?limit=1000');
    expect(everyTopic.body.map((row) => row.deadLetterId)).toContain(id);

    // Opening it shows personal data: operators only, and the read is audited.
    expect((await call('auditor', 'GET', `/api/operator/dead-letters/${id}`)).status).toBe(403);
    const shown = await call<DeadLetterDetail>('operator', 'GET', `/api/operator/dead-letters/${id}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({
      signedBy: 'civil-status',
      data: { childPersonalIdNumber: 'not-a-number' },
      attributes: { ce_type: 'BirthRegistered.v1', ce_subject: dossierId },
    });

    const invalid = await call<{ errors: { path: string }[] }>(
      'operator',
      'POST',
      `/api/operator/dead-letters/${id}/fix`,
      {
        payload: result(dossierId, 'still-wrong'),
        reason: 'the agency sent a malformed ID number',
      },
    );
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors.map((e) => e.path)).toContain('payload.childPersonalIdNumber');

    const fixed = await call<DeadLetterRow>('operator', 'POST', `/api/operator/dead-letters/${id}/fix`, {
      payload: result(dossierId, '001226424242'),
      reason: 'the agency confirmed the ID number by phone',
    });
    expect(fixed.status).toBe(200);
    expect(fixed.body).toMatchObject({
      state: 'redriven',
      closedBy: 'operator',
      fix: { changedPaths: ['childPersonalIdNumber'] },
    });
    await expect
      .poll(async () => (await handle.query(statusQuery)).steps[0], { timeout: 30_000 })
      .toMatchObject({ status: 'completed', result: { childPersonalIdNumber: '001226424242' } });

    expect(await openDeadLetters(`dossierId=${dossierId}`, 0)).toEqual([]);
    const redriven = await call<DeadLetterRow[]>(
      'operator',
      'GET',
      `/api/operator/dead-letters?dossierId=${dossierId}&state=redriven`,
    );
    expect(redriven.body.map((row) => row.deadLetterId)).toEqual([id]);

    // A closed one is closed for good; an unknown one is not found.
    for (const [action, body] of [
      ['fix', { payload: result(dossierId, '001226424242'), reason: 'once more' }],
      ['redrive', { reason: 'once more', force: true }],
      ['discard', { reason: 'once more' }],
    ] as const)
      expect((await call('operator', 'POST', `/api/operator/dead-letters/${id}/${action}`, body)).status, action).toBe(
        409,
      );
    expect(
      (await call('operator', 'POST', `/api/operator/dead-letters/${randomUUID()}/discard`, { reason: 'nothing' }))
        .status,
    ).toBe(404);
    expect(
      (await call<{ errors: { path: string }[] }>('operator', 'GET', '/api/operator/dead-letters/not-an-id')).status,
    ).toBe(400);

    // The audit names the read and the fix, with hashes and field names, never the values.
    const audit = (
      await call<{ action: string; details: Record<string, unknown> }[]>(
        'auditor',
        'GET',
        `/api/audit?dossierId=${dossierId}`,
      )
    ).body;
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['dead-letter.read', 'dead-letter.fix']));
    const fixEntry = audit.find((e) => e.action === 'dead-letter.fix')!;
    expect(fixEntry.details).toMatchObject({ deadLetterId: id, changedPaths: ['childPersonalIdNumber'] });
    expect(JSON.stringify(fixEntry)).not.toContain('001226424242');

    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).toMatch(/lienthong_dead_letters\{topic="agency\.civil-status\.events",state="redriven"\} [1-9]/);
  });

  it('refuses a copy naming a dead letter that the operations principal did not sign', async () => {
    const { dossierId, handle } = await waitingBirth();
    const forged = poisonResult(dossierId, { [busSecurityHeaders.fixedDeadLetter]: randomUUID() });
    await publishAsCivilStatus(forged);
    // A message that does not verify is never opened, so its record names no dossier: found by its event id.
    let letter: DeadLetterRow | undefined;
    await expect
      .poll(
        async () =>
          (letter = (
            await call<DeadLetterRow[]>(
              'operator',
              'GET',
              `/api/operator/dead-letters?topic=${civilStatusEvents.name}&reason=bad-signature&limit=1000`,
            )
          ).body.find((row) => row.eventId === forged.headers!.ce_id!.toString())),
        { timeout: 30_000, interval: 500 },
      )
      .toBeDefined();
    expect(letter!.dossierId).toBeNull();
    expect(letter!.error).toContain('only operations signs fixed dead letters');
    expect((await handle.query(statusQuery)).steps[0]?.status).toBe('awaiting-agency-worker');
    await handle.terminate('dead-letter test done');
  });

  it('redrives by filter never a closed one, and an obsolete one only when forced', async () => {
    // Obsolete: a result for a step that is already completed.
    const done = await waitingBirth();
    await publishAsCivilStatus(poisonResult(done.dossierId));
    const [first] = await openDeadLetters(`dossierId=${done.dossierId}`, 1);
    await call('operator', 'POST', `/api/operator/dead-letters/${first!.deadLetterId}/fix`, {
      payload: result(done.dossierId, '001226424243'),
      reason: 'corrected ID number',
    });
    await expect
      .poll(async () => (await done.handle.query(statusQuery)).steps[0]?.status, { timeout: 30_000 })
      .toBe('completed');
    await publishAsCivilStatus(poisonResult(done.dossierId));
    const [stale] = await openDeadLetters(`dossierId=${done.dossierId}`, 1);

    // A waiting dossier: one dead letter discarded (closed), one open and current.
    const waiting = await waitingBirth();
    await publishAsCivilStatus(poisonResult(waiting.dossierId));
    const [discarded] = await openDeadLetters(`dossierId=${waiting.dossierId}`, 1);
    expect(
      (
        await call('operator', 'POST', `/api/operator/dead-letters/${discarded!.deadLetterId}/discard`, {
          reason: 'a duplicate of the agency',
        })
      ).status,
    ).toBe(200);
    await publishAsCivilStatus(poisonResult(waiting.dossierId));
    const [current] = await openDeadLetters(`dossierId=${waiting.dossierId}`, 1);

    const ids = [stale!.deadLetterId, discarded!.deadLetterId, current!.deadLetterId];
    const dry = await call<RedriveReply>('operator', 'POST', '/api/operator/dead-letters/redrive', {
      deadLetterIds: ids,
      reason: 'see what a redrive would do',
    });
    expect(dry.body.dryRun).toBe(true);
    expect(dry.body.outcomes.map((o) => [o.deadLetterId, o.outcome, o.because])).toEqual([
      [stale!.deadLetterId, 'skipped', 'obsolete: step register-birth is already completed'],
      [discarded!.deadLetterId, 'skipped', 'already discarded'],
      [current!.deadLetterId, 'would-redrive', undefined],
    ]);
    const forcedDry = await call<RedriveReply>('operator', 'POST', '/api/operator/dead-letters/redrive', {
      dossierId: done.dossierId,
      force: true,
      reason: 'see what forcing would do',
    });
    expect(forcedDry.body.outcomes).toEqual([
      expect.objectContaining({ outcome: 'would-redrive', obsolete: expect.any(String) }),
    ]);

    for (const dossierId of [done.dossierId, waiting.dossierId]) {
      const real = await call<RedriveReply>('operator', 'POST', '/api/operator/dead-letters/redrive', {
        dossierId,
        dryRun: false,
        reason: 'the bridge is fixed',
      });
      expect(real.status).toBe(200);
      expect(real.body.outcomes.map((o) => o.outcome)).toEqual([dossierId === done.dossierId ? 'skipped' : 'redriven']);
    }
    expect(
      (
        await call<DeadLetterRow>('operator', 'POST', `/api/operator/dead-letters/${stale!.deadLetterId}/redrive`, {
          reason: 'try it',
        })
      ).status,
    ).toBe(409);
    // The redriven copy is still poison: dead-lettered again, as a new record naming the one it came from.
    const [again] = await openDeadLetters(`dossierId=${waiting.dossierId}`, 1);
    expect(again).toMatchObject({ redrivenFrom: current!.deadLetterId, reason: 'schema-mismatch' });
    const all = await call<DeadLetterRow[]>(
      'operator',
      'GET',
      `/api/operator/dead-letters?dossierId=${waiting.dossierId}&state=all`,
    );
    expect(Object.fromEntries(all.body.map((row) => [row.deadLetterId, row.state]))).toEqual({
      [discarded!.deadLetterId]: 'discarded',
      [current!.deadLetterId]: 'redriven',
      [again!.deadLetterId]: 'open',
    });
    await waiting.handle.terminate('dead-letter test done');
  });
});
