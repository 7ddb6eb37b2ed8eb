import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { allDatabases, platformDatabase } from '../contracts/agencies';
import { allTopicNames } from '../contracts/topics';
import type { Endpoints } from '../platform/endpoints';
import { createKafka, ensureTopics } from '../platform/kafka';
import type { Logger } from '../platform/logger';
import { ensureToolchain } from './cache';
import { startKafkaServer, waitForKafka } from './kafka-server';
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
}

export interface LocalStack {
  endpoints: Endpoints;
  processes: Record<ServerName, StartedProcess>;
  versions: Record<ServerName, string>;
  stop(): Promise<void>;
}

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
  // PostgreSQL may run as another user (when we are root): it must be able to reach its folder.
  chmodSync(dataDir, 0o755);
  const toolchain = await ensureToolchain(options.cacheDir, log);

  const variables = { ...defaultPortVariables, ...options.portVariables };
  const wanted = Object.entries(ports).filter(([name]) => options.ui || name !== 'temporalUi') as [
    keyof typeof ports,
    number,
  ][];
  for (const [name, port] of wanted) await assertPortFree(port, variables[name]);

  const started: Partial<Record<ServerName, StartedProcess>> = {};
  const stopAll = async () => {
    await Promise.all(Object.values(started).map((p) => stopProcess(p.pid)));
  };
  try {
    log.info({ dataDir, persistent: options.persistent }, 'starting local infrastructure');
    started.temporal = startTemporalServer({
      binary: toolchain.temporal,
      dataDir,
      port: ports.temporal,
      uiPort: ports.temporalUi,
      ui: options.ui,
      namespace: options.namespace,
      persistent: options.persistent,
      detached: options.persistent,
      uiCodecEndpoint: options.uiCodecEndpoint,
    });
    started.postgres = await startPostgresServer({
      bin: toolchain.postgresBin,
      dataDir,
      port: ports.postgres,
      detached: options.persistent,
    });
    started.kafka = await startKafkaServer({
      java: toolchain.java,
      libs: toolchain.kafkaLibs,
      dataDir,
      port: ports.kafka,
      controllerPort: ports.kafkaController,
      detached: options.persistent,
    });

    const endpoints: Endpoints = {
      temporal: {
        address: `127.0.0.1:${ports.temporal}`,
        namespace: options.namespace,
        uiUrl: options.ui ? `http://127.0.0.1:${ports.temporalUi}` : undefined,
      },
      kafka: { brokers: [`127.0.0.1:${ports.kafka}`] },
      postgres: { url: localPostgresUrl(ports.postgres, platformDatabase) },
    };
    const [temporalVersion, kafkaVersion, postgresVersion] = await Promise.all([
      waitForTemporal(endpoints.temporal.address, started.temporal, log),
      waitForKafka(endpoints.kafka.brokers, started.kafka, log),
      waitForPostgres(localPostgresUrl(ports.postgres, 'postgres'), started.postgres, log),
    ]);
    const provisioned = await provision(endpoints, options.partitions, log, {
      appPassword: localAppPassword(dataDir),
    });
    const processes = started as Record<ServerName, StartedProcess>;
    return {
      endpoints: provisioned,
      processes,
      versions: { temporal: temporalVersion, kafka: kafkaVersion, postgres: postgresVersion },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/**
 * Registers search attributes, creates topics and databases, and the services' database role
 * (`appPassword`; random when not given): idempotent, also for external clusters we own. Returns
 * the endpoints the services use: PostgreSQL as that role, the administrator's URL aside.
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
  const admin = createKafka(endpoints.kafka.brokers, { clientId: 'lienthong-infra' }, log).admin();
  await admin.connect();
  try {
    const topics = await ensureTopics(admin, allTopicNames(), partitions, options.replicationFactor ?? 1);
    log.info(
      {
        searchAttributesAdded: attributes,
        databasesCreated: databases,
        topicsCreated: topics,
        retentionDays: closedHistoryRetentionDays,
        retentionSet,
      },
      'infrastructure provisioned',
    );
  } finally {
    await admin.disconnect();
  }
  return { ...endpoints, postgres: { url: appUrl, adminUrl } };
}
