import { latencyOf, mebibytes, type LatencyProbe, type LatencySamples } from './scale-measure';

/** 10000 → 10k, 2500 → 2.5k. */
export const shortCount = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(n % 1000 === 0 ? 0 : 1)}k` : String(n));

export const printLines = (lines: string[]) => process.stdout.write(`${lines.join('\n')}\n`);

/**
 * The api latency table: each probe on the empty system and loaded, p50 and p95, against its
 * target; a loaded p95 over the target, or an error, is added to `misses`.
 */
export function latencyTable(
  probes: readonly LatencyProbe[],
  empty: Map<string, LatencySamples>,
  full: Map<string, LatencySamples>,
  inFlight: number,
  samples: number,
  misses: string[],
): string[] {
  const ms = (n: number) => (Number.isNaN(n) ? '-' : n.toFixed(1)).padStart(9);
  const errors = (n: number) => String(n).padStart(8);
  return [
    `\napi latency: ${samples} requests per probe, one at a time (ms; p95 target per row)`,
    `  ${''.padEnd(44)}${'empty system'.padStart(26)}${`${inFlight} in flight`.padStart(26)}`,
    `  ${'probe'.padEnd(44)}${['p50', 'p95'].map((h) => h.padStart(9)).join('')}${'errors'.padStart(8)}` +
      `${['p50', 'p95'].map((h) => h.padStart(9)).join('')}${'errors'.padStart(8)}  target`,
    ...probes.map((probe) => {
      const [before, after] = [latencyOf(empty.get(probe.name)), latencyOf(full.get(probe.name))];
      const met = after.p95 < probe.targetMs && after.errors === 0;
      if (!met)
        misses.push(
          `${probe.name}: p95 ${after.p95.toFixed(0)} ms with ${inFlight} in flight` +
            `${after.errors ? `, ${after.errors} errors` : ''} (target < ${probe.targetMs} ms)`,
        );
      return (
        `  ${probe.name.padEnd(44)}${ms(before.p50)}${ms(before.p95)}${errors(before.errors)}` +
        `${ms(after.p50)}${ms(after.p95)}${errors(after.errors)}  < ${probe.targetMs} ms: ${met ? 'met' : 'MISSED'}`
      );
    }),
    '  (no deeper inbox page: GET /api/agencies/:agency/tasks takes a limit of at most 500, no cursor or offset)',
  ];
}

/** Database and Temporal sizes in MB, a column per moment of the run. */
export function storageTable(columns: readonly (readonly [label: string, sizes: Map<string, number>])[]): string[] {
  const names = [...new Set(columns.flatMap(([, sizes]) => [...sizes.keys()]))];
  return [
    `\nstorage (MB)`,
    `  ${'database'.padEnd(36)}${columns.map(([label]) => label.padStart(16)).join('')}`,
    ...names.map(
      (name) =>
        `  ${name.padEnd(36)}${columns.map(([, sizes]) => ((sizes.get(name) ?? 0) / 1e6).toFixed(1).padStart(16)).join('')}`,
    ),
  ];
}

/** One line as a checkpoint of the fill is reached: how long it took, each process's memory now. */
export function checkpointLine(inFlight: number, seconds: number, perSecond: number, memory: Map<string, number>) {
  const rss = [...memory].map(([name, bytes]) => `${name} ${mebibytes(bytes).toFixed(0)}`).join(', ');
  return `checkpoint: ${inFlight} in flight ${seconds.toFixed(0)} s into the run (submitting ${perSecond.toFixed(1)}/s); RSS MiB: ${rss}`;
}
