import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import pg from 'pg';
import { agencyDatabase } from '../contracts/agencies';
import { dossierSearchKeys } from '../contracts/search-attributes';
import { localDate, nextWorkingDay, type ScaledClock, type WorkingDaysCalendar } from '../contracts/calendar';
import { readState } from '../infra/state';
import { databaseUrl } from '../platform/endpoints';
import type { ChaosApi } from '../ops/chaos/api';
import { percentile } from './stack';

const MiB = 1024 * 1024;
/** Office hours on the simulated day the run happens in (local time, UTC+7): it opens at 08:00, deadlines fall at 17:00. */
const OFFSET_MS = 7 * 3_600_000;
const OPENS_HOUR = 8;
const QUIET_HOURS = 9;

/**
 * A scaled clock on which a run of `budgetSeconds` meets no deadline: simulated time starts at
 * 08:00 of the next working day and runs `factor` times faster, so the whole run fits before 17:00,
 * the earliest due time of a step received that day (the civil-status step's limit is the same
 * working day). The factor is as high as that allows, at least 2 (an epoch in the past is how the
 * simulated start is set: simulated = epoch + (now − epoch) × factor).
 */
export function quietClock(nowMs: number, budgetSeconds: number, calendar: WorkingDaysCalendar) {
  const factor = Math.max(2, Math.floor((0.9 * QUIET_HOURS * 3600) / budgetSeconds));
  const opening = (day: string) => Date.parse(`${day}T00:00:00Z`) + OPENS_HOUR * 3_600_000 - OFFSET_MS;
  let day = nextWorkingDay(localDate(new Date(nowMs)), calendar);
  while (opening(day) <= nowMs) day = nextWorkingDay(localDate(new Date(opening(day) + 86_400_000)), calendar);
  const startMs = opening(day);
  const epochMs = nowMs - (startMs - nowMs) / (factor - 1);
  const clock: ScaledClock = { realEpochMs: epochMs, simulatedEpochMs: epochMs, factor };
  return { clock, simulatedStart: new Date(startMs), fits: factor * budgetSeconds <= QUIET_HOURS * 3600 };
}

/** Resident memory of a process in bytes, from /proc; undefined once it has gone. */
export function residentBytes(pid: number): number | undefined {
  try {
    const kB = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kB === undefined ? undefined : Number(kB) * 1024;
  } catch {
    return undefined;
  }
}

/**
 * Samples each process's resident memory every `everyMs`, each sample under the phase of the run it
 * was taken in; min and max per process and phase, and the max over the run.
 */
export function sampleMemory(pids: () => Record<string, number | undefined>, everyMs: number) {
  const samples = new Map<string, Map<string, { min: number; max: number }>>();
  let phase = 'start';
  const take = () => {
    for (const [name, pid] of Object.entries(pids())) {
      const bytes = pid === undefined ? undefined : residentBytes(pid);
      if (bytes === undefined) continue;
      latest.set(name, bytes);
      const byPhase = samples.get(name) ?? new Map<string, { min: number; max: number }>();
      const range = byPhase.get(phase) ?? { min: bytes, max: bytes };
      byPhase.set(phase, { min: Math.min(range.min, bytes), max: Math.max(range.max, bytes) });
      samples.set(name, byPhase);
    }
  };
  const latest = new Map<string, number>();
  const maxOf = (name: string) => Math.max(0, ...[...(samples.get(name)?.values() ?? [])].map((r) => r.max));
  const timer = setInterval(take, everyMs);
  return {
    /** From now on samples count under `label`; one is taken at once. */
    phase(label: string) {
      phase = label;
      take();
    },
    stop: () => clearInterval(timer),
    /** The last sample of each process, in bytes. */
    latest: () => new Map(latest),
    /** The highest sample of the process over the run, in bytes. */
    max: maxOf,
    /** One line per process: min–max MiB in each phase, in the order given. */
    table(phases: readonly string[], target: (name: string) => string) {
      const cell = (r?: { min: number; max: number }) =>
        (r ? `${(r.min / MiB).toFixed(0)}–${(r.max / MiB).toFixed(0)}` : '').padStart(11);
      return [
        `  ${'process'.padEnd(24)}${phases.map((p) => p.padStart(11)).join('')}  ${'max MiB'.padStart(8)}  target`,
        ...[...samples].map(
          ([name, byPhase]) =>
            `  ${name.padEnd(24)}${phases.map((p) => cell(byPhase.get(p))).join('')}  ${(maxOf(name) / MiB).toFixed(0).padStart(8)}  ${target(name)}`,
        ),
      ];
    },
  };
}

