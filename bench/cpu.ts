import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`, 100 on Linux). */
const ticksPerSecond = 100;

/** utime + stime (and the times of its waited-for children) of one process, in ticks; 0 once it is gone. */
function ticksOf(pid: number): { own: number; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: the fields start after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]));
    return { own: utime! + stime! + cutime! + cstime!, ppid: Number(fields[1]) };
  } catch {
    return undefined;
  }
}

/** CPU seconds of a process and of its live children (PostgreSQL serves each connection from a child). */
function cpuSecondsOfTree(root: number): number {
  let ticks = ticksOf(root)?.own ?? 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = ticksOf(Number(entry));
    if (child && child.ppid === root) ticks += child.own;
  }
  return ticks / ticksPerSecond;
}

/**
 * CPU time spent by the benchmark's servers (by PID, with their children) and by this process
 * (the workers and services it runs), between two readings: what a dossier costs each part of the
 * system, whatever the machine's other load (Linux only: it reads /proc).
 */
export function cpuMeter(servers: Record<string, number>) {
  const read = (): Record<string, number> => {
    const usage = process.cpuUsage();
    return {
      ...Object.fromEntries(Object.entries(servers).map(([name, pid]) => [name, cpuSecondsOfTree(pid)])),
      'node (bench)': (usage.user + usage.system) / 1e6,
    };
  };
  return {
    /** Starts a measurement; its `stop()` answers the CPU seconds each part spent since. */
    start() {
      const before = read();
      return {
        stop(): Record<string, number> {
          const after = read();
          return Object.fromEntries(Object.keys(after).map((name) => [name, after[name]! - (before[name] ?? 0)]));
        },
      };
    },
  };
}

/**
 * Per row, CPU milliseconds per dossier of each part, their total, and how busy the measured
 * processes kept the machine's cores (near 100%: the row was bound by this machine's CPU).
 */
export function printCpu(
  title: string,
  rows: { name: string; count: number; seconds: number; cpu: Record<string, number> }[],
): void {
  const parts = Object.keys(rows[0]?.cpu ?? {});
  const width = Math.max(...rows.map((r) => r.name.length), 3);
  console.log(`\n${title}`);
  console.log(['run'.padEnd(width), ...[...parts, 'total', 'cores busy'].map((p) => p.padStart(13))].join(' '));
  for (const row of rows) {
    const per = parts.map((p) => (row.cpu[p]! * 1000) / Math.max(1, row.count));
    const total = per.reduce((a, b) => a + b, 0);
    const busy = Object.values(row.cpu).reduce((a, b) => a + b, 0) / (row.seconds * availableParallelism());
    console.log(
      [
        row.name.padEnd(width),
        ...[...per, total].map((ms) => ms.toFixed(1).padStart(13)),
        `${(busy * 100).toFixed(0)}%`.padStart(13),
      ].join(' '),
    );
  }
}
