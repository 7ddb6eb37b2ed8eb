import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import packageJson from '../package.json' with { type: 'json' };
import { CloudEventAttributes, cloudEventHeaders } from '../contracts/cloudevents';
import { catalogue } from '../contracts/procedures';
import { deadLetterTopic, populationChangesTopic, topicSpecs, type TopicSpec } from '../contracts/topics';
import { deadLetterHeaders } from '../platform/bus/consumer';
import { busSecurityHeaders } from '../platform/bus/seal';

/**
 * The contract documentation, built from the zod schemas in contracts/: one JSON Schema per message
 * type and an AsyncAPI 3.0 document of every topic. Everything here is pure and deterministic (same
 * contracts, same bytes), so `npm run contracts:docs -- --check` and the unit test can tell whether
 * the committed files under docs/ are stale.
 */

/** A JSON Schema (or AsyncAPI object) as plain JSON. */
export type JsonObject = Record<string, unknown>;

type SchemaTarget = 'draft-2020-12' | 'draft-07';

const kafkaBindingVersion = '0.5.0';
/** Who reads dead-letter topics: operators list and redrive dead letters through the API. */
const deadLetterReader = 'api';
/** Component name of what dead-letter topics carry; message types are always versioned (`.vN`), so it cannot collide. */
const deadLetterMessage = 'DeadLetter';

/**
 * The JSON Schema of a message's data as consumers accept it (`io: 'input'`: a field with a default
 * may be left out). Refinements (the province code of a personal ID number, cross-field rules) have
 * no JSON Schema form and are left out; a type with none at all becomes `{}` instead of failing.
 */
function toJsonSchema(schema: z.ZodType, target: SchemaTarget): JsonObject {
  return z.toJSONSchema(schema, { target, io: 'input', unrepresentable: 'any' }) as JsonObject;
}

const byName = <T>(entries: [string, T][]): [string, T][] => entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * Message type → its JSON Schema, sorted by type. A type carried on several topics (CancelCase.v1,
 * CommandReceived.v1, …) appears once; it must have the same schema everywhere, since consumers
 * pick the schema by type alone.
 */
function messageSchemas(target: SchemaTarget): Record<string, JsonObject> {
  const schemas = new Map<string, { schema: JsonObject; topic: string }>();
  for (const spec of topicSpecs) {
    for (const [type, zodSchema] of Object.entries(spec.messages)) {
      const { $schema, ...rest } = toJsonSchema(zodSchema, target);
      // Draft 2020-12 files stand alone and say which draft they are; AsyncAPI payloads are AsyncAPI
      // Schema Objects (a superset of draft-07), where `$schema` has no place.
      const schema = target === 'draft-2020-12' ? { $schema, title: type, ...rest } : { title: type, ...rest };
      const seen = schemas.get(type);
      if (seen && JSON.stringify(seen.schema) !== JSON.stringify(schema)) {
        throw new Error(
          `${type} has one schema on ${seen.topic} and another on ${spec.name}; give one of them a new type name`,
        );
      }
      schemas.set(type, seen ?? { schema, topic: spec.name });
    }
  }
  return Object.fromEntries(byName([...schemas].map(([type, { schema }]) => [type, schema])));
}

/** Message type (e.g. `RegisterBirth.v1`) → JSON Schema (draft 2020-12) of its data, for every message of every topic. */
export function messageJsonSchemas(): Record<string, JsonObject> {
  return messageSchemas('draft-2020-12');
}

const ceHeaderDescriptions = {
  id: 'Unique per event; consumers skip an id they have already processed. On command topics it is the command id (dossier/step/attempt).',
  source: 'The publishing service, such as `lienthong/orchestrator` or `lienthong/agency/civil-status`.',
  type: 'The versioned message type, which selects the payload schema.',
  specversion: 'The CloudEvents version.',
  subject:
    'The dossier id (on population.changes, the pseudonymous citizen key, never an ID number); always equal to the Kafka key. Headers travel in clear: none carries personal data.',
  time: 'When the event happened (ISO 8601 with offset).',
  datacontenttype: 'The CloudEvents datacontenttype of the data, once decrypted.',
} as const satisfies Record<keyof CloudEventAttributes, string>;

