import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deadLetterTopic, type TopicSpec } from '../../../contracts/topics';
import {
  createPublisher,
  migrateProcessedEvents,
  runConsumer,
  sealMessage,
  withIdempotency,
  DeadLetterError,
  type EventPublisher,
  type RunningConsumer,
  InvalidMessageError,
  UnknownMessageTypeError,
} from '../../../platform/bus';
import { createPool, type Pool } from '../../../platform/database';
import { listDeadLetters, redriveDeadLetters } from '../../../ops/dead-letters/topic';
import { kafkaFor } from '../../../platform/kafka';
import { createLogger } from '../../../platform/logger';
import { testKeyring } from '../../support/bus-keys';
import { noted, testTopic } from '../../support/bus-fixtures';

const endpoints = inject('endpoints');
const log = createLogger({ level: 'warn', format: 'json' });
let kafka: Kafka;
let pool: Pool;
/** Test topics are published to as their producer (the orchestrator's key), one publisher per topic. */
const publishers = new Map<string, Promise<EventPublisher>>();
const publisherFor = (spec: TopicSpec) => {
  if (!publishers.has(spec.name))
    publishers.set(spec.name, createPublisher(kafka, log, testKeyring('orchestrator', spec)));
  return publishers.get(spec.name)!;
};
const publisher = {
  publish: async (spec: TopicSpec, event: Parameters<EventPublisher['publish']>[1]) =>
    (await publisherFor(spec)).publish(spec, event),
  publishBatch: async (spec: TopicSpec, events: Parameters<EventPublisher['publishBatch']>[1]) =>
    (await publisherFor(spec)).publishBatch(spec, events),
};

beforeAll(async () => {
  kafka = kafkaFor(endpoints.kafka, 'admin', { clientId: 'bus-test' }, log);
  pool = createPool(endpoints.postgres.url);
  await migrateProcessedEvents(pool);
});
afterAll(async () => {
  for (const p of publishers.values()) await (await p).disconnect();
  await pool?.end();
});

const group = () => `bus-test-${randomUUID()}`;
const quick = { sessionTimeoutMs: 10_000, initialBackoffMs: 20 };

/** Straight through kafkajs, past the bus's checks, but signed and encrypted as the topic's producer unless told otherwise. */
async function rawProduce(
  spec: TopicSpec,
  messages: { key: string; value: string; headers: Record<string, string> }[],
  as: 'orchestrator' | 'event-bridge' | 'unsigned' = 'orchestrator',
) {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: spec.name,
    messages: as === 'unsigned' ? messages : messages.map((m) => sealMessage(spec.name, m, testKeyring(as, spec))),
  });
  await producer.disconnect();
}

const headers = (type: string, subject: string) => ({
  ce_id: randomUUID(),
  ce_source: 'test',
  ce_type: type,
  ce_specversion: '1.0',
  ce_subject: subject,
  ce_time: new Date().toISOString(),
  'content-type': 'application/json',
});

