import type { Config } from '../platform/config';
import { withoutPassword, type Endpoints } from '../platform/endpoints';
import type { Logger } from '../platform/logger';
import { startContainerStack } from './containers';
import { kafkaVersion } from './kafka-server';
import { localPostgresUrl, postgresVersion } from './postgres-server';
import { platformDatabase } from '../contracts/agencies';
import { InfraError, isAlive, stopProcess } from './process';
import { resolveMode, testcontainersProbe, type EngineProbe, type ResolvedMode } from './select';
import { provision, startLocalStack, type ServerName } from './stack';
import { readState, removeState, writeState, type ServerRecord } from './state';
import { temporalVersion } from './temporal-server';

export interface Infrastructure {
  mode: ResolvedMode;
  endpoints: Endpoints;
  /** True when this process started the servers and must stop them. */
  owned: boolean;
  /** The servers this call started (the others were already running). */
  started?: ServerName[];
  stop(): Promise<void>;
}

export type ServerStatus =
  | { server: ServerName; up: true; address: string; version: string }
  | { server: ServerName; up: false; address: string; error: string };

/** Asks each server for its version; never throws. */
export async function probeServers(endpoints: Endpoints): Promise<ServerStatus[]> {
  const probes: [ServerName, string, () => Promise<string>][] = [
    ['temporal', endpoints.temporal.address, () => temporalVersion(endpoints.temporal.address)],
    ['kafka', endpoints.kafka.brokers.join(','), () => kafkaVersion(endpoints.kafka)],
    ['postgres', withoutPassword(endpoints.postgres.url), () => postgresVersion(endpoints.postgres.url)],
  ];
  return Promise.all(
    probes.map(async ([server, address, probe]): Promise<ServerStatus> => {
      try {
        return { server, up: true, address, version: await probe() };
      } catch (err) {
        return { server, up: false, address, error: (err as Error).message };
      }
    }),
  );
}

export function externalEndpoints(config: Config): Endpoints {
  // loadConfig guarantees all three in external mode.
  return {
    temporal: { address: config.temporal.address ?? '', namespace: config.temporal.namespace },
    kafka: { brokers: config.kafka.brokers ?? [], sasl: config.kafka.sasl },
    postgres: { url: config.database.url ?? '' },
  };
}

/** Who asks for the servers: `infra:up` leaves them running; an `npm start` stops what it owns on Ctrl-C. */
export type Starter = 'infra:up' | 'npm start';

/**
 * Provides the three servers for a long-running process (npm start, infra:up). Local mode looks at
 * what the last start recorded in DATA_DIR: a server alive and answering is kept as it is; one that
 * is gone is started again alone (its ports are checked, naming the server); one alive but not
 * answering stops the start with a message saying how to restart it. Servers recorded for an
 * `npm start` that is no longer alive (it crashed) are adopted by this one, which says so and stops
 * them on Ctrl-C; servers `infra:up` started stay until `infra:down`.
 */
