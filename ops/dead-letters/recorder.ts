import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { cloudEventHeaders } from '../../contracts/cloudevents';
import { consumerGroups } from '../../contracts/principals';
import { deadLetterTopic, topicSpecs, type TopicSpec } from '../../contracts/topics';
import { isDatabaseUnavailable } from '../../platform/database';
import { consumerFetchMaxWaitMs } from '../../platform/kafka';
import { headerText, openMessage, type BusKeyring } from '../../platform/bus';
import type { Logger } from '../../platform/logger';
import type { DeadLetterSighting, DeadLetterStore } from './store';

/** The header a redriven or fixed copy carries: the dead letter it came from. */
export const redrivenFromHeader = 'redriven_from';

/** Where a dead letter's routing fields are: its data when it opens, else nothing but its key. */
function routing(spec: TopicSpec | undefined, message: KafkaMessage, keyring: BusKeyring) {
  const none = { dossierId: null, stepId: null, attempt: null };
  if (!spec) return none;
  const opened = openMessage(spec, message, keyring);
  if (!opened.ok) return none;
  try {
    const data = JSON.parse(opened.value.toString()) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 300 ? v : null);
    // A command says its attempt; an agency's event names the command it answers (dossier/step/attempt).
    const fromCommandId = Number(text(data.commandId)?.split('/').at(-1));
    const attempt =
      typeof data.attempt === 'number' && Number.isInteger(data.attempt)
        ? data.attempt
        : Number.isInteger(fromCommandId) && fromCommandId > 0
          ? fromCommandId
          : null;
    return { dossierId: text(data.dossierId), stepId: text(data.stepId), attempt };
  } catch {
    return none;
  }
}

/** What the headers of a message on `<topic>.dlq` say about it. */
export function sightingOf(
  dlqTopic: string,
  partition: number,
  message: KafkaMessage,
  keyring: BusKeyring,
): DeadLetterSighting {
  const header = (name: string) => headerText(message.headers, name);
  const topic = header('dlq_original_topic') ?? dlqTopic.replace(/\.dlq$/, '');
  const spec = topicSpecs.find((s) => s.name === topic);
  const originalPartition = Number(header('dlq_original_partition'));
  const seen = new Date(header('dlq_time') ?? Number(message.timestamp));
  const found = routing(spec, message, keyring);
  const key = message.key?.toString() ?? null;
  return {
    topic,
    partition: Number.isInteger(originalPartition) && header('dlq_original_partition') ? originalPartition : null,
    offset: header('dlq_original_offset') ?? null,
    consumerGroup: header('dlq_consumer_group') ?? null,
    dlqTopic,
    dlqPartition: partition,
    dlqOffset: message.offset,
    messageKey: key,
    eventId: header(cloudEventHeaders.id) ?? null,
    eventType: header(cloudEventHeaders.type) ?? null,
    // From the data only: a message that does not open (forged, undecryptable) names no dossier it can be trusted for.
    dossierId: found.dossierId,
    stepId: found.stepId,
    attempt: found.attempt,
    reason: header('dlq_reason') ?? 'unknown',
    error: header('dlq_error') ?? '',
    seenAt: Number.isNaN(seen.getTime()) ? new Date() : seen,
    redrivenFrom: /^[0-9a-f-]{36}$/.test(header(redrivenFromHeader) ?? '') ? header(redrivenFromHeader)! : null,
    value: message.value,
    headers: message.headers ?? {},
  };
}

export interface RunningRecorder {
  stop(): Promise<void>;
  readonly stats: { recorded: number; seenAgain: number };
}

/**
 * Turns every message of the dead-letter topics into a record, in its own consumer group: an
 * offset is committed only after its record is written, so a recorder that dies or a database that
 * is down delays records but never loses one (the topic keeps the message until then), and the
 * record is idempotent on the failed message's coordinates, so redelivery writes nothing twice.
 */
export async function startDeadLetterRecorder(deps: {
  kafka: Kafka;
  keyring: BusKeyring;
  store: DeadLetterStore;
  log: Logger;
  groupId?: string;
}): Promise<RunningRecorder> {
  const log = deps.log.child({ module: 'dead-letter-recorder' });
  const stats = { recorded: 0, seenAgain: 0 };
  let stopping = false;
  const consumer = deps.kafka.consumer({
    groupId: deps.groupId ?? consumerGroups.deadLetterRecorder,
    sessionTimeout: 15_000,
    heartbeatInterval: 3_000,
    maxWaitTimeInMs: consumerFetchMaxWaitMs,
  });
  await consumer.connect();
  for (const spec of topicSpecs) await consumer.subscribe({ topic: deadLetterTopic(spec.name), fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message, heartbeat }) => {
      const sighting = sightingOf(topic, partition, message, deps.keyring);
      for (let wait = 1; ; wait += 1) {
        try {
          const { deadLetterId, created } = await deps.store.record(sighting);
          if (created) stats.recorded += 1;
          else stats.seenAgain += 1;
          log.info(
            { deadLetterId, topic: sighting.topic, reason: sighting.reason, dossierId: sighting.dossierId, created },
            'dead letter recorded',
          );
          return;
        } catch (err) {
          // Not committed, so not lost: wait for the database rather than skipping the message.
          if (stopping || !isDatabaseUnavailable(err)) throw err;
          if (wait === 1) log.warn({ err, topic, partition }, 'dead letter waits for the database');
          await sleep(Math.min(200 * 2 ** wait, 5_000));
          await heartbeat();
        }
      }
    },
  });
  log.info({ topics: topicSpecs.length }, 'dead-letter recorder running');
  return {
    stats,
    async stop() {
      stopping = true;
      await consumer.disconnect();
    },
  };
}
