import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type KafkaConfig, type Message } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { orchestratorTaskQueue } from '../../contracts/dossier-workflow';
import { catalogue } from '../../contracts/procedures';
import type { KafkaPrincipal } from '../../contracts/principals';
import { commandTopic, eventTopic, topicSpec } from '../../contracts/topics';
import { busSecurityHeaders, sealMessage, type BusKeyring } from '../../platform/bus';
import { encodeEvent } from '../../platform/bus/envelope';
import { createLogger } from '../../platform/logger';
import { statusQuery } from '../../workflows/messages';
import { birthInput } from '../fixtures/dossiers';
import { testKeyring } from '../support/bus-keys';
import { startSystem } from '../support/system';
import { listDeadLetters } from '../../ops/dead-letters/topic';

const endpoints = inject('endpoints');
const log = createLogger({ level: 'warn', format: 'json' });
const civilStatusEvents = topicSpec(eventTopic('civil-status'));
let system: Awaited<ReturnType<typeof startSystem>>;

beforeAll(async () => {
  system = await startSystem(endpoints, log, { 'civil-status': 'manual' });
});
afterAll(async () => {
  await system?.stop();
});

/** A client that gives up at once, logged in as `principal`, with other credentials, or with none. */
function client(login: KafkaPrincipal | { username: string; password: string } | undefined, retries = 0): Kafka {
  const sasl = endpoints.kafka.sasl!;
  const credentials = typeof login === 'string' ? sasl.credentials[login]! : login;
  return new Kafka({
    clientId: 'acl-test',
    brokers: endpoints.kafka.brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    retry: { retries, initialRetryTime: 100 },
    ...(credentials ? { sasl: { mechanism: sasl.mechanism, ...credentials } } : {}),
  } as KafkaConfig);
}

/** The kafkajs error type (e.g. TOPIC_AUTHORIZATION_FAILED) somewhere in a rejection's cause chain. */
function errorTypes(err: unknown): string[] {
  const e = err as { type?: string; cause?: unknown; originalError?: unknown; errors?: unknown[] } | undefined;
  if (!e) return [];
  return [
    ...(e.type ? [e.type] : []),
    ...errorTypes(e.cause ?? e.originalError),
    ...(e.errors ?? []).flatMap(errorTypes),
  ];
}

async function produce(kafka: Kafka, message: Message, topic = civilStatusEvents.name) {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 1 } });
  try {
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [message] });
  } finally {
    await producer.disconnect();
  }
}

async function endOffsets(topic: string): Promise<string> {
  const admin = system.kafka.admin();
  await admin.connect();
  try {
    return JSON.stringify((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, o.high]));
  } finally {
    await admin.disconnect();
  }
}

