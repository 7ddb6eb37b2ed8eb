import type { Config } from '../platform/config';
import { withoutPassword, type Endpoints } from '../platform/endpoints';
import type { Logger } from '../platform/logger';
import { startContainerStack } from './containers';
import { kafkaVersion } from './kafka-server';
import { postgresVersion } from './postgres-server';
import { localAppPassword } from './postgres-roles';
import { InfraError, isAlive } from './process';
import { resolveMode, testcontainersProbe, type EngineProbe, type ResolvedMode } from './select';
import { provision, startLocalStack, type ServerName } from './stack';
import { readState, removeState, writeState } from './state';
import { temporalVersion } from './temporal-server';

export interface Infrastructure {
  mode: ResolvedMode;
  endpoints: Endpoints;
  /** True when this process started the servers and must stop them. */
  owned: boolean;
  stop(): Promise<void>;
}

export type ServerStatus =
  | { server: ServerName; up: true; address: string; version: string }
  | { server: ServerName; up: false; address: string; error: string };

/** Asks each server for its version; never throws. */
export async function probeServers(endpoints: Endpoints): Promise<ServerStatus[]> {
  const probes: [ServerName, string, () => Promise<string>][] = [
    ['temporal', endpoints.temporal.address, () => temporalVersion(endpoints.temporal.address)],
    ['kafka', endpoints.kafka.brokers.join(','), () => kafkaVersion(endpoints.kafka.brokers)],
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
    kafka: { brokers: config.kafka.brokers ?? [] },
    postgres: { url: config.database.url ?? '' },
  };
}

/**
 * Provides the three servers for a long-running process (npm start, infra:up). Local mode reuses
 * servers a previous `infra:up` left running, else starts them with persistent data in DATA_DIR.
 */
export async function bringUp(
  config: Config,
  log: Logger,
  probe: EngineProbe = testcontainersProbe,
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
    return { mode, endpoints, owned: true, stop: stack.stop };
  }

  const previous = readState(config.dataDir);
  if (previous && Object.values(previous.processes).every((p) => isAlive(p.pid))) {
    const statuses = await probeServers(previous.endpoints);
    if (statuses.every((s) => s.up)) {
      log.info({ startedAt: previous.startedAt }, 'reusing local infrastructure started by infra:up');
      if (!previous.endpoints.postgres.adminUrl) {
        // Started by a version whose services connected as the administrator: give them their own role.
        previous.endpoints = await provision(previous.endpoints, config.kafka.partitions, log, {
          appPassword: localAppPassword(config.dataDir),
        });
        writeState(config.dataDir, previous);
      }
      return { mode, endpoints: previous.endpoints, owned: false, stop: async () => undefined };
    }
  }
  if (previous) removeState(config.dataDir);
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
  });
  writeState(config.dataDir, {
    startedAt: new Date().toISOString(),
    endpoints: stack.endpoints,
    processes: stack.processes,
    versions: stack.versions,
  });
  return {
    mode,
    endpoints: stack.endpoints,
    owned: true,
    stop: async () => {
      await stack.stop();
      removeState(config.dataDir);
    },
  };
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
