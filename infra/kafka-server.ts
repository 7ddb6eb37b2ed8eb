import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import type { KafkaEndpoint } from '../platform/endpoints';
import type { Logger } from '../platform/logger';
import { credentialsFile, passwordFingerprint, type LocalKafkaCredentials } from './kafka-credentials';
import { InfraError, startProcess, waitUntilReady, type StartedProcess } from './process';
import { versions } from './versions';

const run = promisify(execFile);

export interface KafkaServerOptions {
  java: string;
  libs: string;
  dataDir: string;
  port: number;
  controllerPort: number;
  credentials: LocalKafkaCredentials;
  log: Logger;
  detached?: boolean;
}

/** What the storage was formatted with: each SCRAM user's password fingerprint. Absent = before SCRAM. */
interface ScramMarker {
  mechanism: 'SCRAM-SHA-512';
  users: Record<string, string>;
}

const kafkaHome = (dataDir: string) => resolve(dataDir, 'kafka');
const markerFile = (home: string) => join(home, 'scram-users.json');
const jvmFor = (options: Pick<KafkaServerOptions, 'libs'>, home: string) => [
  '-Xms256m',
  '-Xmx512m',
  '-Djava.awt.headless=true',
  `-Dlog4j.configuration=file:${join(home, 'log4j.properties')}`,
  '-cp',
  `${options.libs}/*`,
];

/**
 * Writes the KRaft configuration (SASL/SCRAM on the broker listener, PLAIN on the controller's,
 * the StandardAuthorizer), formats storage once with every principal's SCRAM credentials, and
 * starts a combined broker+controller. Storage formatted by an earlier version without SCRAM, or
 * for an admin password that is no longer the one under DATA_DIR, is rebuilt, saying so.
 */
