import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import type { TopicSpec } from '../../contracts/topics';
import type { Logger } from '../logger';
import { encodeEvent, type OutgoingEvent } from './envelope';
import { PublishFailedError } from './errors';
import type { BusKeyring } from './keys';
import { sealBatch } from './seal';

interface Pending {
  topic: string;
  messages: Message[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface EventPublisher {
  /** Validates and publishes one event, keyed by its subject (the dossier id); resolves once all replicas have it. */
  publish(spec: TopicSpec, event: OutgoingEvent): Promise<void>;
  /** The same for many events of one topic in one request. */
  publishBatch(spec: TopicSpec, events: OutgoingEvent[]): Promise<void>;
  disconnect(): Promise<void>;
}

/**
 * The bus's producer: idempotent (one in-flight request, so retries cannot reorder or duplicate),
 * acks from all in-sync replicas, and nothing leaves that does not fit its topic's schema. Every
 * message leaves encrypted with its topic's key and signed by the keyring's service.
 */
export async function createPublisher(kafka: Kafka, log: Logger, keyring: BusKeyring): Promise<EventPublisher> {
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const child = log.child({ module: 'bus-publisher' });
  // Publishes that arrive while a request is in flight wait together and leave as the next request
  // (one sendBatch over every topic, one signature per topic): with one request in flight, sending
  // each on its own would queue them one round trip apart. Encoding errors still reach their caller
  // first; what the broker refuses fails every publish of that request with a PublishFailedError.
  let waiting: Pending[] = [];
  let flushing = false;
  const flush = async () => {
    flushing = true;
    while (waiting.length > 0) {
      const taken = waiting;
      waiting = [];
      const byTopic = new Map<string, Pending[]>();
      for (const pending of taken) byTopic.set(pending.topic, [...(byTopic.get(pending.topic) ?? []), pending]);
      const topicMessages: { topic: string; messages: Message[] }[] = [];
      const sending: Pending[] = [];
      for (const [topic, pendings] of byTopic) {
        try {
          topicMessages.push({
            topic,
            messages: sealBatch(
              topic,
              pendings.flatMap((p) => p.messages),
              keyring,
            ),
          });
          sending.push(...pendings);
        } catch (err) {
          for (const pending of pendings) pending.reject(err);
        }
      }
      if (topicMessages.length === 0) continue;
      try {
        await producer.sendBatch({ acks: -1, topicMessages });
        for (const pending of sending) pending.resolve();
      } catch (err) {
        const topics = topicMessages.map((t) => t.topic).join(', ');
        const failure = new PublishFailedError(`could not publish to ${topics}: ${(err as Error).message}`, {
          cause: err,
        });
        for (const pending of sending) pending.reject(failure);
      }
    }
    flushing = false;
  };
  const send = (spec: TopicSpec, messages: Message[]) =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ topic: spec.name, messages, resolve, reject });
      if (!flushing) void flush();
    });
  return {
    async publish(spec, event) {
      await send(spec, [encodeEvent(spec, event)]);
    },
    async publishBatch(spec, events) {
      if (events.length === 0) return;
      await send(
        spec,
        events.map((event) => encodeEvent(spec, event)),
      );
    },
    async disconnect() {
      await producer.disconnect();
      child.debug('publisher disconnected');
    },
  };
}
