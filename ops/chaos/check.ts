/** What chaos knows of one dossier at the end: the fault it ran under, what it should end as, what it ended as. */
export interface DossierOutcome {
  dossierId: string;
  fault: string;
  /** The statuses it ends in without faults (every step approved: the dossier's results returned). */
  expected: readonly string[];
  /** Its status at the end; undefined when it could not be read (or was never submitted). */
  status?: string;
  closed: boolean;
}

/** One kind of effect of one step in an agency or the registry database, with how many there are. */
export interface EffectCount {
  dossierId: string;
  stepId: string;
  effect: string;
  count: number;
}

export interface ChaosFindings {
  /** Dossiers that did not end as they would have without faults. */
  lost: DossierOutcome[];
  /** Effects that exist more than once for one step. */
  duplicates: EffectCount[];
  /**
   * Dossiers the operator's stuck list did not show: open at the end and not on it, or seen by
   * chaos with a failed or overdue step while a fault lasted and missing from the list past the grace.
   */
  unseen: UnseenStuck[];
}

/** A stuck dossier the stuck list did not show, and why chaos calls it stuck. */
export interface UnseenStuck {
  dossierId: string;
  fault: string;
  status?: string;
  reason: string;
}

/**
 * Judges a run: loss, duplicate effects and stuck dossiers the operator cannot see. Pure, so its
 * rules are unit-tested over fake rows; the run feeds it what it read from the api and the databases.
 */
export function checkOutcomes(
  outcomes: readonly DossierOutcome[],
  effects: readonly EffectCount[],
  stuckIds: ReadonlySet<string>,
  unseenDuringFaults: readonly UnseenStuck[] = [],
): ChaosFindings {
  const known = new Set(outcomes.map((o) => o.dossierId));
  const openAtEnd = outcomes
    .filter((o) => o.status !== undefined && !o.closed && !stuckIds.has(o.dossierId))
    .map((o) => ({ dossierId: o.dossierId, fault: o.fault, status: o.status, reason: 'open at the end' }));
  // One finding per dossier; what was seen while a fault lasted says more than "open at the end".
  const once = new Map([...openAtEnd, ...unseenDuringFaults].map((u) => [u.dossierId, u]));
  return {
    lost: outcomes.filter((o) => o.status === undefined || !o.expected.includes(o.status)),
    duplicates: effects.filter((e) => e.count > 1 && known.has(e.dossierId)),
    unseen: [...once.values()].sort((a, b) => a.dossierId.localeCompare(b.dossierId)),
  };
}

/** Per fault: how many dossiers ran under it and what the checks found among them. */
export function findingsByFault(outcomes: readonly DossierOutcome[], findings: ChaosFindings) {
  const faultOf = new Map(outcomes.map((o) => [o.dossierId, o.fault]));
  const faults = [...new Set(outcomes.map((o) => o.fault))];
  return faults.map((fault) => ({
    fault,
    dossiers: outcomes.filter((o) => o.fault === fault).length,
    lost: findings.lost.filter((o) => o.fault === fault).length,
    duplicates: findings.duplicates.filter((e) => faultOf.get(e.dossierId) === fault).length,
    unseen: findings.unseen.filter((o) => o.fault === fault).length,
  }));
}
