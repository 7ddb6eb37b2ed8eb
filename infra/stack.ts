import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { allDatabases, platformDatabase } from '../contracts/agencies';
import type { Endpoints } from '../platform/endpoints';
import { provisionKafka } from '../platform/kafka-admin';
import type { Logger } from '../platform/logger';
import { ensureToolchain } from './cache';
import { localKafkaCredentials } from './kafka-credentials';
import { ensureScramUsers, startKafkaServer, waitForKafka, type KafkaServerOptions } from './kafka-server';
import { ensureDatabases, localPostgresUrl, startPostgresServer, waitForPostgres } from './postgres-server';
import { appUrlFor, localAppPassword, provisionRoles } from './postgres-roles';
import { assertPortFree, stopProcess, type StartedProcess } from './process';
import {
  closedHistoryRetentionDays,
  registerSearchAttributes,
  setRetention,
  startTemporalServer,
  waitForTemporal,
} from './temporal-server';

export type ServerName = 'temporal' | 'kafka' | 'postgres';

export interface LocalStackOptions {
  cacheDir: string;
  dataDir: string;
  persistent: boolean;
  ports: { temporal: number; temporalUi: number; kafka: number; kafkaController: number; postgres: number };
  /** The variable that sets each port, named in a "port in use" error. */
  portVariables?: Partial<Record<keyof LocalStackOptions['ports'], string>>;
  ui: boolean;
  /** Where the Web UI finds the api's codec endpoint (npm start). */
  uiCodecEndpoint?: string;
  namespace: string;
  partitions: number;
  log: Logger;
  /** Servers already running (found alive and answering): left as they are, not started again. */
  keep?: Partial<Record<ServerName, StartedProcess>>;
  /** Told of each server as soon as it is started, before it answers (so a crash leaves a record of it). */
  onStarted?: (server: ServerName, process: StartedProcess) => void;
}

export interface LocalStack {
  endpoints: Endpoints;
  processes: Record<ServerName, StartedProcess>;
  versions: Record<ServerName, string>;
  /** The servers this call started (the others were kept). */
  startedNow: ServerName[];
  /** Stops the servers this call started. */
  stop(): Promise<void>;
}

/** The ports each server listens on. */
const serverPorts: Record<ServerName, (keyof LocalStackOptions['ports'])[]> = {
  temporal: ['temporal', 'temporalUi'],
  kafka: ['kafka', 'kafkaController'],
  postgres: ['postgres'],
};

const defaultPortVariables = {
  temporal: 'TEMPORAL_PORT',
  temporalUi: 'TEMPORAL_UI_PORT',
  kafka: 'KAFKA_PORT',
  kafkaController: 'KAFKA_CONTROLLER_PORT',
  postgres: 'POSTGRES_PORT',
};

