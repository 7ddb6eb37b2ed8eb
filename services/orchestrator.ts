import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Kafka } from 'kafkajs';
import { createActivities, type ActivityPublisher } from '../activities';
import { orchestratorTaskQueue } from '../contracts/dossier-workflow';
import { createPublisher, type BusKeyring } from '../platform/bus';
import type { AesGcmPayloadCodec } from '../platform/codec';
import type { TemporalSettings } from '../platform/config';
import type { Logger } from '../platform/logger';
import { temporalConnectionOptions } from '../platform/temporal';
import { bundleInThread } from './workflow-bundle';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/**
 * How the workflows are bundled, wherever they run (the worker, the tests' one bundle per run).
 * Every workflow in a worker's cache evaluates the bundle's modules afresh in the shared V8
 * context, except the preloaded ones, which load once per worker thread. The contracts the
 * workflows read (the catalogue, the procedures with their zod schemas, the calendar, the rules)
 * are preloaded: building their schemas was 95% of starting a workflow, about 8 ms of CPU each
 * time, and most of the heap a cached dossier held; `npm run bench` spent 72 ms of node CPU a
 * dossier instead of 111 to 138.
 *
 * The SDK deep-freezes what it preloads, and a zod 4 schema defines its methods on first use, so
 * workflow code must never call a method of a preloaded schema (it fails with "Cannot define
 * property"): the schemas the workflows parse (settings, update inputs) live in
 * `contracts/dossier-workflow.ts`, which is not preloaded and which no preloaded module imports.
 * ('zod' itself is not listed: with nothing imported from it, webpack drops the require.)
 */
const contract = (path: string) => fileURLToPath(new URL(`../contracts/${path}.ts`, import.meta.url));
export const workflowBundlerOptions = {
  preloadModules: [
    'procedures/catalogue',
    'procedures/define',
    'procedures/birth-bundle',
    'procedures/death-bundle',
    'agency-outcomes',
    'calendar',
    'dossier-status',
    'rules',
    'search-attributes',
  ].map(contract),
};

export interface RunningOrchestrator {
  /** Resolves when the worker stops; rejects if it fails. */
  done: Promise<void>;
  stop(): Promise<void>;
}

/** The orchestrator worker: runs the dossier workflows and their activities. */
export async function startOrchestrator(deps: {
  address: string;
  namespace: string;
  temporal?: Pick<TemporalSettings, 'tls' | 'apiKey'>;
  codec: AesGcmPayloadCodec;
  kafka: Kafka;
  /** The orchestrator's bus keys: it signs commands and notifications. */
  keyring: BusKeyring;
  log: Logger;
  taskQueue?: string;
  /** Where activities publish; the bus over `kafka` by default (the benchmark's baseline swaps it). */
  publisher?: ActivityPublisher;
  /** The workflows it runs; every procedure of `workflows/` by default (tests add their own). */
  workflowsPath?: string;
  /** The same workflows bundled beforehand (`bundleWorkflowCode`): a test run bundles once, not per worker. */
  workflowBundle?: { codePath: string };
  /**
   * Workflows kept in memory between tasks (ORCHESTRATOR_MAX_CACHED_WORKFLOWS), each about 1.5 MB
   * of the workflow thread's heap (a 768 MB heap overflowed at about 490). The SDK's default follows
   * the heap size: with 10,000 dossiers in flight (npm run bench:scale) a worker grew to 4.7 GiB
   * holding them all.
   */
  maxCachedWorkflows?: number;
  /**
   * The V8 heap limit of the workflow thread (ORCHESTRATOR_WORKFLOW_HEAP_MB). Without one, V8 sizes
   * the heap from the machine (4 GiB here) and collects lazily: with 250 cached workflows a worker
   * grew to 2.0 GiB resident; limited to 768 MB, the same run peaked at 1.1 GiB. A heap the cache
   * outgrows stops the thread, and the worker with it (config refuses a cache too big for the heap).
   */
  workflowHeapMb?: number;
}): Promise<RunningOrchestrator> {
  const workflowBundle =
    deps.workflowBundle && !deps.workflowsPath
      ? deps.workflowBundle
      : await bundleInThread(
          { workflowsPath: deps.workflowsPath ?? workflowsPath, ...workflowBundlerOptions },
          deps.log,
        );
  const bus = deps.publisher ? undefined : await createPublisher(deps.kafka, deps.log, deps.keyring);
  const publisher: ActivityPublisher = deps.publisher ?? bus!;
  // V8 reads its heap limit when an isolate is created, so this reaches the workflow thread that
  // Worker.create starts (and any thread started later), not the running main thread.
  if (deps.workflowHeapMb) setFlagsFromString(`--max-old-space-size=${deps.workflowHeapMb}`);
  const connection = await NativeConnection.connect(
    temporalConnectionOptions(deps.address, deps.temporal) as Parameters<typeof NativeConnection.connect>[0],
  );
  const worker = await Worker.create({
    connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue ?? orchestratorTaskQueue,
    workflowBundle,
    activities: createActivities({ publisher }),
    dataConverter: { payloadCodecs: [deps.codec] },
    ...(deps.maxCachedWorkflows ? { maxCachedWorkflows: deps.maxCachedWorkflows } : {}),
  });
  const done = worker.run().finally(async () => {
    await connection.close();
    await bus?.disconnect();
  });
  deps.log.info({ taskQueue: deps.taskQueue ?? orchestratorTaskQueue }, 'orchestrator worker running');
  return {
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
