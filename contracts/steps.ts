import type { AgencyId } from './agencies';
import type { ProcedureKind } from './dossier-status';

export const birthStepIds = ['register-birth', 'register-residence', 'issue-health-insurance-card'] as const;
export const deathStepIds = ['register-death', 'delete-residence', 'funeral-allowance', 'survivor-benefit'] as const;
export type StepId = (typeof birthStepIds)[number] | (typeof deathStepIds)[number];

export const procedureSteps: Record<ProcedureKind, readonly StepId[]> = {
  'birth-bundle': birthStepIds,
  'death-bundle': deathStepIds,
};

/** The agency in charge of each step. */
export const stepAgency: Record<StepId, AgencyId> = {
  'register-birth': 'civil-status',
  'register-residence': 'residence',
  'issue-health-insurance-card': 'social-insurance',
  'register-death': 'civil-status',
  'delete-residence': 'residence',
  'funeral-allowance': 'social-insurance',
  'survivor-benefit': 'social-insurance',
};

/**
 * Legal time limits in working days (domain.md); 0 = the same working day, or the next one when
 * received after the 15:00 cut-off. Residence takes 5 days when verification is needed; the
 * agency reports that through an information request, so the common case (2) is the timer here.
 */
export const stepTimeLimits: Record<StepId, number> = {
  'register-birth': 0,
  'register-residence': 2,
  'issue-health-insurance-card': 2,
  'register-death': 0,
  'delete-residence': 1,
  'funeral-allowance': 10,
  'survivor-benefit': 10,
};

/** Steps of each death-bundle variant: survivor benefit only together with the funeral allowance. */
export const deathVariantSteps: Record<2 | 3 | 4, readonly StepId[]> = {
  2: ['register-death', 'delete-residence'],
  3: ['register-death', 'delete-residence', 'funeral-allowance'],
  4: ['register-death', 'delete-residence', 'funeral-allowance', 'survivor-benefit'],
};
