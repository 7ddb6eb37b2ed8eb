import { setTimeout as sleep } from 'node:timers/promises';
import { SingleBar, Presets } from 'cli-progress';
import { localDate, simulatedNow } from '../../contracts/calendar';
import type { Logger } from '../../platform/logger';
import { createChaosApi, type ChaosApi } from './api';
import { checkOutcomes, findingsByFault, type DossierOutcome, type UnseenStuck } from './check';
import { planDossiers, type PlannedDossier } from './dossiers';
import { readEffects, type DossierSubject } from './effects';
import { faults, type FaultContext } from './faults';
import { createSupervisor } from './processes';
import { pool } from './pool';
import { printReport, type PhaseTiming } from './report';
import { createWatcher, isClosed, type Watcher } from './watch';

export interface ChaosOptions {
  count: number;
  faults: string[];
  seed: number;
  concurrency: number;
  downSeconds: number;
  outageSeconds: number;
  phaseTimeout: number;
  stuckGraceSeconds: number;
  root: string;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  apiUrl: string;
  log: Logger;
}

const services = [
  { name: 'registry', entry: 'workers/registry.ts' },
  { name: 'agency-civil-status', entry: 'workers/agency.ts', args: ['--agency', 'civil-status'] },
  { name: 'agency-residence', entry: 'workers/agency.ts', args: ['--agency', 'residence'] },
  { name: 'agency-social-insurance', entry: 'workers/agency.ts', args: ['--agency', 'social-insurance'] },
  { name: 'orchestrator', entry: 'workers/orchestrator.ts' },
  { name: 'bridge', entry: 'workers/event-bridge.ts' },
  { name: 'api', entry: 'workers/api.ts' },
];

async function waitForApi(api: ChaosApi, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await api.stuckDossierIds();
      return;
    } catch {
      await sleep(1_000);
    }
  }
  throw new Error(`the api did not answer within ${timeoutMs / 1000} s`);
}