describe('event bus on real Kafka', () => {
  it('delivers a published event with its CloudEvents attributes, keyed by dossier id', async () => {
    const spec = await testTopic(kafka);
    await publisher.publish(spec, { ...noted('HS-1', 1), id: 'evt-1' });
    const received: unknown[] = [];
    const consumer = await runConsumer({
      kafka,
      groupId: group(),
      topics: [spec],
      keyring: testKeyring('event-bridge', spec),
      log,
      ...quick,
      handler: async (event, at) => void received.push({ event, key: at.key }),
    });
    await expect.poll(() => received.length, { timeout: 20_000 }).toBe(1);
    await consumer.stop();
    expect(received[0]).toMatchObject({
      key: 'HS-1',
      event: {
        attributes: {
          id: 'evt-1',
          type: 'StepNoted.v1',
          subject: 'HS-1',
          specversion: '1.0',
          source: 'test',
          datacontenttype: 'application/json',
        },
        data: { dossierId: 'HS-1', sequence: 1 },
      },
    });
  });

  it('refuses to publish what does not fit, naming the field, and sends nothing', async () => {
    const spec = await testTopic(kafka);
    await expect(
      publisher.publish(spec, { ...noted('HS-2', 1), data: { dossierId: 'HS-2', step: '', sequence: 1.5 } }),
    ).rejects.toThrow(InvalidMessageError);
    await expect(
      publisher.publish(spec, { ...noted('HS-2', 1), data: { dossierId: 'HS-2', sequence: 1 } }),
    ).rejects.toThrow(/step/);
    await expect(publisher.publish(spec, { ...noted('HS-2', 1), type: 'Unknown.v1' })).rejects.toThrow(
      UnknownMessageTypeError,
    );
    const admin = kafka.admin();
    await admin.connect();
    try {
      // A new topic's leader can still be moving on a busy machine: ask until the broker answers.
      await expect
        .poll(async () => (await admin.fetchTopicOffsets(spec.name).catch(() => undefined))?.map((o) => o.high), {
          timeout: 15_000,
          interval: 250,
        })
        .toEqual(['0']);
    } finally {
      await admin.disconnect();
    }
  });

  it('dead-letters poison messages with their reason and keeps handling good ones', async () => {
    const spec = await testTopic(kafka);
    await rawProduce(spec, [
      { key: 'HS-3', value: '{not json', headers: headers('StepNoted.v1', 'HS-3') },
      {
        key: 'HS-3',
        value: JSON.stringify({ dossierId: 'HS-3', step: 'x' }),
        headers: headers('StepNoted.v1', 'HS-3'),
      },
      {
        key: 'HS-3',
        value: JSON.stringify({ dossierId: 'HS-3', step: 'x', sequence: 1 }),
        headers: headers('Unheard.v1', 'HS-3'),
      },
      {
        key: 'HS-3',
        value: JSON.stringify({ dossierId: 'HS-3', step: 'x', sequence: 1 }),
        headers: { ce_type: 'StepNoted.v1' },
      },
    ]);
    const good = { key: 'HS-3', value: JSON.stringify({ dossierId: 'HS-3', step: 'x', sequence: 1 }) };
    await rawProduce(spec, [{ ...good, headers: headers('StepNoted.v1', 'HS-3') }], 'unsigned');
    // Signed, but by a service that is not the topic's producer.
    await rawProduce(spec, [{ ...good, headers: headers('StepNoted.v1', 'HS-3') }], 'event-bridge');
    await publisher.publish(spec, noted('HS-3', 7));
    const handled: number[] = [];
    const groupId = group();
    const consumer = await runConsumer({
      kafka,
      groupId,
      topics: [spec],
      keyring: testKeyring('event-bridge', spec),
      log,
      ...quick,
      handler: async (event) => void handled.push((event.data as { sequence: number }).sequence),
    });
    await expect.poll(() => handled, { timeout: 20_000 }).toEqual([7]);
    await expect.poll(() => consumer.stats.deadLettered).toBe(6);
    await consumer.stop();
    const letters = await listDeadLetters(kafka, spec.name);
    expect(letters.map((l) => l.reason)).toEqual([
      'invalid-json',
      'schema-mismatch',
      'unknown-type',
      'invalid-headers',
      'bad-signature',
      'bad-signature',
    ]);
    expect(letters[4]?.error).toContain('unsigned');
    expect(letters[5]?.error).toContain('signed by event-bridge, which may not publish');
    expect(letters[0]).toMatchObject({
      key: 'HS-3',
      originalTopic: spec.name,
      originalPartition: 0,
      originalOffset: '0',
    });
    expect(letters[1]?.error).toContain('sequence');
    expect(letters.every((l) => l.deadLetteredAt !== undefined)).toBe(true);
  });

  it('retries a failing handler with backoff, then dead-letters it', async () => {
    const spec = await testTopic(kafka);
    await publisher.publish(spec, noted('HS-4', 1));
    await publisher.publish(spec, noted('HS-4', 2));
    let calls = 0;
    const consumer = await runConsumer({
      kafka,
      groupId: group(),
      topics: [spec],
      keyring: testKeyring('event-bridge', spec),
      log,
      ...quick,
      maxAttempts: 3,
      handler: async (event) => {
        if ((event.data as { sequence: number }).sequence === 1) {
          calls += 1;
          throw new Error('agency database unavailable');
        }
      },
    });
    await expect.poll(() => consumer.stats.handled, { timeout: 20_000 }).toBe(1);
    await consumer.stop();
    expect(calls).toBe(3);
    expect(consumer.stats.retries).toBe(2);
    const [letter] = await listDeadLetters(kafka, spec.name);
    expect(letter).toMatchObject({ reason: 'handler-failed' });
    expect(letter?.error).toContain('agency database unavailable (after 3 attempts)');
  });

  it('waits out a database outage without dead-lettering, logging it once and its recovery', async () => {
    const spec = await testTopic(kafka);
    await publisher.publish(spec, noted('HS-6', 1));
    // A pool to a port nothing listens on: every query fails as with the database down.
    const down = createPool('postgres://nobody:nothing@127.0.0.1:1/none', { max: 1 });
    const lines: string[] = [];
    const captured = createLogger({
      level: 'info',
      format: 'json',
      destination: { write: (l: string) => void lines.push(l) },
    });
    let calls = 0;
    const consumer = await runConsumer({
      kafka,
      groupId: group(),
      topics: [spec],
      keyring: testKeyring('event-bridge', spec),
      log: captured,
      ...quick,
      maxAttempts: 3,
      handler: async () => {
        calls += 1;
        await (calls <= 8 ? down : pool).query('select 1');
      },
    });
    await expect.poll(() => consumer.stats.handled, { timeout: 30_000 }).toBe(1);
    await consumer.stop();
    await down.end();
    // Far past its 3 attempts, and still not poison.
    expect(calls).toBe(9);
    expect(consumer.stats.deadLettered).toBe(0);
    expect(await listDeadLetters(kafka, spec.name)).toEqual([]);
    const outage = lines
      .map((l) => JSON.parse(l) as { msg: string })
      .filter((l) => l.msg.startsWith('handler waiting'));
    expect(outage.map((l) => l.msg)).toEqual([
      'handler waiting for an unavailable dependency',
      'handler waiting for an unavailable dependency: recovered',
    ]);
  });

  it('dead-letters at once when the handler says the message can never be handled', async () => {
    const spec = await testTopic(kafka);
    await publisher.publish(spec, noted('HS-5', 1));
    let calls = 0;
    const consumer = await runConsumer({
      kafka,
      groupId: group(),
      topics: [spec],
      keyring: testKeyring('event-bridge', spec),
      log,
      ...quick,
      handler: async () => {
        calls += 1;
        throw new DeadLetterError('unknown-dossier', 'no dossier HS-5');
      },
    });
    await expect.poll(() => consumer.stats.deadLettered, { timeout: 20_000 }).toBe(1);
    await consumer.stop();
    expect(calls).toBe(1);
    expect((await listDeadLetters(kafka, spec.name))[0]).toMatchObject({
      reason: 'unknown-dossier',
      error: 'no dossier HS-5',
    });
  });

  it('gives an event delivered twice a single effect (real PostgreSQL)', async () => {
    const spec = await testTopic(kafka);
    const table = `effects_${randomUUID().replaceAll('-', '')}`;
    await pool.query(`create table ${table} (dossier_id text, sequence int)`);
    const event = { ...noted('HS-6', 1), id: 'same-event' };
    await publisher.publish(spec, event);
    await publisher.publish(spec, event);
    const consumerName = group();
    const consumer = await runConsumer({
      kafka,
      groupId: consumerName,
      topics: [spec],
      keyring: testKeyring('event-bridge', spec),
      log,
      ...quick,
      handler: async (e) => {
        await withIdempotency(pool, consumerName, e.attributes.id, (client) =>
          client.query(`insert into ${table} values ($1, $2)`, ['HS-6', 1]),
        );
      },
    });
    await expect.poll(() => consumer.stats.handled, { timeout: 20_000 }).toBe(2);
    await consumer.stop();
    expect((await pool.query(`select count(*)::int as n from ${table}`)).rows[0]).toEqual({ n: 1 });
  });

  it('loses nothing when a consumer dies mid-stream and another takes over', async () => {
    const spec = await testTopic(kafka, 2);
    const total = 60;
    const events = Array.from({ length: total }, (_, i) => noted(`HS-7-${i % 6}`, i));
    for (const dossier of new Set(events.map((e) => e.subject)))
      await publisher.publishBatch(
        spec,
        events.filter((e) => e.subject === dossier),
      );
    const groupId = group();
    const seen = new Set<number>();
    let crash: Promise<void> | undefined;
    const first: RunningConsumer = await runConsumer({
      kafka,
      groupId,
      topics: [spec],
      keyring: testKeyring('event-bridge', spec),
      log,
      ...quick,
      handler: async (event) => {
        if (seen.size >= 20 && !crash) {
          // The process goes away with this message in hand: it is never resolved, never committed.
          crash = first.stop();
          throw new Error('process killed');
        }
        seen.add((event.data as { sequence: number }).sequence);
      },
    });
    await expect.poll(() => crash !== undefined, { timeout: 20_000 }).toBe(true);
    await crash;
    expect(first.stats.deadLettered).toBe(0);
    const second = await runConsumer({
      kafka,
      groupId,
      topics: [spec],
      keyring: testKeyring('event-bridge', spec),
      log,
      ...quick,
      handler: async (event) => void seen.add((event.data as { sequence: number }).sequence),
    });
    await expect.poll(() => seen.size, { timeout: 30_000 }).toBe(total);
    await second.stop();
  });

  it('redrives dead letters: dry run lists, real run re-publishes to the original topic', async () => {
    const spec = await testTopic(kafka);
    await publisher.publish(spec, { ...noted('HS-8', 1), id: 'redrive-me' });
    await publisher.publish(spec, { ...noted('HS-8', 2), id: 'leave-me' });
    let healthy = false;
    const handled: string[] = [];
    const groupId = group();
    const consumer = await runConsumer({
      kafka,
      groupId,
      topics: [spec],
      keyring: testKeyring('event-bridge', spec),
      log,
      ...quick,
      maxAttempts: 1,
      handler: async (event) => {
        if (!healthy) throw new Error('outage');
        handled.push(event.attributes.id);
      },
    });
    await expect.poll(() => consumer.stats.deadLettered, { timeout: 20_000 }).toBe(2);
    const dry = await redriveDeadLetters(kafka, spec.name, { ids: ['redrive-me'] }, { dryRun: true });
    expect(dry.map((d) => [d.id, d.reason])).toEqual([['redrive-me', 'handler-failed']]);
    expect(handled).toEqual([]);
    healthy = true;
    const done = await redriveDeadLetters(kafka, spec.name, { ids: ['redrive-me'] }, { dryRun: false });
    expect(done).toHaveLength(1);
    await expect.poll(() => handled, { timeout: 20_000 }).toEqual(['redrive-me']);
    await consumer.stop();
    await expect(redriveDeadLetters(kafka, spec.name, {}, { dryRun: true })).rejects.toThrow('choose what to redrive');
    expect(deadLetterTopic(spec.name)).toBe(`${spec.name}.dlq`);
  });
});
