import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { z } from 'zod';
import type { ActivityPublisher } from '../activities';
import { agencyIds, type AgencyId } from '../contracts/agencies';
import { orchestratorTaskQueue, type AgencyEventDelivery } from '../contracts/dossier-workflow';
import type { DossierStatusView } from '../contracts/dossier-status';
import { birthBundle, type BirthBundleInput } from '../contracts/procedures/birth-bundle';
import { demoCitizens } from '../contracts/population-generator';
import { payloadCodecFor } from '../platform/codec';
import { loadConfig } from '../platform/config';
import { kafkaFor } from '../platform/kafka';
import { createLogger, type Logger } from '../platform/logger';
import { installTemporalRuntime } from '../platform/temporal-runtime';
import { startOrchestrator } from '../services/orchestrator';
import { startServices } from '../services/runtime';
import { agencyEventSignal } from '../workflows/messages';
import { cpuMeter, printCpu } from './cpu';
import { benchStack, percentile, printTable, type BenchRow } from './stack';
import { busKeySettings, loadBusKeyring } from '../platform/bus';

/**
 * Birth bundles end to end: N dossiers at a chosen concurrency through the whole system (workflow,
 * Kafka, agency services with their databases, outbox, event bridge), and in the same run, on the
 * same server: the bare engine (the same shape as a plain workflow of no-op activities), and the
 * same dossier workflow on a baseline worker whose activities publish nothing and whose agency
 * answers are signalled straight to the workflow. Every row is printed as a share of the bare
 * engine, with the history events and workflow tasks one dossier cost (counted from histories).
 */
const Flags = z.strictObject({
  count: z.coerce
    .number({ error: '--count: must be a number' })
    .int('--count: must be whole')
    .min(10, '--count: at least 10')
    .max(100_000, '--count: at most 100000')
    .default(1_000),
  concurrency: z.coerce
    .number({ error: '--concurrency: must be a number' })
    .int('--concurrency: must be whole')
    .min(1, '--concurrency: at least 1')
    .max(1_000, '--concurrency: at most 1000')
    .default(50),
  population: z.coerce
    .number({ error: '--population: must be a number' })
    .int('--population: must be whole')
    .min(0, '--population: at least 0')
    .max(1_000_000, '--population: at most 1000000')
    .default(100_000),
});

const baselineTaskQueue = `${orchestratorTaskQueue}-bench-baseline`;
const bareTaskQueue = `${orchestratorTaskQueue}-bench-bare`;
const bareWorkflowsPath = fileURLToPath(new URL('./bare-workflow.ts', import.meta.url));
/** Histories read per row to count events and workflow tasks per dossier. */
const historySample = 50;
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

/** Syllables that spell a child's name from its index: every bench birth is another birth to civil status. */
const syllables = ['An', 'Bình', 'Chi', 'Dũng', 'Giang', 'Hà', 'Khang', 'Linh', 'Minh', 'Nam'];

function birth(i: number): BirthBundleInput {
  const [mother, father] = demoCitizens;
  return {
    procedure: 'birth-bundle',
    applicant: { personalIdNumber: mother!.personalId, fullName: mother!.fullName, relationship: 'mother' },
    child: {
      fullName: `Trần ${[...String(i)].map((digit) => syllables[Number(digit)]).join(' ')}`,
      sex: i % 2 === 0 ? 'male' : 'female',
      birthDate: daysAgo(5),
      birthPlace: { provinceCode: '001', commune: 'Phường Hoàn Kiếm', street: 'Bệnh viện Phụ sản Hà Nội' },
    },
    mother: { personalIdNumber: mother!.personalId, fullName: mother!.fullName },
    father: { personalIdNumber: father!.personalId, fullName: father!.fullName },
    birthCertificateReference: `GCS-BENCH-${i}`,
    residence: {
      address: { provinceCode: '001', commune: 'Phường Ba Đình', street: '12 Phố Đội Cấn' },
      parent: 'mother',
      parentConfirmed: true,
      householdHeadConsent: false,
      ownerConsent: false,
    },
  };
}

