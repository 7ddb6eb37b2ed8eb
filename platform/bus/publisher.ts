import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import type { TopicSpec } from '../../contracts/topics';
import type { Logger } from '../logger';
import { encodeEvent, type OutgoingEvent } from './envelope';
import { PublishFailedError } from './errors';
import type { BusKeyring } from './keys';
import { sealBatch, sealMessage } from './seal';

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
  // Encoding throws its own errors first; only what the broker refuses is a PublishFailedError.
  const send = async (spec: TopicSpec, messages: Message[]) => {
    try {
      await producer.send({ topic: spec.name, acks: -1, messages });
    } catch (err) {
      throw new PublishFailedError(`could not publish to ${spec.name}: ${(err as Error).message}`, { cause: err });
    }
  };
  return {
    async publish(spec, event) {
      await send(spec, [sealMessage(spec.name, encodeEvent(spec, event), keyring)]);
    },
    async publishBatch(spec, events) {
      if (events.length === 0) return;
      await send(
        spec,
        sealBatch(
          spec.name,
          events.map((event) => encodeEvent(spec, event)),
          keyring,
        ),
      );
    },
    async disconnect() {
      await producer.disconnect();
      child.debug('publisher disconnected');
    },
  };
}
