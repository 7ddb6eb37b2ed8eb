import { setTimeout as sleep } from 'node:timers/promises';
import type { AgencyId } from '../../contracts/agencies';

/** Fault injection for tests and demos: retries and deadlines get exercised for real. */
export interface Faults {
  latencyMs: number;
  /** Share of commands (0–1) whose handling fails transiently. */
  failureRate: number;
  /** Real-time windows during which the agency does not handle commands at all. */
  outages: { from: Date; to: Date }[];
}

export const noFaults: Faults = { latencyMs: 0, failureRate: 0, outages: [] };

/** Suffers the configured faults before a command is taken in: throws as an unreachable or failing service would. */
export async function sufferFaults(faults: Faults, agency: AgencyId): Promise<void> {
  if (faults.outages.some((o) => Date.now() >= o.from.getTime() && Date.now() < o.to.getTime()))
    throw new Error(`${agency} is in an outage window`);
  if (faults.latencyMs > 0) await sleep(faults.latencyMs);
  if (faults.failureRate > 0 && Math.random() < faults.failureRate)
    throw new Error(`${agency} failed transiently (fault injection)`);
}
