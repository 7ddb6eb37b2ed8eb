import type {
  DecideFuneralAllowance,
  DecideSurvivorBenefit,
  IssueHealthInsuranceCard,
  socialInsuranceReasonCodes,
} from '../../contracts/agency-messages/social-insurance';
import { localDate } from '../../contracts/calendar';
import { monthsBetween } from '../../contracts/calendar';
import type { PopulationReadModel } from '../reference';
import { personNotFound } from '../rejections';
import { rules } from '../../contracts/rules';
import type { Decision } from '../runtime/handlers';

type SocialInsuranceDecision<Result> = Decision<Result, (typeof socialInsuranceReasonCodes)[number]>;

/** Rule 3: valid until 30 September of the year the child turns 72 months if born before 30 September, else to the end of that month. */
export function healthCardValidTo(birthDate: string): string {
  const [year, month, day] = birthDate.split('-').map(Number) as [number, number, number];
  const turnsSix = year + 6;
  if (month < 9 || (month === 9 && day < 30)) return `${turnsSix}-09-30`;
  const lastDay = new Date(Date.UTC(turnsSix, month, 0)).getUTCDate();
  return `${turnsSix}-${String(month).padStart(2, '0')}-${String(lastDay).padStart(2, '0')}`;
}

/** Rule 8: the allowance is ten times the reference level. */
export const funeralAllowanceVnd = () => rules.funeralMultiplier.value * rules.funeralReferenceLevelVnd.value;

/** The under-6 card (rule 3). */
export function decideHealthCard(
  command: IssueHealthInsuranceCard,
  now: Date,
): SocialInsuranceDecision<{ validFrom: string; validTo: string }> {
  if (monthsBetween(command.child.birthDate, localDate(now)) >= rules.maxChildAgeMonths.value)
    return { outcome: 'rejected', reasonCode: 'CHILD_TOO_OLD', message: 'the card is for children under 6' };
  return {
    outcome: 'approved',
    result: { validFrom: command.child.birthDate, validTo: healthCardValidTo(command.child.birthDate) },
  };
}

/** Funeral allowance (rule 8), once per deceased. */
export async function decideFuneralAllowance(
  command: DecideFuneralAllowance,
  population: PopulationReadModel,
  alreadyPaid: boolean,
): Promise<SocialInsuranceDecision<{ amountVnd: number }>> {
  if (alreadyPaid)
    return {
      outcome: 'rejected',
      reasonCode: 'ALREADY_PAID',
      message: 'the funeral allowance for this person was already paid',
    };
  const citizen = await population.find(command.deceased.personalIdNumber);
  if (!citizen) return personNotFound;
  const eligible =
    citizen.contributionMonths >= rules.funeralMinContributionMonths.value ||
    command.deceased.occupationalCause ||
    citizen.pensioner;
  if (!eligible)
    return {
      outcome: 'rejected',
      reasonCode: 'NOT_ELIGIBLE',
      message: `fewer than ${rules.funeralMinContributionMonths.value} months of contributions, no occupational cause, no pension`,
    };
  return { outcome: 'approved', result: { amountVnd: funeralAllowanceVnd() } };
}

/** Survivor benefit (rule 9): every listed relative confirms the one representative. */
export function decideSurvivorBenefit(
  command: DecideSurvivorBenefit,
): SocialInsuranceDecision<{ representativeIdNumber: string }> {
  const missing = command.survivors.filter((s) => !s.confirmsRepresentative);
  if (missing.length > 0)
    return {
      outcome: 'rejected',
      reasonCode: 'CONFIRMATIONS_MISSING',
      message: `${missing.length} relative(s) did not confirm the representative`,
    };
  return { outcome: 'approved', result: { representativeIdNumber: command.representativeIdNumber } };
}