/** The baseline's "agencies": every command is answered at once by signals, with plausible results. */
function directAnswers(client: Client): ActivityPublisher {
  const results: Record<string, [string, Record<string, unknown>]> = {
    'RegisterBirth.v1': [
      'BirthRegistered.v1',
      { birthCertificateNumber: '001/2026/KS-000001', childPersonalIdNumber: '001226000001' },
    ],
    'RegisterPermanentResidence.v1': [
      'PermanentResidenceRegistered.v1',
      { residenceRegistrationNumber: 'TT-001-2026-000001', householdId: 'HK-001-DEMO001' },
    ],
    'IssueHealthInsuranceCard.v1': [
      'HealthInsuranceCardIssued.v1',
      {
        socialInsuranceNumber: '0126000001',
        cardNumber: 'TE1010126000001',
        validFrom: daysAgo(5),
        validTo: '2032-09-30',
      },
    ],
  };
  return {
    async publish(topic, event) {
      const answer = results[event.type];
      if (!answer) return; // notifications and cancel commands: nobody listens in the baseline
      const agency = topic.name.split('.')[1] as AgencyId;
      const data = event.data as { dossierId: string; stepId: string; commandId: string };
      const handle = client.workflow.getHandle(data.dossierId);
      const deliver = (type: string, payload: Record<string, unknown>) => {
        const delivery: AgencyEventDelivery = {
          eventId: `${data.commandId}/${type}`,
          type,
          agency,
          stepId: data.stepId,
          commandId: data.commandId,
          occurredAt: new Date().toISOString(),
          data: { ...payload, ...data },
        };
        return handle.signal(agencyEventSignal, delivery);
      };
      await deliver('CommandReceived.v1', { handling: 'automatic', receivedAt: new Date().toISOString() });
      await deliver(answer[0], { ...answer[1], registeredAt: new Date().toISOString() });
    },
  };
}

/** What one row starts: a workflow type on a task queue, and when its result counts as done. */
interface Target {
  workflowType: string;
  taskQueue: string;
  args: (dossierId: string, i: number) => unknown[];
}

/** Births are numbered across rows: the warm-up's births and the measured run's stay distinct to civil status. */
let nextBirth = 0;

const dossierTarget = (taskQueue: string): Target => ({
  workflowType: birthBundle.workflowType,
  taskQueue,
  args: (dossierId) => [{ dossierId, input: birth(nextBirth++) }],
});

