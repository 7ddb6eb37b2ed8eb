import { randomUUID } from 'node:crypto';
import { getHeapStatistics } from 'node:v8';
import { parseArgs } from 'node:util';
import { TypedSearchAttributes } from '@temporalio/common';
import { bundleWorkflowCode } from '@temporalio/worker';
// The SDK's own creator of workflows in a shared V8 context: what a worker does per workflow it
// starts or takes back into its cache. Not a public API; this bench follows the SDK version pinned.
import { parseWorkflowCode } from '@temporalio/worker/lib/worker.js';
import { ReusableVMWorkflowCreator } from '@temporalio/worker/lib/workflow/reusable-vm.js';
import { workflowBundlerOptions, workflowsPath } from '../services/orchestrator';
import { createLogger } from '../platform/logger';

/**
 * What starting one workflow costs the orchestrator's workflow thread, and what it holds while
 * cached: the heap and CPU of the SDK's `createWorkflow` (which evaluates every module of the
 * bundle not preloaded), for the bundle as the orchestrator builds it, beside the bundle as it was
 * built before the contracts were preloaded (only `zod` listed, which webpack compiled to nothing).
 * Run with `npm run bench:workflow-start` (node needs --expose-gc, which the script passes).
 */
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  process.stderr.write('run with node --expose-gc (npm run bench:workflow-start does)\n');
  process.exit(2);
}
const { values } = parseArgs({ options: { count: { type: 'string', default: '100' } }, strict: true });
const count = Number(values.count);
if (!Number.isInteger(count) || count < 10 || count > 2_000) {
  process.stderr.write(`--count must be a whole number from 10 to 2000 (got ${values.count})\n`);
  process.exit(2);
}
const log = createLogger({ level: 'info', format: 'json' }, { process: 'bench' });
const quiet = { info() {}, warn() {}, error() {}, debug() {}, trace() {}, log() {} };

const usedHeap = () => {
  gc();
  gc();
  return getHeapStatistics().used_heap_size;
};

/** Not used by the workflows, only typed: the SDK's source of values a query handler may use. */
const unsafeRandom = {
  random: Math.random,
  uuid4: () => randomUUID(),
  fillRandom: (bytes: Uint8Array) => bytes.map(() => Math.floor(Math.random() * 256)),
};

/** Options a worker passes to createWorkflow, for a birth bundle that has just been started. */
function creation() {
  const runId = randomUUID();
  return {
    info: {
      workflowId: `HS-BENCH-${runId}`,
      runId,
      workflowType: 'birthBundle',
      searchAttributes: {},
      taskQueue: 'bench',
      namespace: 'default',
      firstExecutionRunId: runId,
      originalExecutionRunId: runId,
      startTime: new Date(),
      runStartTime: new Date(),
      taskTimeoutMs: 10_000,
      attempt: 1,
      historyLength: 1,
      historySize: 0,
      continueAsNewSuggested: false,
      suggestedContinueAsNewReasons: [],
      currentBuildId: '',
      typedSearchAttributes: new TypedSearchAttributes(),
      targetWorkerDeploymentVersionChanged: false,
      unsafe: { now: () => Date.now(), isReplaying: false, isReplayingHistoryEvents: false, random: unsafeRandom },
    },
    randomnessSeed: [1, 2, 3, 4],
    now: Date.now(),
    showStackTraceSources: false,
    failureExceptionTypeNames: [],
  };
}

async function measure(name: string, preloadModules: string[]) {
  log.info({ bundle: name }, 'bundling the workflows');
  const { code } = await bundleWorkflowCode({ workflowsPath, preloadModules, logger: quiet });
  const creator = await ReusableVMWorkflowCreator.create(parseWorkflowCode(code), 5_000, new Set());
  const cached: Awaited<ReturnType<typeof creator.createWorkflow>>[] = [];
  const start = () => creator.createWorkflow(creation());
  cached.push(await start()); // the first pays for what is shared: not counted
  const before = usedHeap();
  const cpu = process.cpuUsage();
  for (let i = 0; i < count; i += 1) {
    cached.push(await start());
    if ((i + 1) % 25 === 0) log.info({ bundle: name, started: i + 1, of: count }, 'progress');
  }
  const spent = process.cpuUsage(cpu);
  const heap = (usedHeap() - before) / count;
  for (const workflow of cached) await workflow.dispose();
  await creator.destroy();
  return { name, heapKb: heap / 1024, cpuMs: (spent.user + spent.system) / 1000 / count };
}

const rows = [
  await measure('contracts evaluated per workflow (before)', ['zod']),
  await measure('contracts preloaded (orchestrator)', workflowBundlerOptions.preloadModules),
];
console.log(`\nstarting a workflow: ${count} birth bundles created in one shared V8 context, as a worker does`);
console.log(`${'bundle'.padEnd(44)} ${'heap per workflow KB'.padStart(21)} ${'CPU per start ms'.padStart(17)}`);
for (const r of rows)
  console.log(`${r.name.padEnd(44)} ${r.heapKb.toFixed(0).padStart(21)} ${r.cpuMs.toFixed(2).padStart(17)}`);
process.exit(0);
