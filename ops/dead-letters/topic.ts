import { randomUUID } from 'node:crypto';
import { Partitioners, type IHeaders, type Kafka } from 'kafkajs';
import { cloudEventHeaders } from '../../contracts/cloudevents';
import { deadLetterTopic } from '../../contracts/topics';
import { headerText } from '../../platform/bus';
import { consumerFetchMaxWaitMs } from '../../platform/kafka';
import { consumerGroups } from '../../contracts/principals';

/** One dead-lettered message, as operators list it. */
export interface DeadLetter {
  id: string | undefined;
  type: string | undefined;
  key: string | undefined;
  reason: string | undefined;
  error: string | undefined;
  originalTopic: string;
  originalPartition: number | undefined;
  originalOffset: string | undefined;
  deadLetteredAt: string | undefined;
  dlqPartition: number;
  dlqOffset: string;
}

interface RawDeadLetter {
  row: DeadLetter;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

/** Reads a dead-letter topic from the start to its current end, then stops. */
async function readDeadLetters(kafka: Kafka, topic: string): Promise<RawDeadLetter[]> {
  const dlq = deadLetterTopic(topic);
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(dlq);
  await admin.disconnect();
  const pending = new Map(
    offsets.filter((o) => Number(o.high) > Number(o.low)).map((o) => [o.partition, Number(o.high)]),
  );
  const rows: RawDeadLetter[] = [];
  if (pending.size === 0) return rows;
  const groupId = `${consumerGroups.deadLetterReaderPrefix}${randomUUID()}`;
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    maxWaitTimeInMs: consumerFetchMaxWaitMs,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: dlq, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const header = (name: string) => headerText(message.headers, name);
            rows.push({
              key: message.key,
              value: message.value,
              headers: message.headers ?? {},
              row: {
                id: header(cloudEventHeaders.id),
                type: header(cloudEventHeaders.type),
                key: message.key?.toString(),
                reason: header('dlq_reason'),
                error: header('dlq_error'),
                originalTopic: header('dlq_original_topic') ?? topic,
                originalPartition:
                  header('dlq_original_partition') === undefined ? undefined : Number(header('dlq_original_partition')),
                originalOffset: header('dlq_original_offset'),
                deadLetteredAt: header('dlq_time'),
                dlqPartition: partition,
                dlqOffset: message.offset,
              },
            });
            if (Number(message.offset) + 1 >= (pending.get(partition) ?? 0)) pending.delete(partition);
            if (pending.size === 0) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    const admin2 = kafka.admin();
    await admin2.connect();
    await admin2.deleteGroups([groupId]).catch(() => undefined);
    await admin2.disconnect();
  }
  return rows.sort(
    (a, b) => a.row.dlqPartition - b.row.dlqPartition || Number(a.row.dlqOffset) - Number(b.row.dlqOffset),
  );
}

/** Lists what sits in `<topic>.dlq`, oldest first per partition. */
export async function listDeadLetters(kafka: Kafka, topic: string): Promise<DeadLetter[]> {
  return (await readDeadLetters(kafka, topic)).map((r) => r.row);
}

/**
 * The headers a redriven dead letter is re-published with: the original ones (so the producer's
 * signature, which covers the ce_* headers, the key and the encrypted value, still verifies), without
 * the dlq_* headers, and `redrive_count` incremented.
 */
export function redrivenHeaders(headers: IHeaders): IHeaders {
  const kept = Object.fromEntries(
    Object.entries(headers).filter(([name]) => !name.startsWith('dlq_') && name !== 'redrive_count'),
  );
  const count = Number(headerText(headers, 'redrive_count') ?? '0') + 1;
  return { ...kept, redrive_count: String(count) };
}

export interface RedriveSelection {
  ids?: string[];
  reason?: string;
  all?: true;
}

/**
 * Re-publishes selected dead letters to their original topic with their original key and headers
 * (dlq_* headers removed, `redrive_count` incremented). A dry run only lists what it would send.
 */
export async function redriveDeadLetters(
  kafka: Kafka,
  topic: string,
  select: RedriveSelection,
  options: { dryRun: boolean },
): Promise<DeadLetter[]> {
  if (!select.all && !select.ids?.length && !select.reason)
    throw new Error('choose what to redrive: ids, a reason, or all');
  const chosen = (await readDeadLetters(kafka, topic)).filter(
    ({ row }) =>
      select.all ||
      (select.ids?.includes(row.id ?? '') ?? false) ||
      (select.reason !== undefined && row.reason === select.reason),
  );
  if (options.dryRun || chosen.length === 0) return chosen.map((c) => c.row);
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    for (const { row, key, value, headers } of chosen) {
      await producer.send({
        topic: row.originalTopic,
        acks: -1,
        messages: [{ key, value, headers: redrivenHeaders(headers) }],
      });
    }
  } finally {
    await producer.disconnect();
  }
  return chosen.map((c) => c.row);
}