/** The extension attributes that sign and encrypt every message (platform/bus/seal.ts); the operator-fix one is not accepted yet. */
const securityHeaderDescriptions = {
  signature:
    "Ed25519 signature (base64) by the producer's key of the root of a SHA-256 hash tree over the batch the message was published in; the message's leaf covers the topic name, the Kafka key, every other ce_* header (ce_signaturechain excepted), content-type and the encrypted value. Consumers dead-letter a message without a valid one from a producer of the topic as bad-signature.",
  signatureChain:
    "The path (base64: per level, 1 byte for the side and the 32-byte sibling hash) from the message's leaf to the signed root; absent when the batch was one message.",
  signatureKeyId:
    'Id of the signing key (`<service>/<n>`); the consumer knows which service each key belongs to, and old keys stay known after a rotation.',
  dataKeyId:
    "Id of the topic key (`<topic>/<n>`) the value is encrypted with (AES-256-GCM); only the topic's producers and consumers hold it.",
} as const satisfies Partial<Record<keyof typeof busSecurityHeaders, string>>;

/**
 * The CloudEvents binary-mode headers of one message type, from the same zod schema the bus checks
 * them with, renamed to their `ce_*` header names; `ce_type` is fixed to the message type. Other
 * headers (tracing, for instance) may be present.
 */
function cloudEventHeadersSchema(type: string): JsonObject {
  const { properties } = toJsonSchema(CloudEventAttributes, 'draft-07') as {
    properties: Record<keyof CloudEventAttributes, JsonObject>;
  };
  const attributes = Object.keys(cloudEventHeaders) as (keyof CloudEventAttributes)[];
  const security = Object.keys(securityHeaderDescriptions) as (keyof typeof securityHeaderDescriptions)[];
  return {
    type: 'object',
    properties: Object.fromEntries([
      ...attributes.map((attribute) => {
        const schema = attribute === 'type' ? { type: 'string', const: type } : properties[attribute];
        return [cloudEventHeaders[attribute], { ...schema, description: ceHeaderDescriptions[attribute] }];
      }),
      ...security.map((name) => [
        busSecurityHeaders[name],
        { type: 'string', minLength: 1, description: securityHeaderDescriptions[name] },
      ]),
    ]),
    required: [
      ...attributes.map((attribute) => cloudEventHeaders[attribute]),
      ...security.filter((name) => name !== 'signatureChain').map((name) => busSecurityHeaders[name]),
    ],
  };
}

/**
 * The Kafka key of every message: the dossier id, so one dossier's messages stay in one partition,
 * in order; on population.changes the person's pseudonymous citizen key, for the same reason.
 */
const kafkaKeyBinding = (byCitizen: boolean) => ({
  kafka: {
    key: {
      type: 'string',
      minLength: 1,
      description: byCitizen
        ? "The person's pseudonymous citizen key (`c-…`, the same as ce_subject; never the ID number), so one person's changes stay in order."
        : 'The dossier id (the same as ce_subject), so all messages of one dossier go to one partition and keep their order.',
    },
    bindingVersion: kafkaBindingVersion,
  },
});

const deadLetterHeaderDescriptions: Record<string, string> = {
  dlq_reason:
    'Machine-readable reason: bad-signature (unsigned, forged, or signed by a service that may not publish there), undecryptable, invalid-headers, unknown-type, invalid-json, schema-mismatch, key-mismatch, handler-failed, or one the handler gave (unknown-dossier, workflow-closed, …).',
  dlq_error: 'What went wrong, for people (at most 2,000 characters).',
  dlq_original_topic: 'The topic the message was consumed from.',
  dlq_original_partition: 'Its partition there.',
  dlq_original_offset: 'Its offset there.',
  dlq_consumer_group: 'The consumer group that gave up on it.',
  dlq_time: 'When it was dead-lettered (ISO 8601).',
};

/**
 * What a dead-letter topic carries: the original message (key, value and headers unchanged, valid or
 * not) plus the `dlq_*` headers the bus adds. The header names come from the bus itself, so a new one
 * fails generation until it is described here.
 */
