import { setTimeout as sleep } from 'node:timers/promises';
import { Partitioners, type Consumer, type IHeaders, type Kafka, type KafkaMessage, type Producer } from 'kafkajs';
import type { CloudEvent } from '../../contracts/cloudevents';
import { deadLetterTopic, type TopicSpec } from '../../contracts/topics';
import { isDatabaseUnavailable } from '../database';
import { consumerFetchMaxWaitMs } from '../kafka';
import type { Logger } from '../logger';
import { createLogLimiter } from '../log-limiter';
import { decodeEvent } from './envelope';
import type { BusKeyring } from './keys';
import { openMessage } from './seal';
import { DeadLetterError } from './errors';

/** Where a handled message came from. */
export interface MessageCoordinates {
  topic: string;
  partition: number;
  offset: string;
  key: string | undefined;
}

export type EventHandler = (event: CloudEvent, coordinates: MessageCoordinates) => Promise<void>;

export interface ConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: TopicSpec[];
  handler: EventHandler;
  /** The consuming service's keys: every message must be signed by a producer of its topic and decrypt with the topic's key. */
  keyring: BusKeyring;
  log: Logger;
  /** Tries of a throwing handler before the message is dead-lettered (default 5). */
  maxAttempts?: number;
  /** First backoff between tries, doubled each time up to 5 s (default 200 ms). */
  initialBackoffMs?: number;
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
  /**
   * Partitions handled at once (each still in order); 1 by default. More hides the database round
   * trips of one partition behind another's, for consumers whose lag users feel (read models).
   */
  partitionsConsumedConcurrently?: number;
  /**
   * Whether a handler's error means a dependency is down (by default: the database): the message
   * is not poison, so it is retried with backoff (5 s at most) for as long as the outage lasts,
   * never dead-lettered, and the outage is logged as a summary per interval.
   */
  isUnavailable?: (err: unknown) => boolean;
  /**
   * How often handled offsets are committed (default 1 s), and once more as the consumer stops.
   * kafkajs commits after every batch, and under load a batch is a message or two: a commit
   * request per message, a third of all the requests the brokers served in `npm run bench`.
   * A process that dies redelivers what it handled since its last commit; handlers are idempotent.
   */
  commitIntervalMs?: number;
}

export interface RunningConsumer {
  /** Finishes the message in hand, commits what was handled, leaves the group. */
  stop(): Promise<void>;
  /** Messages handled, dead-lettered, and handler retries so far. */
  readonly stats: { handled: number; deadLettered: number; retries: number };
}

/** Backoff before retry `attempt` (1-based) of a failing handler. */
export function backoffMs(attempt: number, initialMs: number): number {
  return Math.min(initialMs * 2 ** (attempt - 1), 5_000);
}

/** The headers a dead-lettered message carries beside its original ones. */
export function deadLetterHeaders(
  original: IHeaders | undefined,
  info: { reason: string; error: string; topic: string; partition: number; offset: string; groupId: string; at: Date },
): IHeaders {
  return {
    ...(original ?? {}),
    dlq_reason: info.reason,
    dlq_error: info.error.slice(0, 2000),
    dlq_original_topic: info.topic,
    dlq_original_partition: String(info.partition),
    dlq_original_offset: info.offset,
    dlq_consumer_group: info.groupId,
    dlq_time: info.at.toISOString(),
  };
}

/**
 * Consumes topics through the bus: every message is verified (signed by a producer of its topic),
 * decrypted, parsed and validated against its topic's schemas; what cannot be parsed or handled goes to `<topic>.dlq` with the reason in its headers,
 * and the consumer moves on. An offset is committed (every `commitIntervalMs`, and as the consumer
 * stops) only after its message was handled or dead-lettered, so a consumer that dies mid-batch
 * redelivers, never loses.
 */