describe('authenticated, authorised Kafka', () => {
  it("refuses a forged civil-status result published with another service's credentials or with none; the dossier is unchanged", async () => {
    const dossierId = `HS-20261123-${randomBytes(5).toString('hex').toUpperCase()}`;
    const input = birthInput(3);
    const handle = await system.client.workflow.start(catalogue.procedureOf(input).workflowType, {
      taskQueue: orchestratorTaskQueue,
      workflowId: dossierId,
      args: [{ dossierId, input }],
    });
    // The agency's own acknowledgement got through: its principal writes its own events topic.
    await expect
      .poll(async () => (await handle.query(statusQuery)).steps[0]?.status, { timeout: 30_000 })
      .toBe('awaiting-agency-worker');
    const before = await handle.query(statusQuery);
    const offsetsBefore = await endOffsets(civilStatusEvents.name);

    // A well-formed result the bridge would accept: only the broker stands in its way.
    const forged = encodeEvent(civilStatusEvents, {
      type: 'BirthRegistered.v1',
      subject: dossierId,
      source: 'lienthong/agency/civil-status',
      data: {
        dossierId,
        stepId: 'register-birth',
        commandId: `${dossierId}/register-birth/1`,
        birthCertificateNumber: '001/2026/KS-999999',
        childPersonalIdNumber: '001226999999',
        registeredAt: new Date().toISOString(),
      },
    });
    for (const principal of ['residence', 'orchestrator', 'event-bridge', 'registry'] as const) {
      const refused = await produce(client(principal), forged).then(
        () => [],
        (err: unknown) => errorTypes(err),
      );
      expect(refused, `${principal} writing ${civilStatusEvents.name}`).toContain('TOPIC_AUTHORIZATION_FAILED');
    }
    const anonymous = await produce(client(undefined), forged).then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(anonymous?.name).toMatch(/^KafkaJS(Connection|ConnectionClosed|NumberOfRetriesExceeded)Error$/);
    await expect(
      produce(client({ username: 'civil-status', password: 'guessed-password' }), forged),
    ).rejects.toMatchObject({ name: 'KafkaJSSASLAuthenticationError' });

    expect(await endOffsets(civilStatusEvents.name)).toBe(offsetsBefore);
    const after = await handle.query(statusQuery);
    expect(after).toEqual(before);
    expect(after.steps[0]?.status).toBe('awaiting-agency-worker');
    await handle.terminate('kafka ACL test done');
  });

  it('dead-letters as bad-signature a forged result that the ACLs let through: unsigned, signed by the wrong service, or replayed; the dossier is unchanged', async () => {
    const dossierId = `HS-20261130-${randomBytes(5).toString('hex').toUpperCase()}`;
    const input = birthInput(4);
    const handle = await system.client.workflow.start(catalogue.procedureOf(input).workflowType, {
      taskQueue: orchestratorTaskQueue,
      workflowId: dossierId,
      args: [{ dossierId, input }],
    });
    await expect
      .poll(async () => (await handle.query(statusQuery)).steps[0]?.status, { timeout: 30_000 })
      .toBe('awaiting-agency-worker');
    const before = await handle.query(statusQuery);

    const forged = (id: string, subject = dossierId) =>
      encodeEvent(civilStatusEvents, {
        id,
        type: 'BirthRegistered.v1',
        subject,
        source: 'lienthong/agency/civil-status',
        data: {
          dossierId: subject,
          stepId: 'register-birth',
          commandId: `${subject}/register-birth/1`,
          birthCertificateNumber: '001/2026/KS-999999',
          childPersonalIdNumber: '001226999999',
          registeredAt: new Date().toISOString(),
        },
      });
    // Even holding the topic's data key (which neither has), a service signs as itself, not as the agency.
    const withTopicKey = (keyring: BusKeyring): BusKeyring => ({
      ...keyring,
      topics: testKeyring('civil-status').topics,
    });
    const run = randomBytes(4).toString('hex');
    const ids = {
      unsigned: `forged-unsigned-${run}`,
      api: `forged-by-api-${run}`,
      residence: `forged-by-residence-${run}`,
      replayed: `forged-replayed-${run}`,
    };
    // The real agency's signature over a result for another dossier, moved onto this one.
    const genuine = sealMessage(
      civilStatusEvents.name,
      forged(ids.replayed, 'HS-SOMEONE-ELSE'),
      testKeyring('civil-status'),
    );
    const replayed: Message = {
      ...genuine,
      key: dossierId,
      headers: { ...genuine.headers, ce_subject: dossierId },
    };
    expect(replayed.headers?.[busSecurityHeaders.signatureKeyId]).toBe('civil-status/1');
    // The operations principal may write agency event topics (operators redrive dead letters there): past the ACLs.
    const api = client('operations');
    await produce(api, forged(ids.unsigned));
    await produce(api, sealMessage(civilStatusEvents.name, forged(ids.api), withTopicKey(testKeyring('api'))));
    await produce(
      api,
      sealMessage(civilStatusEvents.name, forged(ids.residence), withTopicKey(testKeyring('residence'))),
    );
    await produce(api, replayed);

    const deadLetters = async () =>
      Object.fromEntries(
        (await listDeadLetters(system.kafka, civilStatusEvents.name))
          .filter((letter) => Object.values(ids).includes(letter.id ?? ''))
          .map((letter) => [letter.id, letter.reason]),
      );
    await expect.poll(deadLetters, { timeout: 30_000, interval: 1_000 }).toEqual({
      [ids.unsigned]: 'bad-signature',
      [ids.api]: 'bad-signature',
      [ids.residence]: 'bad-signature',
      [ids.replayed]: 'bad-signature',
    });
    const letters = await listDeadLetters(system.kafka, civilStatusEvents.name);
    expect(letters.find((l) => l.id === ids.api)?.error).toContain('signed by api, which may not publish');
    expect(letters.find((l) => l.id === ids.replayed)?.error).toContain('does not match');
    const after = await handle.query(statusQuery);
    expect(after).toEqual(before);
    await handle.terminate('signature test done');
  });

  it("lets an agency neither read another agency's commands nor create topics", async () => {
    const consumer = client('residence').consumer({ groupId: 'lienthong-agency-residence-acl-test' });
    await consumer.connect();
    try {
      const refused = await consumer.subscribe({ topic: commandTopic('civil-status'), fromBeginning: true }).then(
        () => [],
        (err: unknown) => errorTypes(err),
      );
      expect(refused).toContain('TOPIC_AUTHORIZATION_FAILED');
    } finally {
      await consumer.disconnect();
    }
    const admin = client('residence').admin();
    await admin.connect();
    try {
      const refused = await admin
        .createTopics({ topics: [{ topic: `acl-test-${randomBytes(4).toString('hex')}` }] })
        .then(
          () => [],
          (err: unknown) => errorTypes(err),
        );
      expect(refused).toContain('TOPIC_AUTHORIZATION_FAILED');
    } finally {
      await admin.disconnect();
    }
  });
});