async function run(
  name: string,
  client: Client,
  target: Target,
  count: number,
  concurrency: number,
  log: Logger,
  meter?: ReturnType<typeof cpuMeter>,
): Promise<BenchRow & { mix: Record<string, number>; cpu: Record<string, number> }> {
  const latencies: number[] = [];
  const done: string[] = [];
  let next = 0;
  let failed = 0;
  const progress = setInterval(
    () => log.info({ run: name, completed: latencies.length, failed, of: count }, 'progress'),
    2_000,
  );
  const started = Date.now();
  const measuring = meter?.start();
  const lane = async () => {
    while (next < count) {
      const i = next++;
      const dossierId = `HS-BENCH-${randomUUID().slice(0, 13).toUpperCase()}`;
      const submitted = Date.now();
      const handle = await client.workflow.start(target.workflowType, {
        taskQueue: target.taskQueue,
        workflowId: dossierId,
        args: target.args(dossierId, i),
      });
      const result = (await handle.result()) as DossierStatusView | string;
      if ((typeof result === 'string' ? result : result.status) === 'result-returned') {
        latencies.push(Date.now() - submitted);
        done.push(dossierId);
      } else failed += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const cpu = measuring?.stop() ?? {};
  clearInterval(progress);
  if (failed > 0) log.warn({ run: name, failed }, 'some dossiers did not complete');
  const seconds = (Date.now() - started) / 1000;
  return { name, count: latencies.length, seconds, latenciesMs: latencies, cpu, ...(await historyCost(client, done)) };
}

/** What a workflow's history spends its events on, by kind (the mix table's columns). */
const eventKinds: [string, (event: HistoryEvent) => boolean][] = [
  ['wf tasks', (e) => Boolean(e.workflowTaskCompletedEventAttributes)],
  ['signals', (e) => Boolean(e.workflowExecutionSignaledEventAttributes)],
  ['activities', (e) => Boolean(e.activityTaskScheduledEventAttributes)],
  ['local acts', (e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity'],
  ['patches', (e) => e.markerRecordedEventAttributes?.markerName === 'core_patch'],
  ['upserts', (e) => Boolean(e.upsertWorkflowSearchAttributesEventAttributes)],
  ['timers', (e) => Boolean(e.timerStartedEventAttributes)],
];
type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];

/** Mean history events, workflow tasks and events by kind over a sample of the row's completed workflows. */
async function historyCost(client: Client, workflowIds: string[]) {
  const sample = workflowIds.slice(0, historySample);
  let events = 0;
  const mix = new Map<string, number>(eventKinds.map(([kind]) => [kind, 0]));
  for (const workflowId of sample) {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const all = history.events ?? [];
    events += all.length;
    for (const [kind, matches] of eventKinds) mix.set(kind, mix.get(kind)! + all.filter(matches).length);
  }
  const n = Math.max(1, sample.length);
  return {
    events: events / n,
    workflowTasks: mix.get('wf tasks')! / n,
    mix: Object.fromEntries([...mix].map(([kind, total]) => [kind, total / n])),
  };
}

/** Per row, the mean events of each kind per workflow: where a dossier's history goes. */
function printMix(rows: (BenchRow & { mix: Record<string, number> })[]): void {
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log(`\nhistory events per workflow, by kind (mean of ${historySample} histories)`);
  console.log(['run'.padEnd(width), ...eventKinds.map(([kind]) => kind.padStart(11))].join(' '));
  for (const row of rows)
    console.log(
      [row.name.padEnd(width), ...eventKinds.map(([kind]) => (row.mix[kind] ?? 0).toFixed(1).padStart(11))].join(' '),
    );
}

/** The issue's targets for the full system, against the bare engine of the same run. */
const targets = { share: 0.6, p99Ratio: 2, events: 30, workflowTasks: 5 };

/** Prints each target with the full system's figure and whether it is met. */
function printVerdict(bare: BenchRow, full: BenchRow): void {
  const p99 = (row: BenchRow) =>
    percentile(
      [...row.latenciesMs].sort((a, b) => a - b),
      99,
    );
  const share = full.count / full.seconds / (bare.count / bare.seconds);
  const checks: [string, string, boolean][] = [
    [
      `throughput at least ${targets.share * 100}% of the bare engine`,
      `${(share * 100).toFixed(0)}%`,
      share >= targets.share,
    ],
    [
      `p99 at most ${targets.p99Ratio}x the bare engine's`,
      `${(p99(full) / p99(bare)).toFixed(2)}x`,
      p99(full) <= targets.p99Ratio * p99(bare),
    ],
    [
      `at most ${targets.events} history events per dossier`,
      (full.events ?? Number.NaN).toFixed(1),
      (full.events ?? Infinity) <= targets.events,
    ],
    [
      `at most ${targets.workflowTasks} workflow tasks per dossier`,
      (full.workflowTasks ?? Number.NaN).toFixed(1),
      (full.workflowTasks ?? Infinity) <= targets.workflowTasks,
    ],
  ];
  console.log('\ntargets (full system)');
  for (const [target, figure, met] of checks)
    console.log(`${target.padEnd(48)} ${figure.padStart(8)}  ${met ? 'met' : 'MISSED'}`);
}

/** A worker for the bare-engine row: the bare shape and its no-op activity, default tuning like the orchestrator. */
async function startBareWorker(address: string, namespace: string, config: ReturnType<typeof loadConfig>) {
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue: bareTaskQueue,
    workflowsPath: bareWorkflowsPath,
    activities: { async noop() {} },
    dataConverter: { payloadCodecs: [payloadCodecFor(config)] },
  });
  const done = worker.run().finally(() => connection.close());
  return {
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}

async function main(): Promise<number> {
  let flags;
  try {
    flags = Flags.parse(
      parseArgs({
        options: { count: { type: 'string' }, concurrency: { type: 'string' }, population: { type: 'string' } },
        strict: true,
      }).values,
    );
  } catch (err) {
    const message = err instanceof z.ZodError ? err.issues.map((i) => i.message).join('\n') : (err as Error).message;
    process.stderr.write(
      `${message}\nusage: npm run bench -- [--count 1000] [--concurrency 50] [--population 100000]\n`,
    );
    return 2;
  }
  const log = createLogger(
    { level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'info', format: 'json' },
    { process: 'bench' },
  );
  const stack = await benchStack(log);
  const config = loadConfig({
    ...process.env,
    INFRA_MODE: 'local',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'lienthong-bench-data-')),
    PAYLOAD_KEYS: `bench:${Buffer.alloc(32, 7).toString('base64')}`,
    AGENCY_POLICY: 'auto',
    AGENCY_PROCESSING_DELAY_MS: '0',
    POPULATION_SIZE: String(flags.population),
    LOG_LEVEL: 'warn',
  });
  const quiet = log.child({}, { level: 'warn' });
  installTemporalRuntime(quiet, 'warn');
  const services = await startServices(config, stack.endpoints, quiet, {
    orchestrator: true,
    bridge: true,
    agencies: [...agencyIds],
    // Civil status asks the registry for each newborn's ID number: without it no birth registers.
    registry: true,
  });
  const connection = await Connection.connect({ address: stack.endpoints.temporal.address });
  const client = new Client({
    connection,
    namespace: stack.endpoints.temporal.namespace,
    dataConverter: { payloadCodecs: [payloadCodecFor(config)] },
  });
  const baseline = await startOrchestrator({
    address: stack.endpoints.temporal.address,
    namespace: stack.endpoints.temporal.namespace,
    codec: payloadCodecFor(config),
    kafka: kafkaFor(stack.endpoints.kafka, 'orchestrator', config.kafka, quiet),
    keyring: loadBusKeyring(busKeySettings(config), 'orchestrator'),
    log: quiet,
    taskQueue: baselineTaskQueue,
    publisher: directAnswers(client),
  });
  const bare = await startBareWorker(stack.endpoints.temporal.address, stack.endpoints.temporal.namespace, config);
  const bareTarget: Target = { workflowType: 'bareBundle', taskQueue: bareTaskQueue, args: () => [] };
  try {
    log.info({ count: flags.count, concurrency: flags.concurrency }, 'warming up');
    const warmUp = Math.min(20, flags.count);
    for (const target of [bareTarget, dossierTarget(baselineTaskQueue), dossierTarget(orchestratorTaskQueue)])
      await run('warm-up', client, target, warmUp, Math.min(flags.concurrency, 10), quiet);
    const meter = cpuMeter(stack.pids);
    const rows = [
      await run('bare engine (no-op shape)', client, bareTarget, flags.count, flags.concurrency, log, meter),
      await run(
        'baseline (signals, no Kafka)',
        client,
        dossierTarget(baselineTaskQueue),
        flags.count,
        flags.concurrency,
        log,
        meter,
      ),
      await run(
        'full system',
        client,
        dossierTarget(orchestratorTaskQueue),
        flags.count,
        flags.concurrency,
        log,
        meter,
      ),
    ];
    printTable(
      `birth bundles: ${flags.count} dossiers at concurrency ${flags.concurrency}, submit-to-completed`,
      rows,
      rows[0]!.name,
    );
    printMix(rows);
    printCpu(
      'CPU milliseconds per dossier, by process (servers with their children; node runs every worker and service)',
      rows,
    );
    // The figures are the result: a missed target is reported, not an error (machines are noisy).
    printVerdict(rows[0]!, rows[2]!);
    return 0;
  } finally {
    await bare.stop();
    await baseline.stop();
    await connection.close();
    await services.stop();
    await stack.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
