import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../platform/logger';
import { createChaosApi } from './api';
import { checkOutcomes, findingsByFault, type DossierOutcome, type UnseenStuck } from './check';
import { planDossiers } from './dossiers';
import { readEffects, type DossierSubject } from './effects';
import { faults, type FaultContext } from './faults';
import { createSupervisor } from './processes';
import { runPhase } from './phase';
import { startServices } from './stack';
import { printReport, type PhaseTiming } from './report';
import { isClosed, type Watcher } from './watch';

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
  process.stderr.write('chaos: waiting for the services (population loading takes a while)\n');
  await startServices(supervisor, api);

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
      const phase = await runPhase({ ...options, api, ctx, clock, fault, batch });
      watchers.push(phase.watcher);
      for (const outcome of phase.outcomes) outcomes.set(outcome.dossierId, outcome);
      subjects.push(...phase.subjects);
      timings.push(phase.timing);
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
