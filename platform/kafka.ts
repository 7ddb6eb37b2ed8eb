import { readFileSync } from 'node:fs';
import { Kafka, type Admin, type KafkaConfig } from 'kafkajs';
import type { KafkaSettings } from './config';
import { kafkaLogCreator, kafkaLogLevel, type Logger } from './logger';

/** A kafkajs client whose logs go through pino, with SSL and SASL when configured. */
export function createKafka(brokers: string[], settings: Pick<KafkaSettings, 'clientId' | 'ssl' | 'sasl'>, log: Logger, level: Parameters<typeof kafkaLogLevel>[0] = 'warn'): Kafka {
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
    config.sasl = mechanism === 'plain' ? { mechanism, username, password } : mechanism === 'scram-sha-256' ? { mechanism, username, password } : { mechanism, username, password };
  }
  return new Kafka(config);
}

/** Creates the topics that do not exist yet; existing topics are left as they are. */
export async function ensureTopics(admin: Admin, topics: string[], partitions: number, replicationFactor: number): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((topic) => !existing.has(topic));
  if (missing.length === 0) return [];
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor })),
  });
  return missing;
}
