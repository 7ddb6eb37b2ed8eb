import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { Presets, SingleBar } from 'cli-progress';
import { Command } from 'commander';
import pino from 'pino';
import { localDate, simulatedNow, workingDaysCalendar } from '../contracts/calendar';
import { readState } from '../infra/state';
import { issueDevelopmentToken } from '../platform/auth';
import { loadConfig, policyVariable } from '../platform/config';
import { createLogger } from '../platform/logger';
import { developmentAuthSecret } from '../services/api';
import { createChaosApi } from '../ops/chaos/api';
import { checkOutcomes } from '../ops/chaos/check';
import type { PlannedDossier } from '../ops/chaos/dossiers';
import { readEffects } from '../ops/chaos/effects';
import { pool } from '../ops/chaos/pool';
import { createSupervisor } from '../ops/chaos/processes';
import { infraDown, infraUp, services, startServices, throwAwayStackEnv } from '../ops/chaos/stack';
import {
  finalStatuses,
  mebibytes,
  parkedTasks,
  quietClock,
  sampleLatencies,
  sampleMemory,
  storageSizes,
} from './scale-measure';
import { citizenUser, latencyProbes, planScaleRun } from './scale-plan';
import { checkpointLine, latencyTable, printLines, shortCount, storageTable } from './scale-report';
import { printTable, wholeNumber } from './stack';

/**
 * Ten thousand dossiers in flight at once, parked at civil status (manual policy) until its workers
 * approve them: memory of every process over the run, submission throughput and the api's answers
 * (stuck list, search, a citizen's dossiers, a worker's inbox) against the empty system, database and
 * Temporal sizes; then the workers approve everything and the drain is timed, nothing lost.
 */
const program = new Command('bench:scale')
  .description(
    'dossiers parked in flight at once (civil status on manual policy): memory, throughput and api latency against the empty system, sizes, then the drain',
  )
  .option('--count <n>', 'dossiers in flight at once', wholeNumber('--count', 10, 50_000), 10_000)
  .option('--concurrency <n>', 'submissions (and approvals) in flight', wholeNumber('--concurrency', 1, 500), 8)
  .option(
    '--probe <n>',
    'dossiers of each throughput probe: on the empty system, then with --count in flight',
    wholeNumber('--probe', 1, 25_000),
    200,
  )
  .option('--samples <n>', 'requests per api latency probe and phase', wholeNumber('--samples', 5, 1_000), 40)
  .option(
    '--timeout <seconds>',
    'how long the run may take from the first submission until every dossier is closed (the clock is scaled so that no deadline falls within it)',
    wholeNumber('--timeout', 60, 14_000),
    7_200,
  )
  .option('--keep', 'keep the data folder (servers, logs) afterwards', false)
  .showHelpAfterError();

interface Options {
  count: number;
  concurrency: number;
  probe: number;
  samples: number;
  timeout: number;
  keep: boolean;
}

/** Dossiers submitted first, to see the whole path work before anything is measured. */
const warmUp = 5;
const memoryTargetBytes = 1024 ** 3;
const throughputTarget = 0.8;
/** The services held to the memory target; the registry and the servers are shown beside them. */
const measuredServices = services.map((s) => s.name).filter((name) => name !== 'registry');