export interface LatencyProbe {
  name: string;
  path: string;
  user: string;
  /** The p95 it must stay under with the system loaded. */
  targetMs: number;
}

export interface LatencySamples {
  ms: number[];
  errors: number;
}

/**
 * Each probe `rounds` times, one request at a time, the probes taking turns so they see the same
 * moments of the run; a first request each, unmeasured, mints the token and opens the connection.
 */
export async function sampleLatencies(
  api: ChaosApi,
  probes: readonly LatencyProbe[],
  rounds: number,
): Promise<Map<string, LatencySamples>> {
  const results = new Map(probes.map((p) => [p.name, { ms: [] as number[], errors: 0 }]));
  for (const probe of probes) await api.timedGet(probe.path, probe.user).catch(() => undefined);
  for (let round = 0; round < rounds; round += 1)
    for (const probe of probes) {
      const result = results.get(probe.name)!;
      try {
        const { status, ms } = await api.timedGet(probe.path, probe.user);
        if (status === 200) result.ms.push(ms);
        else result.errors += 1;
      } catch {
        result.errors += 1;
      }
    }
  return results;
}

/** p50 and p95 of samples, in ms. */
export function latencyOf(samples?: LatencySamples) {
  const sorted = [...(samples?.ms ?? [])].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), errors: samples?.errors ?? 0 };
}

async function withAdmin<T>(dataDir: string, database: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const endpoints = readState(dataDir)!.endpoints;
  const url = endpoints.postgres.adminUrl ?? endpoints.postgres.url;
  const client = new pg.Client({ connectionString: databaseUrl({ ...endpoints, postgres: { url } }, database) });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Tasks waiting for a worker in the civil-status back office, read from its database as the run's administrator. */
export async function parkedTasks(dataDir: string): Promise<number> {
  return withAdmin(dataDir, agencyDatabase['civil-status'], async (client) => {
    const { rows } = await client.query<{ n: number }>(
      "select count(*)::int as n from cases where status = 'awaiting-worker'",
    );
    return rows[0]!.n;
  });
}

/** Bytes of each PostgreSQL database (pg_database_size) and of Temporal's SQLite files (with its WAL) in the data folder. */
export async function storageSizes(dataDir: string): Promise<Map<string, number>> {
  const sizes = await withAdmin(dataDir, 'postgres', async (client) => {
    const { rows } = await client.query<{ name: string; bytes: string }>(
      'select datname as name, pg_database_size(datname) as bytes from pg_database where not datistemplate order by 1',
    );
    return new Map(rows.map((r) => [`postgres ${r.name}`, Number(r.bytes)]));
  });
  let temporal = 0;
  for (const file of readdirSync(dataDir, { recursive: true, encoding: 'utf8' }))
    if (/(^|\/)temporal\.db(-wal|-shm)?$/.test(file)) temporal += statSync(join(dataDir, file)).size;
  sizes.set('temporal (SQLite file)', temporal);
  return sizes;
}

export const mebibytes = (bytes: number) => bytes / MiB;

/** Each birth dossier's status as its workflow last set it, from Temporal visibility (one list, no dossier read one by one). */
export async function finalStatuses(temporal: Client): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();
  for await (const execution of temporal.workflow.list({ query: `ProcedureKind = 'birth-bundle'` })) {
    const status = execution.typedSearchAttributes.get(dossierSearchKeys.DossierStatus);
    if (status) statuses.set(execution.workflowId, status);
  }
  return statuses;
}