/**
 * Fetches (once) and starts Temporal, Kafka and PostgreSQL as local processes, waits until each
 * answers, then registers search attributes, creates topics and databases. On any failure the
 * servers already started are stopped again.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { log, ports } = options;
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  // Owner only; when we are root PostgreSQL runs as another user and must pass through to its own
  // folder, so others may traverse (0711) but not list it, and every file in it is 0600 (processes
  // start with umask 077; files of earlier versions are tightened here).
  chmodSync(dataDir, userInfo().uid === 0 ? 0o711 : 0o700);
  tightenDataFiles(dataDir);
  const toolchain = await ensureToolchain(options.cacheDir, log);

  const variables = { ...defaultPortVariables, ...options.portVariables };
  const keep = options.keep ?? {};
  const toStart = (['temporal', 'kafka', 'postgres'] as const).filter((server) => !keep[server]);
  // Only the ports of the servers to start: a kept server holds its own.
  for (const server of toStart)
    for (const name of serverPorts[server])
      if (options.ui || name !== 'temporalUi') await assertPortFree(ports[name], variables[name], server);

  const started: Partial<Record<ServerName, StartedProcess>> = {};
  const record = (server: ServerName, process: StartedProcess) => {
    started[server] = process;
    options.onStarted?.(server, process);
    return process;
  };
  const stopAll = async () => {
    await Promise.all(Object.values(started).map((p) => stopProcess(p.pid)));
  };
  try {
    log.info(
      { dataDir, persistent: options.persistent, starting: toStart, kept: Object.keys(keep) },
      'starting local infrastructure',
    );
    if (!keep.temporal)
      record(
        'temporal',
        startTemporalServer({
          binary: toolchain.temporal,
          dataDir,
          port: ports.temporal,
          uiPort: ports.temporalUi,
          ui: options.ui,
          namespace: options.namespace,
          persistent: options.persistent,
          detached: options.persistent,
          uiCodecEndpoint: options.uiCodecEndpoint,
        }),
      );
    if (!keep.postgres)
      record(
        'postgres',
        await startPostgresServer({
          bin: toolchain.postgresBin,
          dataDir,
          port: ports.postgres,
          detached: options.persistent,
        }),
      );
    const kafkaCredentials = localKafkaCredentials(dataDir);
    const kafkaOptions: KafkaServerOptions = {
      java: toolchain.java,
      libs: toolchain.kafkaLibs,
      dataDir,
      port: ports.kafka,
      controllerPort: ports.kafkaController,
      credentials: kafkaCredentials,
      log,
      detached: options.persistent,
    };
    if (!keep.kafka) record('kafka', await startKafkaServer(kafkaOptions));
    const processes = { ...keep, ...started } as Record<ServerName, StartedProcess>;

    const endpoints: Endpoints = {
      temporal: {
        address: `127.0.0.1:${ports.temporal}`,
        namespace: options.namespace,
        uiUrl: options.ui ? `http://127.0.0.1:${ports.temporalUi}` : undefined,
      },
      kafka: { brokers: [`127.0.0.1:${ports.kafka}`], sasl: kafkaCredentials.sasl },
      postgres: { url: localPostgresUrl(ports.postgres, platformDatabase) },
    };
    const [temporalVersion, kafkaVersion, postgresVersion] = await Promise.all([
      waitForTemporal(endpoints.temporal.address, processes.temporal, log),
      waitForKafka(endpoints.kafka, processes.kafka, log).then(async (version) => {
        await ensureScramUsers(kafkaOptions);
        return version;
      }),
      waitForPostgres(localPostgresUrl(ports.postgres, 'postgres'), processes.postgres, log),
    ]);
    const provisioned = await provision(endpoints, options.partitions, log, {
      appPassword: localAppPassword(dataDir),
    });
    return {
      endpoints: provisioned,
      processes,
      versions: { temporal: temporalVersion, kafka: kafkaVersion, postgres: postgresVersion },
      startedNow: toStart,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/**
 * Registers search attributes, creates topics, their ACLs and databases, and the services' database
 * role (`appPassword`; random when not given): idempotent, also for external clusters we own.
 * Returns the endpoints the services use: PostgreSQL as that role, the administrator's URL aside.
 */
export async function provision(
  endpoints: Endpoints,
  partitions: number,
  log: Logger,
  options: { appPassword?: string; replicationFactor?: number } = {},
): Promise<Endpoints> {
  const adminUrl = endpoints.postgres.adminUrl ?? endpoints.postgres.url;
  const serverUrl = new URL(adminUrl);
  serverUrl.pathname = '/postgres';
  const [attributes, databases, retentionSet] = await Promise.all([
    registerSearchAttributes(endpoints.temporal.address, endpoints.temporal.namespace),
    ensureDatabases(serverUrl.toString(), allDatabases),
    setRetention(endpoints.temporal.address, endpoints.temporal.namespace, closedHistoryRetentionDays),
  ]);
  const appUrl = appUrlFor(adminUrl, options.appPassword ?? randomBytes(24).toString('base64url'));
  await provisionRoles(adminUrl, appUrl, allDatabases, log);
  const kafka = await provisionKafka(
    endpoints.kafka,
    { clientId: 'lienthong-infra', partitions, replicationFactor: options.replicationFactor ?? 1 },
    log,
  );
  log.info(
    {
      searchAttributesAdded: attributes,
      databasesCreated: databases,
      ...kafka,
      retentionDays: closedHistoryRetentionDays,
      retentionSet,
    },
    'infrastructure provisioned',
  );
  return { ...endpoints, postgres: { url: appUrl, adminUrl } };
}

/**
 * Removes the group and other bits from what earlier versions left in the data folder (infra.json
 * with the database password, Temporal's database, logs, Kafka's segments): the folder itself may
 * be traversable, so each entry must be private. PostgreSQL's own folder is 0700 already.
 */
export function tightenDataFiles(dataDir: string): void {
  for (const name of readdirSync(dataDir)) {
    const path = join(dataDir, name);
    if (!existsSync(path)) continue;
    const stat = statSync(path);
    if ((stat.mode & 0o077) !== 0) chmodSync(path, stat.isDirectory() ? 0o700 : 0o600);
  }
}
