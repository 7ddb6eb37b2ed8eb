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
  /** Dossiers still open at the end that the operator's stuck list does not show. */
  unseen: DossierOutcome[];
}

/**
 * Judges a run: loss, duplicate effects and stuck dossiers the operator cannot see. Pure, so its
 * rules are unit-tested over fake rows; the run feeds it what it read from the api and the databases.
 */
export function checkOutcomes(
  outcomes: readonly DossierOutcome[],
  effects: readonly EffectCount[],
  stuckIds: ReadonlySet<string>,
): ChaosFindings {
  const known = new Set(outcomes.map((o) => o.dossierId));
  return {
    lost: outcomes.filter((o) => o.status === undefined || !o.expected.includes(o.status)),
    duplicates: effects.filter((e) => e.count > 1 && known.has(e.dossierId)),
    unseen: outcomes.filter((o) => o.status !== undefined && !o.closed && !stuckIds.has(o.dossierId)),
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
