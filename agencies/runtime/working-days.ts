import { stepTimeLimits, type StepId } from '../../contracts/steps';

/** The step each command serves, for its legal time limit. */
const commandSteps: Record<string, StepId> = {
  'RegisterBirth.v1': 'register-birth',
  'RegisterDeath.v1': 'register-death',
  'RegisterPermanentResidence.v1': 'register-residence',
  'DeletePermanentResidence.v1': 'delete-residence',
  'IssueHealthInsuranceCard.v1': 'issue-health-insurance-card',
  'DecideFuneralAllowance.v1': 'funeral-allowance',
  'DecideSurvivorBenefit.v1': 'survivor-benefit',
};

/**
 * Working days a case has, by command type: the limit of the step it serves, 2 when unknown.
 * Stands in until the procedure catalogue declares each command's limit; only the agency
 * runtime's default refers to it.
 */
export function stepWorkingDays(commandType: string): number {
  const step = Object.hasOwn(commandSteps, commandType) ? commandSteps[commandType] : undefined;
  return step === undefined ? 2 : stepTimeLimits[step];
}
