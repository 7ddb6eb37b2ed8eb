import { readFileSync } from 'node:fs';
import { setTimeout } from 'node:timers/promises';
import { Kafka, type Admin, type KafkaConfig } from 'kafkajs';
import { principalVariableSuffix, type KafkaPrincipal } from '../contracts/principals';
import {
  ConfigError,
  kafkaCredentialVariables,
  type KafkaCredentials,
  type KafkaSettings,
  type SaslMechanism,
} from './config';
import type { KafkaEndpoint } from './endpoints';
import { kafkaLogCreator, kafkaLogLevel, type Logger } from './logger';

/** How one client connects: its id, TLS, and the one principal it authenticates as. */
export interface KafkaClientSettings {
  clientId: string;
  ssl?: KafkaSettings['ssl'];
  sasl?: KafkaCredentials & { mechanism: SaslMechanism };
}

/**
 * How long the broker holds an idle consumer's fetch open (kafkajs's default is 5 s; Kafka's own
 * clients use 500 ms). Stopping a consumer, and leaving its group for a rebalance, waits for the
 * fetch in flight: 5 s per consumer made every restart and deploy that much slower, while data,
 * when there is any, is answered at once either way.
 */
export const consumerFetchMaxWaitMs = 500;

/** A kafkajs client whose logs go through pino, with SSL and SASL when configured. */
export function createKafka(
  brokers: string[],
  settings: KafkaClientSettings,
  log: Logger,
  level: Parameters<typeof kafkaLogLevel>[0] = 'warn',
): Kafka {
  const config: KafkaConfig = {
    clientId: settings.clientId,
    brokers,
    logLevel: kafkaLogLevel(level),
    logCreator: kafkaLogCreator(log),
    connectionTimeout: 10_000,
    retry: { retries: 8, initialRetryTime: 200 },
  };
  if (settings.ssl) config.ssl = settings.ssl.caPath ? { ca: [readFileSync(settings.ssl.caPath, 'utf8')] } : true;
  if (settings.sasl) {
    const { mechanism, username, password } = settings.sasl;
    config.sasl =
      mechanism === 'plain'
        ? { mechanism, username, password }
        : mechanism === 'scram-sha-256'
          ? { mechanism, username, password }
          : { mechanism, username, password };
  }
  return new Kafka(config);
}

/**
 * A client that authenticates as one principal, so the broker's ACLs apply to what this service
 * may do. When the brokers want SASL and the principal has no credentials, it refuses to start,
 * naming the variable to set.
 */
export function kafkaFor(
  endpoint: KafkaEndpoint,
  principal: KafkaPrincipal,
  settings: Pick<KafkaSettings, 'clientId' | 'ssl'>,
  log: Logger,
  level: Parameters<typeof kafkaLogLevel>[0] = 'warn',
): Kafka {
  const clientId = `${settings.clientId}-${principal}`;
  if (!endpoint.sasl) return createKafka(endpoint.brokers, { clientId, ssl: settings.ssl }, log, level);
  const credentials = endpoint.sasl.credentials[principal];
  if (!credentials) {
    const names = kafkaCredentialVariables(principal);
    throw new ConfigError([
      `${names.password}: is required: the ${principal} service connects to Kafka as its own principal (${principalVariableSuffix(principal)}) with ${endpoint.sasl.mechanism}`,
    ]);
  }
  const sasl = { mechanism: endpoint.sasl.mechanism, ...credentials };
  return createKafka(endpoint.brokers, { clientId, ssl: settings.ssl, sasl }, log, level);
}

/**
 * Creates the topics that do not exist yet (existing ones are left as they are) and waits until
 * every partition of them has a leader. A broker that has just created a topic may answer its
 * metadata with "unknown topic" for a moment, which kafkajs's own leader wait does not retry.
 */
export async function ensureTopics(
  admin: Admin,
  topics: string[],
  partitions: number,
  replicationFactor: number,
  timeoutMs = 30_000,
): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((topic) => !existing.has(topic));
  if (missing.length === 0) return [];
  await admin.createTopics({
    waitForLeaders: false,
    topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor })),
  });
  const deadline = Date.now() + timeoutMs;
  for (let wait = 50; ; wait = Math.min(wait * 2, 1_000)) {
    try {
      const { topics: described } = await admin.fetchTopicMetadata({ topics: missing });
      if (
        described.length === missing.length &&
        described.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))
      )
        return missing;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`topics ${missing.join(', ')} have no leader after ${timeoutMs} ms`);
    await setTimeout(wait);
  }
}