async function main(): Promise<number> {
  program.parse();
  const opts = program.opts<Options>();
  if (opts.probe * 2 > opts.count)
    program.error(`error: --probe must be at most half of --count (got --probe ${opts.probe}, --count ${opts.count})`);
  const root = resolve(import.meta.dirname, '..');
  const dataDir = mkdtempSync(join(tmpdir(), 'lienthong-scale-'));
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  const log = createLogger(
    { level: 'info', format: 'json', destination: pino.destination(2) },
    { process: 'bench-scale' },
  );
  // The clock covers the start-up (servers, population) as well as the run's budget.
  const { clock, simulatedStart, fits } = quietClock(Date.now(), opts.timeout + 900, workingDaysCalendar());
  const { env, apiUrl } = await throwAwayStackEnv(root, dataDir, {
    TEMPORAL_UI: 'false',
    CLOCK_FACTOR: String(clock.factor),
    CLOCK_EPOCH: new Date(clock.realEpochMs).toISOString(),
    [policyVariable('civil-status')]: 'manual',
    POPULATION_SIZE: '20000',
  });
  const config = loadConfig(env);
  const total = opts.count + opts.probe;
  const heavyCount = Math.min(300, Math.floor(opts.count / 4));
  const plan = planScaleRun(total, heavyCount, config.agencies.populationSize);
  const mint = {
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    // Written to the data folder now; the api reads the same file when it starts.
    secret: developmentAuthSecret(config),
    ttlSeconds: opts.timeout + 7_200,
  };
  const api = createChaosApi(apiUrl, {
    tokenFor: async (user) => {
      const principal = plan.principals.get(user);
      return principal && issueDevelopmentToken(principal, mint);
    },
  });

  const supervisor = createSupervisor({ root, dataDir, env, log });
  let connection: Connection | undefined;
  let sampler: ReturnType<typeof sampleMemory> | undefined;
  let cleaned = false;
  const cleanUp = async () => {
    if (cleaned) return;
    cleaned = true;
    sampler?.stop();
    await connection?.close().catch(() => undefined);
    await supervisor.stopAll();
    await infraDown(root, env, log);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      process.stderr.write(`bench:scale: ${signal}, stopping the services and servers\n`);
      void cleanUp().finally(() => process.exit(130));
    });

  process.stderr.write(
    `bench:scale: servers, services and logs in ${dataDir}; clock ×${clock.factor} from ${simulatedStart.toISOString()}\n`,
  );
  const misses: string[] = [];
  let failed = true;
  try {
    await infraUp(root, env);
    await startServices(supervisor, api);
    const servers = readState(dataDir)!;
    connection = await Connection.connect({ address: servers.endpoints.temporal.address });
    const temporal = new Client({ connection, namespace: servers.endpoints.temporal.namespace });
    const running = async () =>
      (await temporal.workflow.count(`ProcedureKind = 'birth-bundle' AND ExecutionStatus = 'Running'`)).count;
    sampler = sampleMemory(
      () => ({
        ...Object.fromEntries(supervisor.names().map((name) => [name, supervisor.pid(name)])),
        'temporal (server)': servers.processes.temporal?.pid,
        'kafka (server)': servers.processes.kafka?.pid,
      }),
      5_000,
    );
    // A column per quarter of the fill, from that many in flight to the next; then full, the drain and the end.
    const checkpoints = [0, 0.25, 0.5, 0.75, 1].map((q) => Math.round(opts.count * q));
    const quarter = (i: number) => `${shortCount(checkpoints[i]!)}–${shortCount(checkpoints[i + 1]!)}`;
    const fullPhase = shortCount(opts.count);
    const phases = ['empty', ...[0, 1, 2, 3].map(quarter), fullPhase, 'drain', 'end'];
    sampler.phase('start-up');

    const runStarted = Date.now();
    const dossierIds = new Map<string, PlannedDossier>();
    const bar = new SingleBar(
      {
        format: '  {stage} [{bar}] {value}/{total} | {detail}',
        stream: process.stderr,
        // Not a terminal (a log file): a line every 10 s rather than nothing.
        noTTYOutput: true,
        notTTYSchedule: 10_000,
      },
      Presets.shades_classic,
    );
    let failedSubmissions = 0;
    /** Submits a slice of the plan, each as its own applicant: how many, in how long, each one's latency. */
    const submit = async (batch: readonly PlannedDossier[], stage: string) => {
      bar.start(batch.length, 0, { stage: stage.padEnd(14), detail: `${dossierIds.size} in flight` });
      const latenciesMs: number[] = [];
      const started = performance.now();
      await pool(batch, opts.concurrency, async (dossier) => {
        const t = performance.now();
        try {
          // Dated by the run's simulated clock, as the services decide.
          const today = localDate(simulatedNow(clock, Date.now()));
          const dossierId = await api.submit(
            dossier.input(today),
            dossier.key,
            300_000,
            citizenUser(dossier.applicant),
          );
          latenciesMs.push(performance.now() - t);
          dossierIds.set(dossierId, dossier);
          const reached = checkpoints.indexOf(dossierIds.size);
          if (reached > 0) {
            sampler!.phase(reached < 4 ? quarter(reached) : fullPhase);
            const rate = latenciesMs.length / ((performance.now() - started) / 1000);
            printLines([checkpointLine(dossierIds.size, (Date.now() - runStarted) / 1000, rate, sampler!.latest())]);
          }
        } catch (err) {
          failedSubmissions += 1;
          log.warn({ key: dossier.key, error: (err as Error).message }, 'submission failed');
        }
        bar.increment(1, { detail: `${dossierIds.size} in flight, ${failedSubmissions} failed` });
      });
      bar.stop();
      return { count: latenciesMs.length, seconds: (performance.now() - started) / 1000, latenciesMs };
    };
    /** Waits until every dossier submitted so far has its task parked at civil status. */
    const settle = async (what: string) => {
      const deadline = Date.now() + 1_800_000;
      for (let parked = await parkedTasks(dataDir); parked < dossierIds.size; parked = await parkedTasks(dataDir)) {
        if (Date.now() > deadline)
          throw new Error(`${what}: ${parked} of ${dossierIds.size} tasks parked after 30 min`);
        const dead = supervisor.names().filter((name) => supervisor.pid(name) === undefined);
        if (dead.length > 0) throw new Error(`${what}: ${dead.join(', ')} exited (see ${dataDir}/logs)`);
        process.stderr.write(`  ${what}: ${parked}/${dossierIds.size} tasks parked\n`);
        await sleep(5_000);
      }
    };
    const probes = latencyProbes(plan.heavyUser, heavyCount);
    const { planned } = plan;

    await submit(planned.slice(0, warmUp), 'warm-up');
    await settle('warm-up');
    sampler.phase('empty');
    const sizesEmpty = await storageSizes(dataDir);
    const latencyEmpty = await sampleLatencies(api, probes, opts.samples);
    const empty = await submit(planned.slice(warmUp, warmUp + opts.probe), 'probe, empty');
    await settle('probe on the empty system');
    sampler.phase(quarter(0));
    await submit(planned.slice(warmUp + opts.probe, opts.count), 'filling');
    await settle(`${fullPhase} in flight`);
    const inFlight = dossierIds.size;
    const full = await submit(planned.slice(opts.count), `probe, ${fullPhase}`);
    await settle(`probe with ${fullPhase} in flight`);
    const latencyFull = await sampleLatencies(api, probes, opts.samples);
    const sizesFull = await storageSizes(dataDir);

    printLines([
      `\nbench:scale: ${inFlight} birth dossiers in flight, parked at civil status (manual policy), ${dossierIds.size} with the probe; ` +
        `from ${plan.citizens} citizens (one with ${heavyCount}); clock ×${clock.factor} from ${simulatedStart.toISOString()}` +
        `${fits ? '' : ' (the run may reach 17:00 simulated: deadlines could fire)'}; ${cpus().length} cores, load average ` +
        loadavg()
          .map((l) => l.toFixed(1))
          .join(' '),
    ]);
    printTable(
      `submission throughput: --probe ${opts.probe} at --concurrency ${opts.concurrency}, the empty system then ${inFlight} in flight (target: share ≥ ${throughputTarget * 100}%)`,
      [
        { name: 'empty system', ...empty },
        { name: `${inFlight} in flight`, ...full },
      ],
      'empty system',
    );
    const share = full.count / full.seconds / (empty.count / empty.seconds);
    if (share < throughputTarget)
      misses.push(
        `submission throughput with ${inFlight} in flight is ${(share * 100).toFixed(0)}% of the empty system's`,
      );
    printLines(latencyTable(probes, latencyEmpty, latencyFull, inFlight, opts.samples, misses));
    const memoryTitle = `\nresident memory (RSS from /proc every 5 s, MiB min–max): the empty system, each quarter of the fill, ${fullPhase} in flight, the drain, the end`;
    printLines([
      memoryTitle,
      ...sampler.table(phases.slice(0, -2), () => ''),
      ...storageTable([
        ['empty', sizesEmpty],
        [`${fullPhase} in flight`, sizesFull],
      ]),
    ]);

    sampler.phase('drain');
    const drainStarted = Date.now();
    const deadline = runStarted + opts.timeout * 1000;
    let approved = 0;
    let open = await running();
    bar.start(dossierIds.size, dossierIds.size - open, { stage: 'draining'.padEnd(14), detail: 'approved 0' });
    const approving = (async () => {
      while (open > 0 && Date.now() < deadline) {
        // The api too busy to list (a timeout): the next round tries again.
        const decided = await api
          .approveTasks('civil-status', { users: plan.workers, limit: 500, concurrency: opts.concurrency })
          .catch(() => 0);
        approved += decided;
        if (decided === 0) await sleep(2_000);
      }
    })();
    let approvedAt = 0;
    while (open > 0 && Date.now() < deadline) {
      await sleep(3_000);
      open = await running().catch(() => open);
      if (!approvedAt && approved >= dossierIds.size) approvedAt = Date.now();
      bar.update(dossierIds.size - open, { detail: `approved ${approved}` });
    }
    const drainSeconds = (Date.now() - drainStarted) / 1000;
    await approving;
    bar.stop();
    sampler.phase('end');
    await sleep(15_000);

    const statuses = await finalStatuses(temporal);
    // Visibility is read once for all; a dossier it does not show as returned is read from the api.
    await pool(
      [...dossierIds.keys()].filter((id) => statuses.get(id) !== 'result-returned'),
      8,
      async (id) => {
        const state = await api.dossier(id);
        if (state) statuses.set(id, state.status);
      },
    );
    const outcomes = [...dossierIds].map(([dossierId, dossier]) => ({
      dossierId,
      fault: 'none',
      expected: dossier.expected,
      status: statuses.get(dossierId),
      closed: statuses.get(dossierId) === 'result-returned',
    }));
    const today = localDate(simulatedNow(clock, Date.now()));
    const subjects = [...dossierIds].map(([dossierId, d]) => ({ dossierId, ...d.subject(today) }));
    const findings = checkOutcomes(outcomes, await readEffects(dataDir, subjects), new Set(dossierIds.keys()));
    const sizesEnd = await storageSizes(dataDir);
    sampler.stop();

    const memoryTarget = (name: string) => {
      if (!measuredServices.includes(name)) return '';
      if (sampler!.max(name) < memoryTargetBytes) return '< 1 GiB: met';
      misses.push(`${name} reached ${mebibytes(sampler!.max(name)).toFixed(0)} MiB (target < 1 GiB)`);
      return '< 1 GiB: MISSED';
    };
    const lost = findings.lost.length + failedSubmissions;
    printLines([
      memoryTitle,
      ...sampler.table(phases, memoryTarget),
      ...storageTable([
        ['empty', sizesEmpty],
        [`${fullPhase} in flight`, sizesFull],
        ['end', sizesEnd],
      ]),
      `\ndrain: ${approved} tasks approved by ${plan.workers.length} workers (${opts.concurrency} at a time)` +
        `${approvedAt ? ` in ${((approvedAt - drainStarted) / 1000).toFixed(0)} s` : ''}; ` +
        `${dossierIds.size - open} of ${dossierIds.size} dossiers closed in ${drainSeconds.toFixed(0)} s: ` +
        `${((dossierIds.size - open) / drainSeconds).toFixed(1)} dossiers/s`,
      `lost ${lost} (${failedSubmissions} submissions refused or unanswered), duplicate effects ${findings.duplicates.length}, still open ${open}`,
    ]);
    if (lost > 0) misses.push(`${lost} dossier(s) lost`);
    if (open > 0) misses.push(`${open} dossier(s) still open after --timeout ${opts.timeout}`);
    if (findings.duplicates.length > 0) misses.push(`${findings.duplicates.length} duplicate effect(s)`);
    printLines([misses.length === 0 ? '\nevery target met' : `\nmissed:\n${misses.map((m) => `  - ${m}`).join('\n')}`]);
    failed = misses.length > 0;
    return failed ? 1 : 0;
  } finally {
    await cleanUp();
    if (!failed && !opts.keep) rmSync(dataDir, { recursive: true, force: true });
    else process.stderr.write(`bench:scale: logs kept in ${dataDir}/logs\n`);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench:scale failed: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(2);
  },
);