function deadLetterMessageObject(): JsonObject {
  const added = Object.keys(
    deadLetterHeaders(undefined, {
      reason: '',
      error: '',
      topic: '',
      partition: 0,
      offset: '0',
      groupId: '',
      at: new Date(0),
    }),
  );
  const properties = Object.fromEntries(
    added.map((header) => {
      const description = deadLetterHeaderDescriptions[header];
      if (!description) throw new Error(`describe the dead-letter header ${header} in docs/contracts.ts`);
      return [header, { type: 'string', description }];
    }),
  );
  return {
    name: deadLetterMessage,
    title: 'Dead letter',
    summary: 'A message its consumer could not parse, validate or handle, kept for operators to inspect and redrive.',
    description:
      "Key, value and headers are those of the original message, byte for byte (the ce_* headers included, when it had them): the value stays encrypted under the original topic's key and the producer's signature stays valid, so a redriven dead letter verifies again. The bus adds the dlq_* headers, which the signature does not cover.",
    contentType: 'application/octet-stream',
    headers: { type: 'object', properties, required: added },
    payload: { description: 'The original message value, unchanged.' },
    bindings: {
      kafka: {
        key: { type: 'string', description: 'The original key: the dossier id, when the producer set one.' },
        bindingVersion: kafkaBindingVersion,
      },
    },
  };
}

/** "RegisterBirth.v1" → "Register birth (v1)". */
function titleOf(type: string): string {
  const [name = type, version = ''] = type.split('.');
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return `${words.charAt(0).toUpperCase()}${words.slice(1)} (${version})`;
}

const ref = (...path: string[]) => ({
  $ref: `#/${path.map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`,
});

interface ChannelSpec {
  topic: string;
  description: string;
  producer: string;
  consumer: string;
  messages: string[];
}

/** Every topic as a channel: the topics of contracts/topics.ts, each followed by its dead-letter topic. */
function channelSpecs(): ChannelSpec[] {
  return topicSpecs.flatMap((spec: TopicSpec): ChannelSpec[] => [
    {
      topic: spec.name,
      description: spec.description,
      producer: spec.producers.join(', '),
      consumer: spec.consumers.join(', '),
      messages: byName(Object.entries(spec.messages)).map(([type]) => type),
    },
    {
      topic: deadLetterTopic(spec.name),
      description: `Dead letters of ${spec.name}: what ${spec.consumers.join(', ')} could not parse, validate or handle there.`,
      producer: spec.consumers.join(', '),
      consumer: deadLetterReader,
      messages: [deadLetterMessage],
    },
  ]);
}

/**
 * The AsyncAPI 3.0.0 document of the whole system: one channel per Kafka topic (address = topic
 * name), and for each a `send` operation by the service that publishes to it and a `receive`
 * operation by the one that consumes it. Every message is a binary-mode CloudEvent keyed by dossier id.
 */
