import { agencyIds, type AgencyId } from '../../contracts/agencies';
import type { StuckDossier, StuckList, StuckReason } from '../../contracts/api';
import type { OutboxLag } from '../../contracts/back-office';
import { reportedTaskProblems } from '../../contracts/search-attributes';
import type { OperationsDeps } from './deps';
import type { OpenDeadLetters } from './open-dead-letters';

export { reportedTaskProblems };
/** At most this many dossiers named by dead letters and outboxes go into one visibility query. */
const namedDossiersMax = 500;

export interface StuckOptions {
  limit: number;
  cursor?: string;
  /** A result older than this in an agency's outbox makes its dossier stuck. */
  outboxLagThresholdSeconds: number;
}

const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;

/**
 * The running dossiers that need a look, a page at a time, from Temporal visibility over the
 * search attributes the workflow keeps current (Overdue, Failing), Temporal's own reported
 * problems (failing workflow tasks), the open dead letters and each agency's outbox lag as its
 * back office reports it. No dossier is described one by one: one list and a few counts.
 */
export async function stuckDossiers(deps: OperationsDeps, options: StuckOptions): Promise<StuckList> {
  const { limit, cursor, outboxLagThresholdSeconds } = options;
  const [deadLetters, outboxes] = await Promise.all([
    deps.openDeadLetters ? deps.openDeadLetters().catch(() => [] as OpenDeadLetters[]) : [],
    outboxLags(deps, outboxLagThresholdSeconds),
  ]);
  const deadLettersOf = groupBy(deadLetters, (d) => d.dossierId);
  const lagging = new Map<string, { agency: AgencyId; stepId: string; ageSeconds: number }[]>();
  for (const { agency, lag } of outboxes)
    for (const w of lag?.waiting ?? [])
      lagging.set(w.dossierId, [...(lagging.get(w.dossierId) ?? []), { agency, ...w }]);
  const named = [...new Set([...deadLettersOf.keys(), ...lagging.keys()])].slice(0, namedDossiersMax);

  const running = deps.dossiers.query({ running: true });
  const anyOf = ['Overdue = true', 'Failing = true', reportedTaskProblems];
  if (named.length > 0) anyOf.push(`WorkflowId IN (${named.map(quote).join(', ')})`);
  const query = `${running} AND (${anyOf.join(' OR ')})`;
  const namedRunning = named.length > 0 ? `${running} AND WorkflowId IN (${named.map(quote).join(', ')})` : undefined;

  const [page, total, overdue, failing, taskFailing, namedCount] = await Promise.all([
    deps.dossiers.page(query, limit, cursor),
    deps.dossiers.count(query),
    deps.dossiers.count(`${running} AND Overdue = true`),
    deps.dossiers.count(`${running} AND Failing = true`),
    deps.dossiers.count(`${running} AND ${reportedTaskProblems}`),
    namedRunning ? deps.dossiers.list(namedRunning, namedDossiersMax) : Promise.resolve([]),
  ]);
  const runningNamed = new Set(namedCount.map((d) => d.dossierId));

  const dossiers = page.rows.map(({ reportedProblems, ...summary }): StuckDossier => {
    const reasons: StuckReason[] = [];
    const detail: string[] = [];
    const agencies = new Set<string>(summary.agenciesWaitedOn);
    if (summary.overdue) {
      reasons.push('overdue');
      detail.push(
        `overdue since ${summary.earliestDueAt ?? 'its due time'} at ${summary.agenciesWaitedOn.join(', ') || 'an agency'}`,
      );
    }
    if (summary.failing) {
      reasons.push('failed-awaiting-operator');
      detail.push(`${summary.currentSteps.join(', ') || 'a step'} ran out of attempts and waits for an operator`);
    }
    if (reportedProblems.length > 0) {
      reasons.push('workflow-task-failing');
      detail.push(`workflow task failing: ${reportedProblems.join(', ')}`);
    }
    for (const letters of deadLettersOf.get(summary.dossierId) ?? []) {
      if (!reasons.includes('dead-lettered')) reasons.push('dead-lettered');
      agencies.add(letters.agency);
      detail.push(`${letters.count} dead letter(s) on ${letters.topic}: ${letters.reasons.join('; ')}`);
    }
    for (const w of lagging.get(summary.dossierId) ?? []) {
      if (!reasons.includes('outbox-lag')) reasons.push('outbox-lag');
      agencies.add(w.agency);
      detail.push(`the ${w.agency} result of ${w.stepId} has waited ${Math.round(w.ageSeconds)} s in its outbox`);
    }
    return { ...summary, reasons, detail, agencies: [...agencies] };
  });

  const distinctRunning = (ids: Iterable<string>) => [...ids].filter((id) => runningNamed.has(id)).length;
  return {
    total,
    counts: {
      overdue,
      'failed-awaiting-operator': failing,
      'workflow-task-failing': taskFailing,
      'dead-lettered': distinctRunning(deadLettersOf.keys()),
      'outbox-lag': distinctRunning(lagging.keys()),
    },
    agencies: outboxes.map(({ agency, lag, error }) => ({
      agency,
      outboxUnpublished: lag?.unpublished ?? null,
      outboxOldestAgeSeconds: lag?.oldestAgeSeconds ?? null,
      outboxLagging: (lag?.oldestAgeSeconds ?? 0) > outboxLagThresholdSeconds,
      deadLetteredDossiers: new Set(deadLetters.filter((d) => d.agency === agency).map((d) => d.dossierId)).size,
      ...(error ? { error } : {}),
    })),
    dossiers,
    nextCursor: page.nextCursor,
  };
}

/** Each reachable back office's outbox lag; one that does not answer is reported, not fatal. */
async function outboxLags(
  deps: OperationsDeps,
  olderThanSeconds: number,
): Promise<{ agency: AgencyId; lag?: OutboxLag; error?: string }[]> {
  return Promise.all(
    agencyIds
      .filter((agency) => deps.backOffices?.[agency])
      .map(async (agency) => {
        try {
          return { agency, lag: await deps.backOffices![agency]!.outboxLag({ olderThanSeconds, limit: 200 }) };
        } catch (err) {
          deps.log?.warn({ agency, error: (err as Error).message }, 'could not read an agency outbox lag');
          return { agency, error: (err as Error).message };
        }
      }),
  );
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
