import { setTimeout as sleep } from 'node:timers/promises';
import { SingleBar, Presets } from 'cli-progress';
import { localDate, simulatedNow, type ScaledClock } from '../../contracts/calendar';
import type { Logger } from '../../platform/logger';
import type { ChaosApi } from './api';
import type { DossierOutcome } from './check';
import type { PlannedDossier } from './dossiers';
import type { DossierSubject } from './effects';
import type { Fault, FaultContext } from './faults';
import { pool } from './pool';
import type { PhaseTiming } from './report';
import { createWatcher, isClosed } from './watch';

/**
 * One fault's phase: submits its dossiers, strikes while they are in flight, watches them as an
 * operator while the fault lasts and until they are all closed (or the phase times out), with a
 * progress bar (a line every 10 s without a terminal).
 */
export async function runPhase(options: {
  api: ChaosApi;
  ctx: FaultContext;
  clock: ScaledClock;
  fault: Fault;
  batch: readonly PlannedDossier[];
  concurrency: number;
  stuckGraceSeconds: number;
  phaseTimeout: number;
  log: Logger;
}) {
  const { api, ctx, clock, fault, batch, log } = options;
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
  const outcomes: DossierOutcome[] = [];
  const subjects: DossierSubject[] = [];
  for (const dossier of batch) {
    const dossierId = ids.get(dossier);
    const state = dossierId ? watcher.state(dossierId) : undefined;
    outcomes.push({
      dossierId: dossierId ?? dossier.key,
      fault: fault.name,
      expected: dossier.expected,
      status: state?.status,
      closed: isClosed(state),
    });
    if (dossierId) subjects.push({ dossierId, ...subjectOf.get(dossier) });
  }
  const timing: PhaseTiming = {
    fault: fault.name,
    faultSeconds: (restoredAt - injectedAt) / 1000,
    recoverySeconds: settledAt ? (settledAt - restoredAt) / 1000 : undefined,
    operatorRetries: watcher.retries(),
  };
  return { outcomes, subjects, timing, watcher };
}