export function asyncApiDocument(): JsonObject {
  const payloads = messageSchemas('draft-07');
  const channels = channelSpecs();

  const messages: Record<string, JsonObject> = {};
  for (const [type, payload] of Object.entries(payloads)) {
    const carriedOn = channels.filter((channel) => channel.messages.includes(type)).map((channel) => channel.topic);
    messages[type] = {
      name: type,
      title: titleOf(type),
      summary: `CloudEvent ${type}, on ${carriedOn.join(', ')}.`,
      description:
        "A CloudEvents 1.0 event in Kafka binary mode: the attributes travel as ce_* headers, signed by the producer. The value is the JSON data encrypted with AES-256-GCM under the topic's key (12-byte IV, ciphertext, 16-byte tag; the topic name as additional data); the payload below is the data once decrypted, its personal fields marked x-personal.",
      contentType: 'application/json',
      headers: cloudEventHeadersSchema(type),
      payload,
      bindings: kafkaKeyBinding(carriedOn.includes(populationChangesTopic)),
    };
  }
  messages[deadLetterMessage] = deadLetterMessageObject();

  const operations: Record<string, JsonObject> = {};
  for (const channel of channels) {
    const channelMessages = channel.messages.map((type) => ref('channels', channel.topic, 'messages', type));
    operations[`send.${channel.topic}`] = {
      action: 'send',
      channel: ref('channels', channel.topic),
      title: `${channel.producer} publishes to ${channel.topic}`,
      tags: [{ name: channel.producer }],
      messages: channelMessages,
    };
    operations[`receive.${channel.topic}`] = {
      action: 'receive',
      channel: ref('channels', channel.topic),
      title: `${channel.consumer} consumes ${channel.topic}`,
      tags: [{ name: channel.consumer }],
      messages: channelMessages,
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Lienthong',
      version: packageJson.version,
      description: `Interconnected public-service procedures (liên thông) on Temporal workflows and Kafka events.\n\nEvery message is a CloudEvents 1.0 event in Kafka binary mode (ce_* headers, JSON value), keyed by its dossier id, signed by its producer (Ed25519) and with its value encrypted under its topic's key (AES-256-GCM). Operation tags name the service that sends or receives. Generated from contracts/ by \`npm run contracts:docs\`.\n\n${procedureTable()}`,
    },
    defaultContentType: 'application/json',
    channels: Object.fromEntries(
      channels.map((channel) => [
        channel.topic,
        {
          address: channel.topic,
          description: `${channel.description} Published by ${channel.producer}, consumed by ${channel.consumer}.`,
          messages: Object.fromEntries(channel.messages.map((type) => [type, ref('components', 'messages', type)])),
          bindings: { kafka: { topic: channel.topic, bindingVersion: kafkaBindingVersion } },
        },
      ]),
    ),
    operations,
    components: { messages },
  };
}

/** The catalogue's procedures as a Markdown table: which commands each step sends and which events end it. */
function procedureTable(): string {
  const rows = catalogue.procedures.flatMap((procedure) =>
    procedure.stages.flatMap((stage, index) =>
      stage.map(
        ({ service }) =>
          `| ${procedure.id} | ${index + 1} | ${service.id} | ${service.agency} | ${service.command} | ${service.result} / ${service.rejection} | ${service.workingDays} |`,
      ),
    ),
  );
  return [
    'Procedures (contracts/procedures), steps of one stage run in parallel:',
    '',
    '| procedure | stage | step | agency | command | result / rejection | working days |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** The docs/ file for one message type's schema. */
export const schemaFile = (type: string) => `schemas/${type}.json`;
export const asyncApiFile = 'asyncapi.yaml';

/**
 * Every generated file, path relative to docs/ → content: the AsyncAPI document as YAML and one
 * pretty-printed JSON Schema per message type, each ending with a newline.
 */
export function generatedFiles(): Map<string, string> {
  const header = '# Generated from contracts/ by `npm run contracts:docs`; do not edit.\n';
  // No line folding and no anchors/aliases: plain YAML that diffs line by line.
  const yaml = YAML.stringify(asyncApiDocument(), { lineWidth: 0, aliasDuplicateObjects: false });
  const files = new Map<string, string>([[asyncApiFile, header + yaml]]);
  for (const [type, schema] of Object.entries(messageJsonSchemas()))
    files.set(schemaFile(type), `${JSON.stringify(schema, null, 2)}\n`);
  return files;
}

export interface StaleFile {
  /** Relative to docs/. */
  path: string;
  problem: 'missing' | 'differs' | 'not generated';
}

/** Where the committed files under `docsDir` differ from what the contracts generate now (empty when up to date). */
export function staleFiles(docsDir: string, files: Map<string, string> = generatedFiles()): StaleFile[] {
  const stale: StaleFile[] = [];
  for (const [path, content] of files) {
    const file = join(docsDir, path);
    if (!existsSync(file)) stale.push({ path, problem: 'missing' });
    else if (readFileSync(file, 'utf8') !== content) stale.push({ path, problem: 'differs' });
  }
  // A schema file of a message type that no longer exists.
  const schemasDir = join(docsDir, 'schemas');
  const present = existsSync(schemasDir) ? readdirSync(schemasDir).filter((name) => name.endsWith('.json')) : [];
  for (const name of present.sort()) {
    const path = `schemas/${name}`;
    if (!files.has(path)) stale.push({ path, problem: 'not generated' });
  }
  return stale;
}
