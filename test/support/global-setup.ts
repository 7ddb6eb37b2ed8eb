import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundlerOptions, workflowsPath } from '../../services/orchestrator';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalStack, type LocalStack } from '../../infra/stack';
import { loggableEndpoints, type Endpoints } from '../../platform/endpoints';
import { createLogger } from '../../platform/logger';
import { freeServerPorts } from '../../infra/process';
import { ensureLocalBusKeys } from '../../platform/bus';

declare module 'vitest' {
  export interface ProvidedContext {
    endpoints: Endpoints;
    /** The run's bus keys (signing keys per service, data keys per topic), as DATA_DIR/bus-keys holds them locally. */
    busKeysDir: string;
    /** The run's server data folder: Kafka's segment files and the servers' logs, for the no-clear-text test. */
    dataDir: string;
    /** The production workflows bundled once for the run's orchestrator workers. */
    workflowBundlePath: string;
  }
}

let stack: LocalStack | undefined;
let dataDir: string | undefined;

/** Starts throw-away Temporal, Kafka and PostgreSQL on free loopback ports, once per test run. */
export async function setup(project: TestProject): Promise<void> {
  const log = createLogger(
    { level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'info', format: 'json' },
    { process: 'test-infra' },
  );
  dataDir = mkdtempSync(join(tmpdir(), 'lienthong-test-'));
  const started = Date.now();
  // Bundled while the servers start, once for every orchestrator worker of the run.
  const bundled = bundleWorkflowCode({ workflowsPath, ...workflowBundlerOptions, logger: quiet }).then(({ code }) => {
    const path = join(dataDir!, 'workflows-bundle.js');
    writeFileSync(path, code);
    return path;
  });
  bundled.catch(() => undefined); // awaited below; a failure then is reported there, not as unhandled
  stack = await startLocalStack({
    cacheDir: resolve(process.env.INFRA_CACHE_DIR ?? '.infra'),
    dataDir,
    persistent: false,
    ports: await freeServerPorts(),
    ui: false,
    namespace: 'default',
    partitions: 3,
    log,
  });
  log.info(
    { seconds: (Date.now() - started) / 1000, ...loggableEndpoints(stack.endpoints) },
    'test infrastructure ready',
  );
  project.provide('endpoints', stack.endpoints);
  const busKeysDir = join(dataDir, 'bus-keys');
  ensureLocalBusKeys(busKeysDir);
  project.provide('busKeysDir', busKeysDir);
  project.provide('dataDir', dataDir);
  project.provide('workflowBundlePath', await bundled);
}

const quiet = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export async function teardown(): Promise<void> {
  await stack?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
