import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Partitioners, type Kafka } from 'kafkajs';
import { z } from 'zod';
import { deadLetterTopic, type TopicSpec } from '../contracts/topics';
import {
  createPublisher,
  loadBusKeyring,
  openMessage,
  runConsumer,
  sealBatch,
  type BusKeySettings,
  type OutgoingEvent,
} from '../platform/bus';
import { ensureTopics, kafkaFor } from '../platform/kafka';
import { createLogger, type Logger } from '../platform/logger';
import { benchStack, printTable, type BenchRow } from './stack';

/**
 * The bus against raw kafkajs, in one run on the same broker: N small events produced in batches
 * and consumed, through the bus (schema validation, CloudEvents headers, per-message offset
 * handling, dead-letter machinery) and through a bare producer and consumer with the same
 * producer settings (idempotent, acks from all replicas). Latency is produce-to-consume.
 *
 * Three raw rows: bare messages; the seven CloudEvents headers; and the bus's full headers sealed
 * by hand as every producer on this bus must (each value AES-256-GCM encrypted, the batch signed
 * with Ed25519, each message verified and decrypted on the way in). The last is the bus's
 * baseline: what is left between them is the bus's own cost (validation, envelope, consumer).
 */
const Flags = z.strictObject({
  count: z.coerce
    .number({ error: '--count: must be a number' })
    .int('--count: must be whole')
    .min(1_000, '--count: at least 1000')
    .max(5_000_000, '--count: at most 5000000')
    .default(100_000),
  batch: z.coerce
    .number({ error: '--batch: must be a number' })
    .int('--batch: must be whole')
    .min(1, '--batch: at least 1')
    .max(10_000, '--batch: at most 10000')
    .default(500),
  partitions: z.coerce
    .number({ error: '--partitions: must be a number' })
    .int('--partitions: must be whole')
    .min(1, '--partitions: at least 1')
    .max(64, '--partitions: at most 64')
    .default(3),
});

const Reading = z.strictObject({ dossierId: z.string().min(1), sequence: z.number().int().min(0), sentAt: z.number() });

async function freshTopic(kafka: Kafka, partitions: number): Promise<TopicSpec> {
  const spec: TopicSpec = {
    name: `bench-${randomUUID().slice(0, 8)}`,
    description: 'benchmark',
    // Published and consumed as real services are: signed by a producer, encrypted with the topic's key.
    producers: ['orchestrator'],
    consumers: ['event-bridge'],
    messages: { 'ReadingTaken.v1': Reading },
  };
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [spec.name, deadLetterTopic(spec.name)], partitions, 1);
  await admin.disconnect();
  return spec;
}

/** Resolves when `count` messages were seen; logs progress every 2 s. */
function tracker(name: string, count: number, log: Logger) {
  const latencies: number[] = [];
  let resolveDone: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const timer = setInterval(() => log.info({ run: name, consumed: latencies.length, of: count }, 'progress'), 2_000);
  return {
    latencies,
    done,
    seen(sentAt: number) {
      latencies.push(Date.now() - sentAt);
      if (latencies.length === count) {
        clearInterval(timer);
        resolveDone();
      }
    },
  };
}

const dossierOf = (i: number) => `HS-BENCH-${i % 1_000}`;

async function viaBus(
  kafka: Kafka,
  busKeys: BusKeySettings,
  spec: TopicSpec,
  count: number,
  batch: number,
  log: Logger,
): Promise<BenchRow> {
  const track = tracker('bus', count, log);
  const consumer = await runConsumer({
    kafka,
    groupId: `bench-bus-${randomUUID()}`,
    topics: [spec],
    keyring: loadBusKeyring(busKeys, 'event-bridge', [spec]),
    log,
    handler: async (event) => track.seen((event.data as { sentAt: number }).sentAt),
  });
  const publisher = await createPublisher(kafka, log, loadBusKeyring(busKeys, 'orchestrator', [spec]));
  const started = Date.now();
  for (let i = 0; i < count; i += batch) {
    const events: OutgoingEvent[] = [];
    for (let j = i; j < Math.min(count, i + batch); j += 1)
      events.push({
        type: 'ReadingTaken.v1',
        subject: dossierOf(j),
        source: 'bench',
        data: { dossierId: dossierOf(j), sequence: j, sentAt: Date.now() },
      });
    await publisher.publishBatch(spec, events);
  }
  await track.done;
  const seconds = (Date.now() - started) / 1000;
  await consumer.stop();
  await publisher.disconnect();
  return { name: 'bus (validated, signed, encrypted)', count, seconds, latenciesMs: track.latencies };
}

