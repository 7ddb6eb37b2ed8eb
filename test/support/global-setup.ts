import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from '../../services/orchestrator';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureToolchain } from '../../infra/cache';
import { startLocalStack, type LocalStack } from '../../infra/stack';
import { loggableEndpoints } from '../../platform/endpoints';
import { createLogger } from '../../platform/logger';
import { freePorts } from '../../infra/process';
import { ensureLocalBusKeys } from '../../platform/bus';
import { findChromium } from './browser';
import { laneCount } from './lane-count';
import type { Lane } from './lane';

declare module 'vitest' {
  export interface ProvidedContext {
    /** One independent set of servers per file running at a time; a file takes its own with `lane()`. */
    lanes: Lane[];
    /** The production workflows bundled once for the run's orchestrator workers. */
    workflowBundlePath: string;
  }
}

let stacks: LocalStack[] = [];
let rootDir: string | undefined;

/**
 * Starts throw-away Temporal, Kafka and PostgreSQL on free loopback ports, once per test run: one
 * set per lane (TEST_LANES, default 2), each with its own data folder and bus keys, side by side.
 */
export async function setup(project: TestProject): Promise<void> {
  const log = createLogger(
    { level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'info', format: 'json' },
    { process: 'test-infra' },
  );
  const count = laneCount();
  rootDir = mkdtempSync(join(tmpdir(), 'lienthong-test-'));
  // The lanes' data folders are in it: as root, PostgreSQL runs as another user and must pass through.
  chmodSync(rootDir, userInfo().uid === 0 ? 0o711 : 0o700);
  const started = Date.now();
  // Bundled while the servers start, once for every orchestrator worker of the run.
  const bundled = bundleWorkflowCode({ workflowsPath, logger: quiet }).then(({ code }) => {
    const path = join(rootDir!, 'workflows-bundle.js');
    writeFileSync(path, code, { mode: 0o600 });
    return path;
  });
  bundled.catch(() => undefined); // awaited below; a failure then is reported there, not as unhandled
  const browser = findChromium();
  browser.catch(() => undefined); // the browser tests report it; the others need none
  const cacheDir = resolve(process.env.INFRA_CACHE_DIR ?? '.infra');
  // Fetched once before the lanes start: the cache fills an entry in place and is not for two at once.
  await ensureToolchain(cacheDir, log);
  // All ports taken in one call, so no two servers of two lanes are handed the same one.
  const ports = await freePorts(5 * count);
  const dataDirs = Array.from({ length: count }, (_, i) => join(rootDir!, `lane-${i + 1}`));
  const starting = dataDirs.map((dataDir, i) => {
    const [temporal, temporalUi, kafka, kafkaController, postgres] = ports.slice(5 * i, 5 * i + 5) as number[];
    return startLocalStack({
      cacheDir,
      dataDir,
      persistent: false,
      ports: {
        temporal: temporal!,
        temporalUi: temporalUi!,
        kafka: kafka!,
        kafkaController: kafkaController!,
        postgres: postgres!,
      },
      ui: false,
      namespace: 'default',
      partitions: 3,
      log: log.child({ lane: i + 1 }),
    });
  });
  const results = await Promise.allSettled(starting);
  stacks = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    // Vitest runs no teardown after a failed setup: stop the lanes that did start.
    await Promise.all(stacks.map((stack) => stack.stop()));
    stacks = [];
    throw failed.reason;
  }
  const lanes: Lane[] = stacks.map((stack, i) => {
    const busKeysDir = join(dataDirs[i]!, 'bus-keys');
    ensureLocalBusKeys(busKeysDir);
    return { endpoints: stack.endpoints, busKeysDir, dataDir: dataDirs[i]! };
  });
  log.info(
    {
      seconds: (Date.now() - started) / 1000,
      lanes: lanes.map((l) => loggableEndpoints(l.endpoints)),
      browser: await browser.then(
        (b) => b.found,
        (err: Error) => `none (${err.message})`,
      ),
    },
    'test infrastructure ready',
  );
  project.provide('lanes', lanes);
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
  await Promise.all(stacks.map((stack) => stack.stop()));
  if (rootDir) rmSync(rootDir, { recursive: true, force: true });
}
