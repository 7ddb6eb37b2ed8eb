import { setTimeout as sleep } from 'node:timers/promises';
import { SingleBar, Presets } from 'cli-progress';
import { closedDossierStatuses } from '../../contracts/dossier-status';
import type { Logger } from '../../platform/logger';
import { createChaosApi, type ChaosApi, type DossierState } from './api';
import { checkOutcomes, findingsByFault, type DossierOutcome } from './check';
import { planDossiers, type PlannedDossier } from './dossiers';
import { readEffects } from './effects';
import { faults, type FaultContext } from './faults';
import { createSupervisor } from './processes';
import { printReport, type PhaseTiming } from './report';

export interface ChaosOptions {
  count: number;
  faults: string[];
  seed: number;
  concurrency: number;
  downSeconds: number;
  outageSeconds: number;
  phaseTimeout: number;
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

/** Runs `task` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index]!);
      }
    }),
  );
  return results;
}

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
  const retried = new Map<string, number>();
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
      let submitted = 0;
      const submitting = pool(batch, options.concurrency, async (dossier) => {
        try {
          ids.set(dossier, await api.submit(dossier.input, dossier.key));
        } catch (err) {
          log.error({ key: dossier.key, error: (err as Error).message }, 'submission failed');
        }
        submitted += 1;
        bar.update({ submitted });
      });
      // The fault strikes while dossiers are in flight.
      await Promise.race([submitting, sleep(2_000)]);
      const injectedAt = Date.now();
      bar.update({ phase: 'fault on' });
      await fault.inject(ctx);
      await sleep(fault.holdSeconds(ctx) * 1000);
      await fault.restore(ctx);
      const restoredAt = Date.now();
      bar.update({ phase: 'recovering' });
      await submitting;
      const states = new Map<string, DossierState | undefined>();
      const deadline = restoredAt + options.phaseTimeout * 1000;
      let settledAt: number | undefined;
      while (Date.now() < deadline) {
        await pool([...ids.values()], options.concurrency, async (dossierId) => {
          const known = states.get(dossierId);
          if (known && closedDossierStatuses.includes(known.status as never)) return;
          const state = await api.dossier(dossierId);
          if (state) states.set(dossierId, state);
          // A step out of attempts waits for an operator: chaos is that operator, audited like one.
          for (const step of state?.steps ?? []) {
            const key = `${dossierId}/${step.stepId}/${step.attempts}`;
            if (step.status === 'failed' && !retried.has(key)) {
              retried.set(key, await api.retryStep(dossierId, step.stepId, `chaos: ${fault.name} is over`));
              log.info({ dossierId, stepId: step.stepId, fault: fault.name }, 'operator retried a step');
            }
          }
        });
        const closed = [...states.values()].filter((s) => s && closedDossierStatuses.includes(s.status as never));
        bar.update(closed.length);
        if (closed.length === ids.size) {
          settledAt = Date.now();
          break;
        }
        await sleep(2_000);
      }
      bar.update({ phase: settledAt ? 'settled' : 'timed out' });
      bar.stop();
      for (const dossier of batch) {
        const dossierId = ids.get(dossier);
        const state = dossierId ? states.get(dossierId) : undefined;
        outcomes.set(dossierId ?? dossier.key, {
          dossierId: dossierId ?? dossier.key,
          fault: fault.name,
          expected: dossier.expected,
          status: state?.status,
          closed: state !== undefined && closedDossierStatuses.includes(state.status as never),
        });
      }
      timings.push({
        fault: fault.name,
        faultSeconds: (restoredAt - injectedAt) / 1000,
        recoverySeconds: settledAt ? (settledAt - restoredAt) / 1000 : undefined,
        operatorRetries: [...retried.keys()].filter(
          (k) => ids.size > 0 && [...ids.values()].some((id) => k.startsWith(`${id}/`)),
        ).length,
      });
      log.info({ fault: fault.name, ...timings.at(-1) }, 'fault phase over');
    }
    // Open dossiers at the end must be on the operator's stuck list; then the effects are counted.
    const all = [...outcomes.values()];
    for (const outcome of all.filter((o) => o.status !== undefined && !o.closed)) {
      const state = await api.dossier(outcome.dossierId);
      if (state)
        Object.assign(outcome, { status: state.status, closed: closedDossierStatuses.includes(state.status as never) });
    }
    const stuck = await api.stuckDossierIds();
    const effects = await readEffects(options.dataDir);
    const findings = checkOutcomes(all, effects, stuck);
    printReport(findingsByFault(all, findings), timings, { decided, findings });
    log.info(
      { lost: findings.lost.length, duplicates: findings.duplicates.length, unseen: findings.unseen.length },
      'chaos checked',
    );
    return findings.lost.length + findings.duplicates.length + findings.unseen.length > 0;
  } finally {
    working = false;
    await worker;
    await supervisor.stopAll();
  }
}
