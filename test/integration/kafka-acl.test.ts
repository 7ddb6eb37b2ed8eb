import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { orchestratorTaskQueue } from '../../contracts/dossier-workflow';
import { catalogue } from '../../contracts/procedures';
import type { KafkaPrincipal } from '../../contracts/principals';
import { commandTopic, eventTopic, topicSpec } from '../../contracts/topics';
import { encodeEvent } from '../../platform/bus/envelope';
import { createLogger } from '../../platform/logger';
import { statusQuery } from '../../workflows/messages';
import { birthInput } from '../fixtures/dossiers';
import { startSystem } from '../support/system';

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

async function produce(kafka: Kafka, message: ReturnType<typeof encodeEvent>, topic = civilStatusEvents.name) {
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