export async function startKafkaServer(options: KafkaServerOptions): Promise<StartedProcess> {
  const home = kafkaHome(options.dataDir);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  chmodSync(home, 0o700);
  // It holds the controller's and the admin's passwords (JAAS): owner only.
  const properties = join(home, 'server.properties');
  writeFileSync(properties, serverProperties(home, options), { mode: 0o600 });
  chmodSync(properties, 0o600);
  writeFileSync(join(home, 'log4j.properties'), log4jProperties);
  rebuildOutdatedStorage(home, options);
  const clusterIdFile = join(home, 'cluster-id');
  if (!existsSync(clusterIdFile)) writeFileSync(clusterIdFile, newClusterId());
  const jvm = jvmFor(options, home);
  if (!existsSync(join(home, 'logs', 'meta.properties'))) {
    const users = options.credentials.sasl.credentials;
    // Through a java argument file, so no password shows in the process list.
    const argsFile = join(home, 'format.args');
    writeFileSync(
      argsFile,
      [
        'kafka.tools.StorageTool',
        'format',
        `--cluster-id=${readFileSync(clusterIdFile, 'utf8').trim()}`,
        '-c',
        properties,
        ...Object.values(users).flatMap(({ username, password }) => [
          '--add-scram',
          `SCRAM-SHA-512=[name=${username},password=${password}]`,
        ]),
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    try {
      await run(options.java, [...jvm, `@${argsFile}`]);
    } catch (err) {
      throw new InfraError(
        `formatting Kafka storage in ${home} failed: ${(err as { stderr?: string }).stderr ?? (err as Error).message}`,
      );
    } finally {
      rmSync(argsFile, { force: true });
    }
    writeMarker(home, Object.values(users));
  }
  return startProcess(options.java, [...jvm, 'kafka.Kafka', properties], join(options.dataDir, 'kafka.log'), {
    detached: options.detached,
  });
}

function readMarker(home: string): ScramMarker | undefined {
  try {
    return JSON.parse(readFileSync(markerFile(home), 'utf8')) as ScramMarker;
  } catch {
    return undefined;
  }
}

function writeMarker(home: string, users: { username: string; password: string }[]): void {
  const marker: ScramMarker = {
    mechanism: 'SCRAM-SHA-512',
    users: Object.fromEntries(users.map(({ username, password }) => [username, passwordFingerprint(password)])),
  };
  writeFileSync(markerFile(home), `${JSON.stringify(marker, null, 2)}\n`, { mode: 0o600 });
}

/**
 * The admin must log in to create the other users, topics and ACLs, and only formatting can
 * create it: storage without it (an earlier version's, or formatted for another admin password)
 * is removed so that it is formatted again. Only Kafka's data goes; Temporal and PostgreSQL keep theirs.
 */
function rebuildOutdatedStorage(home: string, options: KafkaServerOptions): void {
  const logs = join(home, 'logs');
  if (!existsSync(join(logs, 'meta.properties'))) return;
  const marker = readMarker(home);
  const admin = options.credentials.sasl.credentials.admin;
  const reason = !marker
    ? 'it was formatted by an earlier Lienthong without SASL/SCRAM users'
    : marker.users[admin.username] !== passwordFingerprint(admin.password)
      ? `its admin password is not the one in ${credentialsFile(options.dataDir)} (was that file removed?)`
      : undefined;
  if (!reason) return;
  options.log.warn(
    { kafkaData: logs, reason },
    'Kafka data is rebuilt empty with authentication on: topics are created again, messages still in Kafka are dropped; Temporal workflows and agency databases are kept',
  );
  rmSync(logs, { recursive: true, force: true });
  rmSync(join(home, 'cluster-id'), { force: true });
  rmSync(markerFile(home), { force: true });
}

/**
 * Creates (or updates) the SCRAM users of principals added or changed since the storage was
 * formatted, with Kafka's own `kafka-configs` tool logged in as the admin: kafkajs cannot.
 */
export async function ensureScramUsers(options: KafkaServerOptions): Promise<string[]> {
  const home = kafkaHome(options.dataDir);
  const marker = readMarker(home) ?? { mechanism: 'SCRAM-SHA-512', users: {} };
  const users = Object.values(options.credentials.sasl.credentials);
  const changed = users.filter(({ username, password }) => marker.users[username] !== passwordFingerprint(password));
  if (changed.length === 0) return [];
  const admin = options.credentials.sasl.credentials.admin;
  const commandConfig = join(home, 'admin-client.properties');
  const addConfig = join(home, 'scram-user.properties');
  writeFileSync(commandConfig, clientProperties(admin), { mode: 0o600 });
  try {
    for (const { username, password } of changed) {
      writeFileSync(addConfig, `SCRAM-SHA-512=iterations=4096,password=${password}\n`, { mode: 0o600 });
      try {
        await run(options.java, [
          ...jvmFor(options, home),
          'kafka.admin.ConfigCommand',
          '--bootstrap-server',
          `127.0.0.1:${options.port}`,
          '--command-config',
          commandConfig,
          '--alter',
          '--entity-type',
          'users',
          '--entity-name',
          username,
          '--add-config-file',
          addConfig,
        ]);
      } catch (err) {
        throw new InfraError(
          `creating the Kafka user ${username} failed: ${(err as { stderr?: string }).stderr ?? (err as Error).message}`,
        );
      }
    }
  } finally {
    rmSync(commandConfig, { force: true });
    rmSync(addConfig, { force: true });
  }
  writeMarker(home, users);
  options.log.info({ users: changed.map((user) => user.username) }, 'Kafka users created');
  return changed.map((user) => user.username);
}

function clientProperties(admin: { username: string; password: string }): string {
  return [
    'security.protocol=SASL_PLAINTEXT',
    'sasl.mechanism=SCRAM-SHA-512',
    `sasl.jaas.config=${scramLogin(admin)}`,
    '',
  ].join('\n');
}

const scramLogin = ({ username, password }: { username: string; password: string }) =>
  `org.apache.kafka.common.security.scram.ScramLoginModule required username="${username}" password="${password}";`;

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

/** Asks the brokers for their metadata, logged in as the admin when there is one, else as any principal configured. */
export async function kafkaVersion(endpoint: KafkaEndpoint): Promise<string> {
  const credentials = endpoint.sasl?.credentials;
  const login = credentials?.admin ?? Object.values(credentials ?? {})[0];
  if (endpoint.sasl && !login) throw new Error('no Kafka credentials are configured to log in with');
  const admin = new Kafka({
    clientId: 'lienthong-infra',
    brokers: endpoint.brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    retry: { retries: 0 },
    ...(endpoint.sasl && login ? { sasl: { mechanism: endpoint.sasl.mechanism, ...login } } : {}),
  } as KafkaConfig).admin();
  await admin.connect();
  try {
    await admin.describeCluster();
    return versions.kafka;
  } finally {
    await admin.disconnect();
  }
}

export async function waitForKafka(
  endpoint: KafkaEndpoint,
  started: StartedProcess | undefined,
  log: Logger,
): Promise<string> {
  let version = '';
  await waitUntilReady('Kafka broker', async () => (version = await kafkaVersion(endpoint)), {
    pid: started?.pid,
    logFile: started?.logFile,
    onWait: (ms) => log.info({ server: 'kafka', seconds: Math.round(ms / 1000) }, 'waiting for server'),
  });
  return version;
}

/**
 * Clients log in with SCRAM on the broker listener. SCRAM cannot guard the KRaft controller
 * listener (its users live in the metadata the controller serves), so that one takes PLAIN with a
 * password from this file, and its principal, like the admin, is a super user. Everything else
 * needs an ACL: the StandardAuthorizer denies what no ACL allows.
 */
function serverProperties(home: string, o: KafkaServerOptions): string {
  const { admin } = o.credentials.sasl.credentials;
  const controller = o.credentials.controller;
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${o.controllerPort}`,
    `listeners=BROKER://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}`,
    `advertised.listeners=BROKER://127.0.0.1:${o.port}`,
    'listener.security.protocol.map=BROKER:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=BROKER',
    'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512',
    'sasl.mechanism.controller.protocol=PLAIN',
    'listener.name.broker.sasl.enabled.mechanisms=SCRAM-SHA-512',
    'listener.name.controller.sasl.enabled.mechanisms=PLAIN',
    `listener.name.broker.scram-sha-512.sasl.jaas.config=${scramLogin(admin)}`,
    `listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${controller.username}" password="${controller.password}" user_${controller.username}="${controller.password}";`,
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    `super.users=User:${admin.username};User:${controller.username}`,
    'allow.everyone.if.no.acl.found=false',
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