type RawMode = 'bare' | 'headers' | 'sealed';
const rawRowName: Record<RawMode, string> = {
  bare: 'raw kafkajs (baseline)',
  headers: 'raw kafkajs + ce_ headers',
  sealed: 'raw kafkajs + headers, sealed',
};

/**
 * Raw kafkajs: `bare` messages; `headers`, each with the bus's seven CloudEvents headers (no
 * validation); `sealed`, those headers encrypted and signed by hand with the bus's own seal (the
 * same keys, headers and crypto), and verified and decrypted by hand on the way in.
 */
async function viaRawKafkajs(
  kafka: Kafka,
  spec: TopicSpec,
  count: number,
  batch: number,
  log: Logger,
  mode: RawMode,
  busKeys: BusKeySettings,
): Promise<BenchRow> {
  const track = tracker(`raw (${mode})`, count, log);
  const producerKeys = loadBusKeyring(busKeys, 'orchestrator', [spec]);
  const consumerKeys = loadBusKeyring(busKeys, 'event-bridge', [spec]);
  const consumer = kafka.consumer({ groupId: `bench-raw-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: spec.name, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      let value = message.value!;
      if (mode === 'sealed') {
        const opened = openMessage(spec, message, consumerKeys);
        if (!opened.ok) throw new Error(`raw sealed: ${opened.error}`);
        value = opened.value;
      }
      track.seen((JSON.parse(value.toString()) as { sentAt: number }).sentAt);
    },
  });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const started = Date.now();
  for (let i = 0; i < count; i += batch) {
    const messages = [];
    for (let j = i; j < Math.min(count, i + batch); j += 1) {
      const value = JSON.stringify({ dossierId: dossierOf(j), sequence: j, sentAt: Date.now() });
      messages.push(
        mode !== 'bare'
          ? {
              key: dossierOf(j),
              value,
              headers: {
                ce_id: randomUUID(),
                ce_source: 'bench',
                ce_type: 'ReadingTaken.v1',
                ce_specversion: '1.0',
                ce_subject: dossierOf(j),
                ce_time: new Date().toISOString(),
                'content-type': 'application/json',
              },
            }
          : { key: dossierOf(j), value },
      );
    }
    await producer.send({
      topic: spec.name,
      acks: -1,
      messages: mode === 'sealed' ? sealBatch(spec.name, messages, producerKeys) : messages,
    });
  }
  await track.done;
  const seconds = (Date.now() - started) / 1000;
  await consumer.disconnect();
  await producer.disconnect();
  return { name: rawRowName[mode], count, seconds, latenciesMs: track.latencies };
}

async function main(): Promise<number> {
  let flags;
  try {
    flags = Flags.parse(
      parseArgs({
        options: { count: { type: 'string' }, batch: { type: 'string' }, partitions: { type: 'string' } },
        strict: true,
      }).values,
    );
  } catch (err) {
    const message = err instanceof z.ZodError ? err.issues.map((i) => i.message).join('\n') : (err as Error).message;
    process.stderr.write(`${message}\nusage: npm run bench:bus -- [--count 100000] [--batch 500] [--partitions 3]\n`);
    return 2;
  }
  const log = createLogger(
    { level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'info', format: 'json' },
    { process: 'bench-bus' },
  );
  const stack = await benchStack(log);
  try {
    const kafka = kafkaFor(stack.endpoints.kafka, 'admin', { clientId: 'bench' }, log.child({ level: 'warn' }));
    // Raw first, then the bus, each on a fresh topic: none reads another's messages.
    const rows: BenchRow[] = [];
    for (const mode of ['bare', 'headers', 'sealed'] as const)
      rows.push(
        await viaRawKafkajs(
          kafka,
          await freshTopic(kafka, flags.partitions),
          flags.count,
          flags.batch,
          log,
          mode,
          stack.busKeys,
        ),
      );
    const bus = await viaBus(
      kafka,
      stack.busKeys,
      await freshTopic(kafka, flags.partitions),
      flags.count,
      flags.batch,
      log,
    );
    rows.push(bus);
    printTable(
      `bus vs raw kafkajs: ${flags.count} events, batches of ${flags.batch}, ${flags.partitions} partitions (produce + consume)`,
      rows,
      rows[0]!.name,
    );
    const rate = (row: BenchRow) => row.count / row.seconds;
    const sealed = rows[2]!;
    const share = rate(bus) / rate(sealed);
    process.stdout.write(
      `bus keeps ${(share * 100).toFixed(0)}% of raw kafkajs sending the same headers, sealed the same way (target: at least 90%); ` +
        `sealing itself keeps ${((rate(sealed) / rate(rows[1]!)) * 100).toFixed(0)}% of raw kafkajs with the CloudEvents headers alone\n`,
    );
    return 0;
  } finally {
    await stack.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