/** The whole run; resolves true when something was found (a loss, a duplicate, an unseen stuck dossier). */
export async function runChaos(options: ChaosOptions): Promise<boolean> {
  const { log } = options;
  const supervisor = createSupervisor({ root: options.root, dataDir: options.dataDir, env: options.env, log });
  const api = createChaosApi(options.apiUrl);
  const chosen = faults.filter((f) => options.faults.includes(f.name));
  const clock = {
    realEpochMs: Date.parse(options.env.CLOCK_EPOCH!),
    simulatedEpochMs: Date.parse(options.env.CLOCK_EPOCH!),
    factor: Number(options.env.CLOCK_FACTOR),
  };
  const planned = planDossiers(options.count, options.seed, Number(options.env.POPULATION_SIZE));
  const ctx: FaultContext = {
    supervisor,
    root: options.root,
    dataDir: options.dataDir,
    env: options.env,
    outageAgency: 'social-insurance',
    outageSeconds: options.outageSeconds,
    downSeconds: options.downSeconds,
  };
  // The registry first: agencies and the api reach it over HTTP.
  supervisor.start(services[0]!);
  await sleep(3_000);
  for (const spec of services.slice(1)) supervisor.start(spec);
  process.stderr.write('chaos: waiting for the services (population loading takes a while)\n');
  await waitForApi(api, 300_000);

  // The scripted agency worker answers the manual agency's inbox through the worker api, all run long.
  let working = true;
  let decided = 0;
  const worker = (async () => {
    while (working) {
      decided += await api.approveTasks('residence').catch(() => 0);
      await sleep(1_000);
    }
  })();

  const outcomes = new Map<string, DossierOutcome>();
  const timings: PhaseTiming[] = [];
  const watchers: Watcher[] = [];
  const subjects: DossierSubject[] = [];
  const perPhase = Math.ceil(planned.length / chosen.length);
  try {
    for (const [index, fault] of chosen.entries()) {
      const batch = planned.slice(index * perPhase, (index + 1) * perPhase);
      if (batch.length === 0) break;
      log.info({ fault: fault.name, dossiers: batch.length }, 'fault phase starts');
      process.stderr.write(`\nchaos: ${fault.name} (${fault.description}), ${batch.length} dossiers\n`);
      const bar = new SingleBar(
        {
          format: `  ${fault.name.padEnd(22)} [{bar}] {value}/{total} closed | submitted {submitted} | {phase}`,
          // In CI (no terminal) a line every 10 s rather than nothing.
          noTTYOutput: true,
          notTTYSchedule: 10_000,
        },
        Presets.shades_classic,
      );
      bar.start(batch.length, 0, { submitted: 0, phase: 'submitting' });
      const ids = new Map<PlannedDossier, string>();
      const subjectOf = new Map<PlannedDossier, ReturnType<PlannedDossier['subject']>>();
      let submitted = 0;
      const submitting = pool(batch, options.concurrency, async (dossier) => {
        // Dated by the run's simulated clock, as the services decide (a death is late 15 simulated days on).
        const today = localDate(simulatedNow(clock, Date.now()));
        subjectOf.set(dossier, dossier.subject(today));
        try {
          ids.set(dossier, await api.submit(dossier.input(today), dossier.key));
        } catch (err) {
          log.error({ key: dossier.key, error: (err as Error).message }, 'submission failed');
        }
        submitted += 1;
        bar.update({ submitted });
      });
      // The fault strikes while dossiers are in flight; while it lasts, chaos watches them as an operator.
      await Promise.race([submitting, sleep(2_000)]);
      const watcher = createWatcher({
        api,
        fault: fault.name,
        concurrency: options.concurrency,
        graceSeconds: options.stuckGraceSeconds,
        log,
      });
      watchers.push(watcher);
      const watchUntil = async (until: () => boolean) => {
        while (!until()) {
          bar.update(await watcher.round([...ids.values()]));
          if (!until()) await sleep(2_000);
        }
      };
      const injectedAt = Date.now();
      bar.update({ phase: 'fault on' });
      await fault.inject(ctx);
      const holdUntil = Date.now() + fault.holdSeconds(ctx) * 1000;
      await watchUntil(() => Date.now() >= holdUntil);
      await fault.restore(ctx);
      const restoredAt = Date.now();
      bar.update({ phase: 'recovering' });
      await submitting;
      const deadline = restoredAt + options.phaseTimeout * 1000;
      let settledAt: number | undefined;
      await watchUntil(() => {
        if ([...ids.values()].every((id) => isClosed(watcher.state(id)))) settledAt ??= Date.now();
        return settledAt !== undefined || Date.now() >= deadline;
      });
      bar.update({ phase: settledAt ? 'settled' : 'timed out' });
      bar.stop();
      for (const dossier of batch) {
        const dossierId = ids.get(dossier);
        const state = dossierId ? watcher.state(dossierId) : undefined;
        outcomes.set(dossierId ?? dossier.key, {
          dossierId: dossierId ?? dossier.key,
          fault: fault.name,
          expected: dossier.expected,
          status: state?.status,
          closed: isClosed(state),
        });
        if (dossierId) subjects.push({ dossierId, ...subjectOf.get(dossier) });
      }
      timings.push({
        fault: fault.name,
        faultSeconds: (restoredAt - injectedAt) / 1000,
        recoverySeconds: settledAt ? (settledAt - restoredAt) / 1000 : undefined,
        operatorRetries: watcher.retries(),
      });
      log.info({ fault: fault.name, ...timings.at(-1) }, 'fault phase over');
    }
    // Open dossiers at the end must be on the operator's stuck list; then the effects are counted.
    const all = [...outcomes.values()];
    for (const outcome of all.filter((o) => o.status !== undefined && !o.closed)) {
      const state = await api.dossier(outcome.dossierId);
      if (state) Object.assign(outcome, { status: state.status, closed: isClosed(state) });
    }
    const stuck = await api.stuckDossierIds();
    const effects = await readEffects(options.dataDir, subjects);
    const unseenDuringFaults: UnseenStuck[] = watchers.flatMap((w) => w.unseen());
    const findings = checkOutcomes(all, effects, stuck, unseenDuringFaults);
    printReport(findingsByFault(all, findings), timings, { decided, findings });
    log.info(
      {
        lost: findings.lost.length,
        duplicates: findings.duplicates.length,
        unseen: findings.unseen.length,
        effectsCounted: effects.length,
        stuckListed: watchers.reduce((n, w) => n + w.listed(), 0),
      },
      'chaos checked',
    );
    return findings.lost.length + findings.duplicates.length + findings.unseen.length > 0;
  } finally {
    working = false;
    await worker;
    await supervisor.stopAll();
  }
}
