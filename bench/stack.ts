import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { freeServerPorts } from '../infra/process';
import { startLocalStack } from '../infra/stack';
import { loggableEndpoints, type Endpoints } from '../platform/endpoints';
import type { Logger } from '../platform/logger';
import type { BusKeySettings } from '../platform/bus';

/**
 * Throw-away Temporal, Kafka and PostgreSQL on free loopback ports for one benchmark run, so
 * figures never depend on (or disturb) a running `npm start`.
 */
export async function benchStack(log: Logger): Promise<{
  endpoints: Endpoints;
  busKeys: BusKeySettings;
  /** The servers' PIDs (Temporal, Kafka, PostgreSQL), for CPU accounting. */
  pids: Record<string, number>;
  stop(): Promise<void>;
}> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lienthong-bench-'));
  const started = Date.now();
  log.info('starting throw-away servers for the benchmark');
  const stack = await startLocalStack({
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
    'benchmark servers ready',
  );
  return {
    endpoints: stack.endpoints,
    busKeys: { dir: join(dataDir, 'bus-keys'), generate: true },
    pids: Object.fromEntries(Object.entries(stack.processes).map(([name, p]) => [name, p.pid])),
    async stop() {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A commander parser for a whole-number flag; the message names the flag and its range. */
export const wholeNumber = (flag: string, min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InvalidArgumentError(`${flag} must be a whole number from ${min} to ${max} (got ${value})`);
  return n;
};

/** Percentile of already sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** A row of the side-by-side table every benchmark prints. */
export interface BenchRow {
  name: string;
  count: number;
  seconds: number;
  latenciesMs: number[];
  /** Mean history events and workflow tasks per workflow, where the bench counted them. */
  events?: number;
  workflowTasks?: number;
}

export function printTable(title: string, rows: BenchRow[], baseline: string): void {
  const base = rows.find((r) => r.name === baseline);
  const withCost = rows.some((r) => r.events !== undefined);
  const cost = (value: number | undefined) => (value === undefined ? '' : value.toFixed(1)).padStart(9);
  const lines = rows.map((r) => {
    const sorted = [...r.latenciesMs].sort((a, b) => a - b);
    const rate = r.count / r.seconds;
    const ratio = base ? rate / (base.count / base.seconds) : Number.NaN;
    const baseP99 = base
      ? percentile(
          [...base.latenciesMs].sort((a, b) => a - b),
          99,
        )
      : Number.NaN;
    return [
      r.name.padEnd(28),
      String(r.count).padStart(8),
      rate.toFixed(1).padStart(12),
      percentile(sorted, 50).toFixed(1).padStart(9),
      percentile(sorted, 95).toFixed(1).padStart(9),
      percentile(sorted, 99).toFixed(1).padStart(9),
      `${(ratio * 100).toFixed(0)}%`.padStart(10),
      `${(percentile(sorted, 99) / baseP99).toFixed(2)}x`.padStart(9),
      ...(withCost ? [cost(r.events), cost(r.workflowTasks)] : []),
    ].join(' ');
  });
  process.stdout.write(
    [
      `\n${title}`,
      `${'run'.padEnd(28)} ${'count'.padStart(8)} ${'per second'.padStart(12)} ${'p50 ms'.padStart(9)} ${'p95 ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'share'.padStart(10)} ${'p99 /base'.padStart(9)}${withCost ? ` ${'events'.padStart(9)} ${'wf tasks'.padStart(9)}` : ''}`,
      `(share: throughput as a share of "${baseline}"${withCost ? '; events and workflow tasks per workflow, from its history' : ''})`,
      ...lines,
      '',
    ].join('\n'),
  );
}
