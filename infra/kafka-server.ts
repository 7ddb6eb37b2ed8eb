import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import type { Logger } from '../platform/logger';
import { InfraError, startProcess, waitUntilReady, type StartedProcess } from './process';
import { versions } from './versions';

const run = promisify(execFile);

export interface KafkaServerOptions {
  java: string;
  libs: string;
  dataDir: string;
  port: number;
  controllerPort: number;
  detached?: boolean;
}

/** Writes the KRaft configuration, formats storage once, and starts a combined broker+controller. */
export async function startKafkaServer(options: KafkaServerOptions): Promise<StartedProcess> {
  const home = resolve(options.dataDir, 'kafka');
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const properties = join(home, 'server.properties');
  writeFileSync(properties, serverProperties(home, options));
  const log4j = join(home, 'log4j.properties');
  writeFileSync(log4j, log4jProperties);
  const clusterIdFile = join(home, 'cluster-id');
  if (!existsSync(clusterIdFile)) writeFileSync(clusterIdFile, newClusterId());
  const classpath = `${options.libs}/*`;
  const jvm = [
    '-Xms256m',
    '-Xmx512m',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${log4j}`,
    '-cp',
    classpath,
  ];
  try {
    await run(options.java, [
      ...jvm,
      'kafka.tools.StorageTool',
      'format',
      `--cluster-id=${readFileSync(clusterIdFile, 'utf8').trim()}`,
      '-c',
      properties,
      '--ignore-formatted',
    ]);
  } catch (err) {
    throw new InfraError(
      `formatting Kafka storage in ${home} failed: ${(err as { stderr?: string }).stderr ?? (err as Error).message}`,
    );
  }
  return startProcess(options.java, [...jvm, 'kafka.Kafka', properties], join(options.dataDir, 'kafka.log'), {
    detached: options.detached,
  });
}

/**
 * A KRaft cluster id: 16 random bytes in base64url, like Kafka's own Uuid. Like Kafka, never one
 * that starts with '-', which the storage tool would read as an option (1 start in 64 failed so).
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export async function kafkaVersion(brokers: string[]): Promise<string> {
  const admin = new Kafka({
    clientId: 'lienthong-infra',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    retry: { retries: 0 },
  }).admin();
  await admin.connect();
  try {
    await admin.describeCluster();
    return versions.kafka;
  } finally {
    await admin.disconnect();
  }
}

export async function waitForKafka(
  brokers: string[],
  started: StartedProcess | undefined,
  log: Logger,
): Promise<string> {
  let version = '';
  await waitUntilReady('Kafka broker', async () => (version = await kafkaVersion(brokers)), {
    pid: started?.pid,
    logFile: started?.logFile,
    onWait: (ms) => log.info({ server: 'kafka', seconds: Math.round(ms / 1000) }, 'waiting for server'),
  });
  return version;
}

function serverProperties(home: string, o: KafkaServerOptions): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${o.controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${o.port}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${join(home, 'logs')}`,
    'num.partitions=3',
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'min.insync.replicas=1',
    // One partition each: the default 50 makes the first consumer-group join slow on 2 cores.
    'offsets.topic.num.partitions=1',
    'transaction.state.log.num.partitions=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    'log.retention.hours=168',
    '',
  ].join('\n');
}

const log4jProperties = [
  'log4j.rootLogger=WARN, stdout',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
  'log4j.logger.kafka.server.KafkaRaftServer=INFO',
  '',
].join('\n');
