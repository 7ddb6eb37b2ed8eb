import { closedDossierStatuses } from '../../contracts/dossier-status';
import type { Logger } from '../../platform/logger';
import type { ChaosApi, DossierState } from './api';
import type { UnseenStuck } from './check';
import { pool } from './pool';

/** Step statuses that need an operator's eye: the stuck list must show their dossier. */
const needsAttention = ['failed', 'overdue'];

export const isClosed = (state: DossierState | undefined) =>
  state !== undefined && closedDossierStatuses.includes(state.status as never);

/**
 * Watches one phase's dossiers as an operator would, while the fault lasts and after it: reads every
 * open dossier, and when one has a failed or overdue step, looks for it on the stuck list. A dossier
 * missing from the list for longer than `graceSeconds` (the list reads Temporal's visibility, which
 * lags) is unseen. Chaos retries a failed step as an audited operator, but only once the dossier is
 * on the stuck list: an operator can act only on what the list shows.
 */
export function createWatcher(options: {
  api: ChaosApi;
  fault: string;
  concurrency: number;
  graceSeconds: number;
  log: Logger;
}) {
  const { api, fault, log } = options;
  const states = new Map<string, DossierState>();
  const needSince = new Map<string, number>();
  const unseen = new Map<string, UnseenStuck>();
  const retried = new Set<string>();
  let listed = 0;

  async function round(dossierIds: readonly string[]): Promise<number> {
    const open = dossierIds.filter((id) => !isClosed(states.get(id)));
    await pool(open, options.concurrency, async (dossierId) => {
      const state = await api.dossier(dossierId);
      if (state) states.set(dossierId, state);
    });
    const now = Date.now();
    const attention = open.filter((id) => states.get(id)?.steps.some((step) => needsAttention.includes(step.status)));
    for (const id of open) if (!attention.includes(id)) needSince.delete(id);
    for (const id of attention) if (!needSince.has(id)) needSince.set(id, now);
    if (attention.length > 0) {
      // The list cannot be read while the api or Temporal is down: nothing is judged then.
      const stuck = await api.stuckDossierIds(10_000).catch(() => undefined);
      for (const dossierId of stuck ? attention : []) {
        const state = states.get(dossierId)!;
        if (!stuck!.has(dossierId)) {
          const seconds = (now - needSince.get(dossierId)!) / 1000;
          if (seconds > options.graceSeconds && !unseen.has(dossierId)) {
            const steps = state.steps.filter((s) => needsAttention.includes(s.status));
            const reason = `${steps.map((s) => `${s.stepId} ${s.status}`).join(', ')} for ${seconds.toFixed(0)} s`;
            unseen.set(dossierId, { dossierId, fault, status: state.status, reason });
            log.warn({ dossierId, fault, reason }, 'stuck dossier not on the stuck list');
          }
          continue;
        }
        listed += 1;
        // A step out of attempts waits for an operator: chaos is that operator, audited like one.
        for (const step of state.steps.filter((s) => s.status === 'failed')) {
          const key = `${dossierId}/${step.stepId}/${step.attempts}`;
          if (retried.has(key)) continue;
          const status = await api.retryStep(dossierId, step.stepId, `chaos: retry after ${fault}`).catch(() => 0);
          if (status >= 200 && status < 300) retried.add(key);
          log.info(
            { dossierId, stepId: step.stepId, attempts: step.attempts, fault, status },
            'operator retried a step',
          );
        }
      }
    }
    return dossierIds.filter((id) => isClosed(states.get(id))).length;
  }

  return {
    /** Reads the open dossiers once, judges the stuck list, retries; resolves how many are closed. */
    round,
    state: (dossierId: string) => states.get(dossierId),
    unseen: () => [...unseen.values()],
    /** Steps chaos retried as an operator. */
    retries: () => retried.size,
    /** Times a dossier that needed attention was found on the stuck list. */
    listed: () => listed,
  };
}
export type Watcher = ReturnType<typeof createWatcher>;
