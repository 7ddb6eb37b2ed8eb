import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { z } from 'zod';
import { CloudEventAttributes, cloudEventHeaders, type CloudEvent } from '../../contracts/cloudevents';
import type { TopicSpec } from '../../contracts/topics';
import { InvalidMessageError, UnknownMessageTypeError } from './errors';

/** What a producer gives the bus; id and time default to a fresh UUID and now. */
export interface OutgoingEvent<T = unknown> {
  type: string;
  subject: string;
  source: string;
  data: T;
  id?: string;
  time?: string;
}

/** Validates data against the topic's schema for its type and builds the binary-mode Kafka message. */
export function encodeEvent(spec: TopicSpec, event: OutgoingEvent): Message {
  // Own properties only: a type named like an Object.prototype member ('constructor') is unknown too.
  const schema = Object.hasOwn(spec.messages, event.type) ? spec.messages[event.type] : undefined;
  if (!schema)
    throw new UnknownMessageTypeError(
      `${spec.name} does not carry ${event.type} (it carries ${Object.keys(spec.messages).join(', ')})`,
    );
  const parsed = schema.safeParse(event.data);
  if (!parsed.success)
    throw new InvalidMessageError(`${event.type} does not fit its schema:\n${z.prettifyError(parsed.error)}`);
  return {
    key: event.subject,
    value: JSON.stringify(parsed.data),
    headers: {
      [cloudEventHeaders.id]: event.id ?? crypto.randomUUID(),
      [cloudEventHeaders.source]: event.source,
      [cloudEventHeaders.type]: event.type,
      [cloudEventHeaders.specversion]: '1.0',
      [cloudEventHeaders.subject]: event.subject,
      [cloudEventHeaders.time]: event.time ?? new Date().toISOString(),
      [cloudEventHeaders.datacontenttype]: 'application/json',
    },
  };
}

/** Why a message could not be turned into a valid event: the machine-readable dead-letter reason. */
export type DecodeFailure = {
  reason: 'invalid-headers' | 'unknown-type' | 'invalid-json' | 'schema-mismatch' | 'key-mismatch';
  error: string;
};

export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/** Parses a consumed message's headers and value and validates them against the topic's schemas. */
export function decodeEvent(
  spec: TopicSpec,
  message: Pick<KafkaMessage, 'headers' | 'value' | 'key'>,
): { ok: true; event: CloudEvent } | ({ ok: false } & DecodeFailure) {
  const attributes = CloudEventAttributes.safeParse(
    Object.fromEntries(
      Object.entries(cloudEventHeaders).map(([attribute, header]) => [attribute, headerText(message.headers, header)]),
    ),
  );
  if (!attributes.success) return { ok: false, reason: 'invalid-headers', error: z.prettifyError(attributes.error) };
  const schema = Object.hasOwn(spec.messages, attributes.data.type) ? spec.messages[attributes.data.type] : undefined;
  if (!schema)
    return { ok: false, reason: 'unknown-type', error: `${spec.name} does not carry ${attributes.data.type}` };
  if (message.key && message.key.toString() !== attributes.data.subject) {
    return {
      ok: false,
      reason: 'key-mismatch',
      error: `key ${message.key.toString()} is not the subject ${attributes.data.subject}`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(message.value?.toString() ?? '');
  } catch (err) {
    return { ok: false, reason: 'invalid-json', error: (err as Error).message };
  }
  const data = schema.safeParse(json);
  if (!data.success) return { ok: false, reason: 'schema-mismatch', error: z.prettifyError(data.error) };
  return { ok: true, event: { attributes: attributes.data, data: data.data } };
}
