import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Connection, Client } from '@temporalio/client';
import { Presets, SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { localDate } from '../contracts/calendar';
import { closedDossierStatuses } from '../contracts/dossier-status';
import { consumerGroups } from '../contracts/principals';
import { freePortRun, freeServerPorts } from '../infra/process';
import { readState } from '../infra/state';
import { kafkaFor } from '../platform/kafka';
import { createLogger, type Logger } from '../platform/logger';
import { createChaosApi } from '../ops/chaos/api';
import { checkOutcomes, type DossierOutcome } from '../ops/chaos/check';
import { planDossiers } from '../ops/chaos/dossiers';
import { readEffects, type DossierSubject } from '../ops/chaos/effects';
import { pool } from '../ops/chaos/pool';
import { createSupervisor, type ServiceSpec } from '../ops/chaos/processes';
import { cpuMeter } from './cpu';
import { wholeNumber } from './stack';

/**
 * Scaling out on one box, measured: throw-away servers, and every service as its own process with
 * `--instances` orchestrator workers, event bridges and civil-status agencies. It submits dossiers
 * through the api, waits until all are closed, and shows the work spread over the instances (workflow
 * tasks and activities per worker identity from the histories; partitions and messages per member of
 * each consumer group) and that no effect happened twice.
 */
const run = promisify(execFile);
const program = new Command('bench:scaleout')
  .description(
    'several instances of the orchestrator, the bridge and an agency on one box: the work spreads, nothing twice',
  )
  .option('--count <n>', 'dossiers to submit', wholeNumber('--count', 10, 20_000), 200)
  .option('--concurrency <n>', 'submissions in flight', wholeNumber('--concurrency', 1, 500), 20)
  .option(
    '--instances <n>',
    'instances of the orchestrator, the bridge and civil status',
    wholeNumber('--instances', 1, 4),
    2,
  )
  .option('--timeout <seconds>', 'how long to wait for every dossier to close', wholeNumber('--timeout', 30, 7200), 900)
  .option('--keep', 'keep the data folder afterwards', false)
  .showHelpAfterError();

interface Options {
  count: number;
  concurrency: number;
  instances: number;
  timeout: number;
  keep: boolean;
}

/** Workflow tasks and activities per worker identity, over the dossiers' histories. */
async function workPerWorker(dataDir: string, dossierIds: readonly string[]) {
  const endpoints = readState(dataDir)!.endpoints;
  const connection = await Connection.connect({ address: endpoints.temporal.address });
  try {
    const client = new Client({ connection, namespace: endpoints.temporal.namespace });
    const work = new Map<string, { workflowTasks: number; activities: number }>();
    const count = (identity: string | null | undefined, kind: 'workflowTasks' | 'activities') => {
      const entry = work.get(identity ?? '?') ?? { workflowTasks: 0, activities: 0 };
      entry[kind] += 1;
      work.set(identity ?? '?', entry);
    };
    await pool(dossierIds, 10, async (dossierId) => {
      const history = await client.workflow.getHandle(dossierId).fetchHistory();
      for (const event of history.events ?? []) {
        if (event.workflowTaskCompletedEventAttributes)
          count(event.workflowTaskCompletedEventAttributes.identity, 'workflowTasks');
        if (event.activityTaskStartedEventAttributes)
          count(event.activityTaskStartedEventAttributes.identity, 'activities');
      }
    });
    return work;
  } finally {
    await connection.close();
  }
}

/** Each member of a consumer group: the partitions it holds and the messages committed on them. */
async function groupMembers(dataDir: string, groupId: string, log: Logger) {
  const endpoints = readState(dataDir)!.endpoints;
  const admin = kafkaFor(endpoints.kafka, 'admin', { clientId: 'bench-scale-out' }, log).admin();
  await admin.connect();
  try {
    const {
      groups: [group],
    } = await admin.describeGroups([groupId]);
    const offsets = await admin.fetchOffsets({ groupId });
    const committed = new Map<string, number>();
    for (const { topic, partitions } of offsets)
      for (const p of partitions) committed.set(`${topic}/${p.partition}`, Math.max(0, Number(p.offset)));
    const { AssignerProtocol } = await import('kafkajs');
    return (group?.members ?? []).map((member) => {
      const assignment = AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment ?? {};
      const held = Object.entries(assignment).flatMap(([topic, partitions]) =>
        partitions.map((partition) => `${topic}/${partition}`),
      );
      return {
        member: member.memberId.slice(-8),
        partitions: held.length,
        messages: held.reduce((n, key) => n + (committed.get(key) ?? 0), 0),
      };
    });
  } finally {
    await admin.disconnect();
  }
}

async function main(): Promise<number> {
  program.parse();
  const opts = program.opts<Options>();
  const root = resolve(import.meta.dirname, '..');
  const dataDir = mkdtempSync(join(tmpdir(), 'lienthong-scale-out-'));
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  const log = createLogger({ level: 'warn', format: 'json' }, { process: 'bench-scale-out' });
  const ports = await freeServerPorts();
  // The api, the registry, then the back offices: civil-status instances on ports of their own,
  // and residence and social insurance at BACK_OFFICE_BASE_PORT + 1 and + 2, all checked free.
  const first = await freePortRun(4 + opts.instances);
  const [api, registry] = [first, first + 1];
  const backOffices = Array.from({ length: opts.instances }, (_, i) => (i === 0 ? first + 2 : first + 4 + i));
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
    TEMPORAL_UI: 'false',
    KAFKA_PORT: String(ports.kafka),
    KAFKA_CONTROLLER_PORT: String(ports.kafkaController),
    POSTGRES_PORT: String(ports.postgres),
    KAFKA_TOPIC_PARTITIONS: String(Math.max(3, opts.instances * 2)),
    API_PORT: String(api),
    REGISTRY_PORT: String(registry),
    BACK_OFFICE_BASE_PORT: String(backOffices[0]),
    AUTH_DEV_LOGIN: 'true',
    API_RATE_LIMIT_PER_MINUTE: '1000000',
    POPULATION_SIZE: String(Math.max(2_000, opts.count * 4)),
  };
  process.stderr.write(`bench:scaleout: servers, services and logs in ${dataDir}\n`);
  const supervisor = createSupervisor({ root, dataDir, env, log });
  let failed = true;
  try {
    await run(process.execPath, ['--import', 'tsx', 'infra/cli.ts', 'up'], { cwd: root, env, timeout: 600_000 });
    const many = (name: string, spec: Omit<ServiceSpec, 'name'>) =>
      Array.from({ length: opts.instances }, (_, i) => ({ name: `${name}-${i + 1}`, ...spec }));
    supervisor.start({ name: 'registry', entry: 'workers/registry.ts' });
    await sleep(3_000);
    // Each civil-status instance serves its back office on a port of its own.
    many('civil-status', { entry: 'workers/agency.ts', args: ['--agency', 'civil-status'] }).forEach((spec, i) =>
      supervisor.start(spec, { BACK_OFFICE_BASE_PORT: String(backOffices[i]) }),
    );
    for (const agency of ['residence', 'social-insurance'])
      supervisor.start({ name: agency, entry: 'workers/agency.ts', args: ['--agency', agency] });
    for (const spec of [
      ...many('orchestrator', { entry: 'workers/orchestrator.ts' }),
      ...many('bridge', { entry: 'workers/event-bridge.ts' }),
    ])
      supervisor.start(spec);
    supervisor.start({ name: 'api', entry: 'workers/api.ts' });
    const portal = createChaosApi(`http://127.0.0.1:${api}`);
    const ready = Date.now() + 300_000;
    while (
      Date.now() < ready &&
      !(await portal.stuckDossierIds().then(
        () => true,
        () => false,
      ))
    )
      await sleep(1_000);

    const planned = planDossiers(opts.count, Date.now() % 100_000, Number(env.POPULATION_SIZE));
    const bar = new SingleBar(
      {
        format: '  dossiers [{bar}] {value}/{total} closed | submitted {submitted}',
        noTTYOutput: true,
        notTTYSchedule: 10_000,
      },
      Presets.shades_classic,
    );
    bar.start(planned.length, 0, { submitted: 0 });
    // CPU of every process from the first submission to the last close: what each part costs a dossier.
    const servers = readState(dataDir)!.processes;
    const measuring = cpuMeter({
      ...Object.fromEntries(supervisor.names().map((name) => [name, supervisor.pid(name)!])),
      ...Object.fromEntries(Object.entries(servers).map(([name, record]) => [`${name} (server)`, record.pid])),
    }).start();
    const started = Date.now();
    const ids = new Map<string, (typeof planned)[number]>();
    const subjects: DossierSubject[] = [];
    const today = localDate(new Date());
    await pool(planned, opts.concurrency, async (dossier) => {
      const dossierId = await portal.submit(dossier.input(today), dossier.key);
      ids.set(dossierId, dossier);
      subjects.push({ dossierId, ...dossier.subject(today) });
      bar.update({ submitted: ids.size });
    });
    const submittedIn = (Date.now() - started) / 1000;
    const statuses = new Map<string, string>();
    const deadline = Date.now() + opts.timeout * 1000;
    while (Date.now() < deadline) {
      await pool([...ids.keys()], opts.concurrency, async (dossierId) => {
        if (closedDossierStatuses.includes(statuses.get(dossierId) as never)) return;
        const state = await portal.dossier(dossierId);
        if (state) statuses.set(dossierId, state.status);
      });
      const closed = [...statuses.values()].filter((s) => closedDossierStatuses.includes(s as never)).length;
      bar.update(closed);
      if (closed === ids.size) break;
      await sleep(2_000);
    }
    bar.stop();
    const seconds = (Date.now() - started) / 1000;
    const cpu = measuring.stop();

    const outcomes: DossierOutcome[] = [...ids].map(([dossierId, dossier]) => ({
      dossierId,
      fault: 'none',
      expected: dossier.expected,
      status: statuses.get(dossierId),
      closed: closedDossierStatuses.includes(statuses.get(dossierId) as never),
    }));
    const findings = checkOutcomes(outcomes, await readEffects(dataDir, subjects), new Set(ids.keys()));
    const workers = await workPerWorker(dataDir, [...ids.keys()]);
    const groups = {
      bridge: await groupMembers(dataDir, consumerGroups.eventBridge, log),
      'civil-status': await groupMembers(dataDir, consumerGroups.agency('civil-status'), log),
    };

    const out: string[] = [];
    out.push(
      `\n${ids.size} dossiers (${planned.filter((p) => p.kind === 'birth').length} births) with ${opts.instances} orchestrators, bridges and civil-status agencies: ` +
        `submitted in ${submittedIn.toFixed(1)} s, all closed in ${seconds.toFixed(1)} s (${(ids.size / seconds).toFixed(1)} dossiers/s)`,
      '\norchestrator workers (from the histories)',
      `  ${'worker identity'.padEnd(28)} ${'workflow tasks'.padStart(15)} ${'activities'.padStart(11)}`,
      ...[...workers].map(
        ([identity, w]) =>
          `  ${identity.padEnd(28)} ${String(w.workflowTasks).padStart(15)} ${String(w.activities).padStart(11)}`,
      ),
    );
    for (const [name, members] of Object.entries(groups))
      out.push(
        `\n${name} consumer group`,
        `  ${'member'.padEnd(28)} ${'partitions'.padStart(15)} ${'messages'.padStart(11)}`,
        ...members.map(
          (m) =>
            `  ${`…${m.member}`.padEnd(28)} ${String(m.partitions).padStart(15)} ${String(m.messages).padStart(11)}`,
        ),
      );
    out.push(...cpuLines(cpu, ids.size, seconds));
    out.push(
      `\nlost ${findings.lost.length}, duplicate effects ${findings.duplicates.length}, still open ${outcomes.filter((o) => !o.closed).length}`,
    );
    process.stdout.write(`${out.join('\n')}\n`);
    const idle =
      workers.size < opts.instances ||
      [...workers.values()].some((w) => w.workflowTasks === 0) ||
      Object.values(groups).some((m) => m.length < opts.instances || m.some((x) => x.messages === 0));
    if (idle) process.stdout.write('an instance did no work: the load did not spread\n');
    failed = idle || findings.lost.length > 0 || findings.duplicates.length > 0;
    return failed ? 1 : 0;
  } finally {
    await supervisor.stopAll();
    await run(process.execPath, ['--import', 'tsx', 'infra/cli.ts', 'down'], {
      cwd: root,
      env,
      timeout: 120_000,
    }).catch((err: unknown) => log.warn({ error: (err as Error).message }, 'infra:down failed'));
    if (!failed && !opts.keep) rmSync(dataDir, { recursive: true, force: true });
    else process.stderr.write(`bench:scaleout: logs kept in ${dataDir}/logs\n`);
  }
}

/** CPU per dossier of each process (servers with their children), largest first, and the share of the total. */
function cpuLines(cpu: Record<string, number>, dossiers: number, seconds: number): string[] {
  const total = Object.values(cpu).reduce((a, b) => a + b, 0);
  const rows = Object.entries(cpu).sort((a, b) => b[1] - a[1]);
  return [
    `\nCPU from the first submission to the last close (${total.toFixed(1)} s over ${seconds.toFixed(0)} s on ${availableParallelism()} cores)`,
    `  ${'process'.padEnd(28)} ${'ms per dossier'.padStart(15)} ${'share'.padStart(11)}`,
    ...rows.map(
      ([name, s]) =>
        `  ${(name === 'node (bench)' ? 'bench driver (submit, poll)' : name).padEnd(28)} ${((s * 1000) / Math.max(1, dossiers)).toFixed(1).padStart(15)} ${`${((s / Math.max(total, 1e-9)) * 100).toFixed(0)}%`.padStart(11)}`,
    ),
  ];
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench:scaleout failed: ${(err as Error)?.message ?? String(err)}\n`);
    process.exit(2);
  },
);
