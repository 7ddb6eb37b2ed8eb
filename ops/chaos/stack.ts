import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePortRun, freeServerPorts } from '../../infra/process';
import type { Logger } from '../../platform/logger';
import type { ChaosApi } from './api';
import type { ServiceSpec, Supervisor } from './processes';

const run = promisify(execFile);

/** Every service as its own process, as in production; the registry first (agencies and the api reach it over HTTP). */
export const services: readonly ServiceSpec[] = [
  { name: 'registry', entry: 'workers/registry.ts' },
  { name: 'agency-civil-status', entry: 'workers/agency.ts', args: ['--agency', 'civil-status'] },
  { name: 'agency-residence', entry: 'workers/agency.ts', args: ['--agency', 'residence'] },
  { name: 'agency-social-insurance', entry: 'workers/agency.ts', args: ['--agency', 'social-insurance'] },
  { name: 'orchestrator', entry: 'workers/orchestrator.ts' },
  { name: 'bridge', entry: 'workers/event-bridge.ts' },
  { name: 'api', entry: 'workers/api.ts' },
];

/**
 * The environment of a throw-away stack in `dataDir`: local servers on free ports, the api, the
 * three back offices (BACK_OFFICE_BASE_PORT + 0, 1, 2) and the registry on a run of free ports,
 * development logins on, JSON logs; `extra` adds or overrides (policies, clock, rate limit).
 */
export async function throwAwayStackEnv(
  root: string,
  dataDir: string,
  extra: NodeJS.ProcessEnv,
): Promise<{ env: NodeJS.ProcessEnv; apiUrl: string }> {
  const ports = await freeServerPorts();
  const first = await freePortRun(5);
  const [api, backOffice, registry] = [first, first + 1, first + 4];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    INFRA_MODE: 'local',
    INFRA_CACHE_DIR: resolve(process.env.INFRA_CACHE_DIR ?? join(root, '.infra')),
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    TEMPORAL_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.temporalUi),
    KAFKA_PORT: String(ports.kafka),
    KAFKA_CONTROLLER_PORT: String(ports.kafkaController),
    POSTGRES_PORT: String(ports.postgres),
    API_PORT: String(api),
    BACK_OFFICE_BASE_PORT: String(backOffice),
    REGISTRY_PORT: String(registry),
    AUTH_DEV_LOGIN: 'true',
    ...extra,
  };
  return { env, apiUrl: `http://127.0.0.1:${api}` };
}

/** `infra:up` in the stack's DATA_DIR: Temporal (with its database file), Kafka and PostgreSQL, on disk. */
export async function infraUp(root: string, env: NodeJS.ProcessEnv): Promise<void> {
  await run(process.execPath, ['--import', 'tsx', 'infra/cli.ts', 'up'], { cwd: root, env, timeout: 600_000 });
}

/** `infra:down`: stops the servers by the PIDs `infra:up` recorded; a failure is logged, not thrown. */
export async function infraDown(root: string, env: NodeJS.ProcessEnv, log: Logger): Promise<void> {
  await run(process.execPath, ['--import', 'tsx', 'infra/cli.ts', 'down'], { cwd: root, env, timeout: 120_000 }).catch(
    (err: unknown) => log.warn({ error: (err as Error).message }, 'infra:down failed'),
  );
}

/** Starts every service (the registry a moment first) and waits until the api answers the operator's stuck list. */
export async function startServices(supervisor: Supervisor, api: ChaosApi, timeoutMs = 300_000): Promise<void> {
  supervisor.start(services[0]!);
  await sleep(3_000);
  for (const spec of services.slice(1)) supervisor.start(spec);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await api.stuckDossierIds();
      return;
    } catch {
      await sleep(1_000);
    }
  }
  throw new Error(`the api did not answer within ${timeoutMs / 1000} s`);
}