export async function bringUp(
  config: Config,
  log: Logger,
  probe: EngineProbe = testcontainersProbe,
  by: Starter = 'npm start',
): Promise<Infrastructure> {
  const mode = await resolveMode(config.mode, probe);
  if (mode === 'external') {
    const endpoints = externalEndpoints(config);
    const statuses = await probeServers(endpoints);
    const down = statuses.filter((s) => !s.up);
    if (down.length > 0) {
      throw new Error(
        `external servers do not answer: ${down.map((s) => `${s.server} at ${s.address} (${s.up ? '' : s.error})`).join('; ')}`,
      );
    }
    return { mode, endpoints, owned: false, stop: async () => undefined };
  }
  if (mode === 'containers') {
    const stack = await startContainerStack(config.temporal.namespace, log);
    const endpoints = await provision(stack.endpoints, config.kafka.partitions, log);
    // Testcontainers' broker runs without authentication: the services connect without a principal.
    return { mode, endpoints, owned: true, stop: stack.stop };
  }

  const keep = await runningServers(config, log, by);
  const processes: Partial<Record<ServerName, ServerRecord>> = { ...keep };
  const save = (endpoints: Endpoints, versions: Partial<Record<ServerName, string>> = {}) =>
    writeState(config.dataDir, {
      startedAt: new Date().toISOString(),
      endpoints,
      processes: processes as Record<ServerName, ServerRecord>,
      versions: versions as Record<ServerName, string>,
    });
  const previous = readState(config.dataDir);
  const stack = await startLocalStack({
    cacheDir: config.cacheDir,
    dataDir: config.dataDir,
    persistent: true,
    ports: {
      temporal: config.temporal.port,
      temporalUi: config.temporal.uiPort,
      kafka: config.kafka.port,
      kafkaController: config.kafka.controllerPort,
      postgres: config.database.port,
    },
    ui: config.temporal.ui,
    uiCodecEndpoint: `http://${config.api.host}:${config.api.port}/codec`,
    namespace: config.temporal.namespace,
    partitions: config.kafka.partitions,
    log,
    keep,
    // Recorded as soon as each starts, so a crash while the others come up leaves no unknown orphan.
    onStarted: (server, started) => {
      processes[server] = { ...started, startedBy: by, ownerPid: process.pid };
      save(previous?.endpoints ?? provisionalEndpoints(config), previous?.versions);
    },
  });
  save(stack.endpoints, stack.versions);
  const mine = (recorded: Partial<Record<ServerName, ServerRecord>>) =>
    (Object.entries(recorded) as [ServerName, ServerRecord][]).filter(
      ([, p]) => p.startedBy === 'npm start' && p.ownerPid === process.pid,
    );
  const owned = by === 'npm start' && mine(processes).length > 0;
  if (stack.startedNow.length > 0 && Object.keys(keep).length > 0)
    log.info({ started: stack.startedNow, kept: Object.keys(keep) }, 'started the servers that were down');
  return {
    mode,
    endpoints: stack.endpoints,
    owned,
    started: stack.startedNow,
    stop: async () => {
      // Only what this process owns, as recorded now (a server restarted meanwhile has a new PID):
      // servers infra:up started, or another live npm start uses, stay.
      const current = readState(config.dataDir);
      const recorded = current?.processes ?? processes;
      const servers = mine(recorded);
      await Promise.all(servers.map(([, p]) => stopProcess(p.pid)));
      const left = Object.fromEntries(
        (Object.entries(recorded) as [ServerName, ServerRecord][]).filter(
          ([server]) => !servers.some(([s]) => s === server),
        ),
      );
      if (Object.keys(left).length === 0) removeState(config.dataDir);
      else
        writeState(config.dataDir, {
          ...(current ?? { startedAt: new Date().toISOString(), endpoints: stack.endpoints, versions: stack.versions }),
          processes: left as Record<ServerName, ServerRecord>,
        });
    },
  };
}

/** Where the servers will answer, recorded before they do (without the Kafka credentials). */
function provisionalEndpoints(config: Config): Endpoints {
  return {
    temporal: { address: `127.0.0.1:${config.temporal.port}`, namespace: config.temporal.namespace },
    kafka: { brokers: [`127.0.0.1:${config.kafka.port}`] },
    postgres: { url: localPostgresUrl(config.database.port, platformDatabase) },
  };
}

/**
 * The servers of the last start that are alive and answer, to keep; the ones of a crashed
 * `npm start` are adopted by this process. A server alive but not answering stops the start.
 */
async function runningServers(
  config: Config,
  log: Logger,
  by: Starter,
): Promise<Partial<Record<ServerName, ServerRecord>>> {
  const previous = readState(config.dataDir);
  if (!previous) return {};
  const statuses = await probeServers(previous.endpoints);
  const keep: Partial<Record<ServerName, ServerRecord>> = {};
  for (const status of statuses) {
    const record = previous.processes[status.server];
    if (!record || !isAlive(record.pid)) {
      if (record)
        log.warn({ server: status.server, serverPid: record.pid }, 'server recorded as running is gone; starting it');
      continue;
    }
    if (!status.up)
      throw new InfraError(
        `${status.server} (pid ${record.pid}) is running but does not answer at ${status.address}: ${status.error}. ` +
          `Restart it with npm run infra:restart -- ${status.server}, or stop it with kill ${record.pid}`,
      );
    const orphaned = record.startedBy === 'npm start' && record.ownerPid !== undefined && !isAlive(record.ownerPid);
    if (orphaned && by === 'npm start') {
      log.warn(
        { server: status.server, serverPid: record.pid, crashedOwnerPid: record.ownerPid },
        'adopting a server left running by an npm start that did not stop; this process stops it on Ctrl-C',
      );
      keep[status.server] = { ...record, ownerPid: process.pid };
    } else {
      log.info(
        { server: status.server, serverPid: record.pid, startedBy: record.startedBy ?? 'infra:up' },
        'reusing a running server',
      );
      keep[status.server] = record;
    }
  }
  return keep;
}

/**
 * Endpoints for a service process started on its own: the configured cluster in external mode,
 * else the local servers that `npm run infra:up` (or `npm start`) recorded.
 */
export function runningEndpoints(config: Config): Endpoints {
  if (config.mode === 'external') return externalEndpoints(config);
  const state = readState(config.dataDir);
  if (!state || !Object.values(state.processes).every((p) => isAlive(p.pid))) {
    throw new InfraError(
      `no local infrastructure is running for DATA_DIR=${config.dataDir}: start it with npm run infra:up (or run everything with npm start)`,
    );
  }
  return state.endpoints;
}