export async function runConsumer(options: ConsumerOptions): Promise<RunningConsumer> {
  const { kafka, groupId, handler } = options;
  const log = options.log.child({ module: 'bus-consumer', groupId });
  const maxAttempts = options.maxAttempts ?? 5;
  const initialBackoffMs = options.initialBackoffMs ?? 200;
  const specs = new Map(options.topics.map((spec) => [spec.name, spec]));
  for (const spec of options.topics)
    if (!options.keyring.topics.has(spec.name))
      throw new Error(`${options.keyring.service} holds no key of ${spec.name}: it is not among the topic's consumers`);
  const stats = { handled: 0, deadLettered: 0, retries: 0 };
  const isUnavailable = options.isUnavailable ?? isDatabaseUnavailable;
  const outages = createLogLimiter(log);
  let stopping = false;

  const dlqProducer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await dlqProducer.connect();
  // A short session: a member that vanished (a killed process, a broker restarted under it) holds
  // up the group's next rebalance for this long. Backoffs stay under it (5 s at most).
  const sessionTimeout = options.sessionTimeoutMs ?? 15_000;
  const consumer: Consumer = kafka.consumer({
    groupId,
    sessionTimeout,
    heartbeatInterval: Math.min(3_000, sessionTimeout / 3),
    maxWaitTimeInMs: consumerFetchMaxWaitMs,
  });
  await consumer.connect();
  for (const spec of options.topics)
    await consumer.subscribe({ topic: spec.name, fromBeginning: options.fromBeginning ?? true });

  const deadLetter = async (topic: string, partition: number, message: KafkaMessage, reason: string, error: string) => {
    await dlqProducer.send({
      topic: deadLetterTopic(topic),
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: deadLetterHeaders(message.headers, {
            reason,
            error,
            topic,
            partition,
            offset: message.offset,
            groupId,
            at: new Date(),
          }),
        },
      ],
    });
    stats.deadLettered += 1;
    log.warn({ topic, partition, offset: message.offset, reason, error }, 'message dead-lettered');
  };

  const handle = async (topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>) => {
    const spec = specs.get(topic);
    if (!spec) return deadLetter(topic, partition, message, 'unknown-type', `no spec for ${topic}`);
    // Nothing of an unsigned, forged or misattributed message is looked at: it changes nothing.
    const opened = openMessage(spec, message, options.keyring);
    if (!opened.ok) return deadLetter(topic, partition, message, opened.reason, opened.error);
    const decoded = decodeEvent(spec, { key: message.key, headers: message.headers, value: opened.value });
    if (!decoded.ok) return deadLetter(topic, partition, message, decoded.reason, decoded.error);
    const coordinates = { topic, partition, offset: message.offset, key: message.key?.toString() };
    let waits = 0;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await handler(decoded.event, coordinates);
        stats.handled += 1;
        if (waits > 0) outages.recovered('handler waiting for an unavailable dependency');
        return;
      } catch (err) {
        if (err instanceof DeadLetterError) return deadLetter(topic, partition, message, err.reason, err.message);
        if (isUnavailable(err) && !stopping) {
          // Not the message's fault: wait for the dependency without using up its attempts.
          attempt -= 1;
          waits += 1;
          stats.retries += 1;
          outages.warn('handler waiting for an unavailable dependency', err, { topic, partition });
          await sleep(Math.min(backoffMs(waits, initialBackoffMs), 5_000));
          await heartbeat();
          continue;
        }
        if (attempt >= maxAttempts || stopping) {
          if (stopping && attempt < maxAttempts) throw err;
          return deadLetter(
            topic,
            partition,
            message,
            'handler-failed',
            `${(err as Error).message} (after ${attempt} attempts)`,
          );
        }
        stats.retries += 1;
        log.warn({ topic, partition, offset: message.offset, attempt, err }, 'handler failed, retrying');
        await sleep(backoffMs(attempt, initialBackoffMs));
        await heartbeat();
      }
    }
  };

  // Handled offsets not yet committed, by partition: the next offset each partition reads from.
  const handled = new Map<string, { topic: string; partition: number; offset: string }>();
  const commitHandled = async () => {
    if (handled.size === 0) return;
    const offsets = [...handled.values()];
    try {
      await consumer.commitOffsets(offsets);
      // Only what was committed: a partition handled further meanwhile waits for the next commit.
      for (const o of offsets)
        if (handled.get(`${o.topic}/${o.partition}`)?.offset === o.offset) handled.delete(`${o.topic}/${o.partition}`);
    } catch (err) {
      // A rebalance in progress, a coordinator moving: these messages are redelivered, not lost.
      log.debug({ err }, 'offsets not committed; they are redelivered');
    }
  };
  // A rebalance hands partitions to whoever owns them now, from their last committed offsets.
  consumer.on(consumer.events.GROUP_JOIN, () => handled.clear());
  let inFlight = 0;
  let batchesDone: (() => void) | undefined;
  await consumer.run({
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
    eachBatchAutoResolve: false,
    autoCommit: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      inFlight += 1;
      try {
        let lastHeartbeat = Date.now();
        for (const message of batch.messages) {
          if (!isRunning() || isStale() || stopping) return;
          await handle(batch.topic, batch.partition, message, heartbeat);
          // Where kafkajs fetches on from; the commit is ours (commitHandled).
          resolveOffset(message.offset);
          handled.set(`${batch.topic}/${batch.partition}`, {
            topic: batch.topic,
            partition: batch.partition,
            offset: (BigInt(message.offset) + 1n).toString(),
          });
          // kafkajs sends at most one heartbeat per interval anyway; asking after every message costs throughput.
          if (Date.now() - lastHeartbeat >= 1_000) {
            await heartbeat();
            lastHeartbeat = Date.now();
          }
        }
        await heartbeat();
      } finally {
        inFlight -= 1;
        if (inFlight === 0) batchesDone?.();
      }
    },
  });
  const committing = setInterval(() => void commitHandled(), options.commitIntervalMs ?? 1_000).unref();
  log.info({ topics: [...specs.keys()] }, 'consumer running');

  return {
    stats,
    async stop() {
      stopping = true;
      clearInterval(committing);
      // The message in hand is finished (or given back), then what was handled is committed while
      // this member still holds its partitions, then it leaves the group.
      if (inFlight > 0) await new Promise<void>((resolve) => (batchesDone = resolve));
      await commitHandled();
      await consumer.disconnect();
      await dlqProducer.disconnect();
      log.info(stats, 'consumer stopped');
    },
  };
}
