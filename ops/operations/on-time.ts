import { agencyIds, type AgencyId } from '../../contracts/agencies';
import type { StepView } from '../../contracts/dossier-status';
import type { OnTimeCounts, StepTiming } from '../../platform/step-timings';
import type { OperationsDeps } from './deps';

/** The step statuses an agency finishes a step with: its decision, whichever way it went. */
const decidedByAgency: readonly StepView['status'][] = ['completed', 'rejected'];

/** The steps of a status change the on-time rate counts: those the agency has decided. */
export function finishedSteps(dossierId: string, steps: StepView[]): StepTiming[] {
  return steps
    .filter((s) => decidedByAgency.includes(s.status) && s.finishedAt)
    .map((s) => ({ dossierId, stepId: s.stepId, agency: s.agency, dueAt: s.dueAt, finishedAt: s.finishedAt! }));
}

/** One agency's on-time rate over a window; `rate` is absent when it finished no step then. */
export interface OnTimeRate {
  finished: number;
  onTime: number;
  rate?: number;
}

/** Each agency's on-time rate over the last day and the last week: the public service index's measure. */
export type OnTimeRates = Record<AgencyId, { day: OnTimeRate; week: OnTimeRate }>;

/** Every agency with both windows, zero where it finished nothing. */
export function onTimeRatesOf(counts: OnTimeCounts[]): OnTimeRates {
  const rate = (agency: AgencyId, window: 'day' | 'week'): OnTimeRate => {
    const row = counts.find((c) => c.agency === agency && c.window === window);
    if (!row || row.finished === 0) return { finished: 0, onTime: 0 };
    return { finished: row.finished, onTime: row.onTime, rate: row.onTime / row.finished };
  };
  return Object.fromEntries(
    agencyIds.map((agency) => [agency, { day: rate(agency, 'day'), week: rate(agency, 'week') }]),
  ) as OnTimeRates;
}

/** The on-time rates from the step timings read model; undefined when this process has none. */
export async function onTimeRates(deps: OperationsDeps, now = new Date()): Promise<OnTimeRates | undefined> {
  if (!deps.stepTimings) return undefined;
  return onTimeRatesOf(await deps.stepTimings.counts(now));
}
