import { localDate, workingDaysBetween, type WorkingDaysCalendar } from '../contracts/calendar';
import type { RegisterBirth, RegisterDeath } from '../contracts/agency-messages/civil-status';
import type { DeletePermanentResidence, RegisterPermanentResidence } from '../contracts/agency-messages/residence';
import type {
  DecideFuneralAllowance,
  DecideSurvivorBenefit,
  IssueHealthInsuranceCard,
} from '../contracts/agency-messages/social-insurance';
import type { PopulationRegistry } from './reference';

/** What an agency's rules say about a case. Business rejections are data, not exceptions. */
export type Decision =
  | { outcome: 'approved'; result: Record<string, unknown> }
  | { outcome: 'rejected'; reasonCode: string; message: string }
  | { outcome: 'needs-information'; fields: string[]; message: string }
  | { outcome: 'needs-review'; flags: string[] };

/**
 * The numbers of domain.md's rules, one row each with its effective date. Rows marked assumed
 * had no official text.
 */
export const rules = {
  onTimeBirthDays: { value: 60, effectiveFrom: '2016-01-01', source: 'Civil Status Law 2014, art. 15' },
  maxChildAgeMonths: { value: 72, effectiveFrom: '2024-07-01', source: 'Decree 63/2024 (bundle for children under 6)' },
  deathRegistrationDays: { value: 15, effectiveFrom: '2016-01-01', source: 'Civil Status Law 2014, art. 33' },
  residenceAfterBirthDays: { value: 60, effectiveFrom: '2021-07-01', source: 'Law on Residence 2020' },
  funeralMinContributionMonths: { value: 12, effectiveFrom: '2025-07-01', source: 'Law on Social Insurance 2024' },
  funeralReferenceLevelVnd: {
    value: 2_340_000,
    effectiveFrom: '2025-07-01',
    source: 'reference level (assumed)',
    assumed: true,
  },
  funeralMultiplier: { value: 10, effectiveFrom: '2025-07-01', source: 'Law on Social Insurance 2024' },
  informationAnswerWorkingDays: {
    value: 7,
    effectiveFrom: '2024-07-01',
    source: 'Decree 63/2024 (assumed)',
    assumed: true,
  },
} as const;

const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

function monthsBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  return (ty - fy) * 12 + (tm - fm) - (td < fd ? 1 : 0);
}

/** Rule 3: valid until 30 September of the year the child turns 72 months if born before 30 September, else to the end of that month. */
export function healthCardValidTo(birthDate: string): string {
  const [year, month, day] = birthDate.split('-').map(Number) as [number, number, number];
  const turnsSix = year + 6;
  if (month < 9 || (month === 9 && day < 30)) return `${turnsSix}-09-30`;
  const lastDay = new Date(Date.UTC(turnsSix, month, 0)).getUTCDate();
  return `${turnsSix}-${String(month).padStart(2, '0')}-${String(lastDay).padStart(2, '0')}`;
}

/** Civil status: register a birth (rules 2, 4, 12). */
export async function decideBirth(command: RegisterBirth, registry: PopulationRegistry, now: Date): Promise<Decision> {
  const today = localDate(now);
  const { child } = command;
  if (child.birthDate > today)
    return { outcome: 'rejected', reasonCode: 'BIRTH_DATE_IN_FUTURE', message: 'the birth date is in the future' };
  if (monthsBetween(child.birthDate, today) >= rules.maxChildAgeMonths.value)
    return { outcome: 'rejected', reasonCode: 'CHILD_TOO_OLD', message: 'the bundle is for children under 6' };
  if (daysBetween(child.birthDate, today) > rules.onTimeBirthDays.value)
    return {
      outcome: 'rejected',
      reasonCode: 'LATE_REGISTRATION',
      message: `registered more than ${rules.onTimeBirthDays.value} days after the birth: apply for late registration at the commune`,
    };
  for (const role of ['mother', 'father'] as const) {
    const parent = command[role];
    if (!parent) continue;
    const citizen = await registry.find(parent.personalIdNumber);
    if (!citizen)
      return {
        outcome: 'rejected',
        reasonCode: 'PARENT_NOT_FOUND',
        message: `the ${role} is not in the population database`,
      };
    if (!citizen.alive) return { outcome: 'needs-review', flags: [`${role}-deceased`] };
  }
  const surname = child.fullName.split(' ')[0];
  const parentSurnames = [command.mother, command.father].filter(Boolean).map((p) => p!.fullName.split(' ')[0]);
  if (!parentSurnames.includes(surname))
    return {
      outcome: 'needs-information',
      fields: ['child.fullName'],
      message: "the child's surname must be the father's or the mother's",
    };
  return { outcome: 'approved', result: {} };
}

/** Civil status: register a death (rule 7). */
export async function decideDeath(command: RegisterDeath, registry: PopulationRegistry, now: Date): Promise<Decision> {
  const { deceased } = command;
  if (daysBetween(deceased.dateOfDeath, localDate(now)) > rules.deathRegistrationDays.value)
    return {
      outcome: 'rejected',
      reasonCode: 'DEATH_REGISTRATION_LATE',
      message: `registered more than ${rules.deathRegistrationDays.value} days after the death`,
    };
  const citizen = await registry.find(deceased.personalIdNumber);
  if (!citizen)
    return {
      outcome: 'rejected',
      reasonCode: 'PERSON_NOT_FOUND',
      message: 'no such personal ID number in the population database',
    };
  if (!citizen.alive)
    return {
      outcome: 'rejected',
      reasonCode: 'ALREADY_DECEASED',
      message: 'the person is already registered as deceased',
    };
  return { outcome: 'approved', result: {} };
}

/** Residence: register a newborn at a parent's permanent residence (rule 5). */
export async function decideResidence(
  command: RegisterPermanentResidence,
  registry: PopulationRegistry,
  now: Date,
  calendar: WorkingDaysCalendar,
): Promise<Decision> {
  const parent = await registry.find(command.parentIdNumber);
  if (!parent)
    return {
      outcome: 'rejected',
      reasonCode: 'PERSON_NOT_FOUND',
      message: 'the parent is not in the population database',
    };
  const { address } = command.residence;
  if (
    parent.provinceCode !== address.provinceCode ||
    parent.commune !== address.commune ||
    parent.street !== address.street
  ) {
    return {
      outcome: 'rejected',
      reasonCode: 'ADDRESS_NOT_PARENT_RESIDENCE',
      message: "the address is not the parent's permanent residence",
    };
  }
  if (!parent.owner && !(command.residence.householdHeadConsent && command.residence.ownerConsent)) {
    return {
      outcome: 'needs-information',
      fields: ['residence.householdHeadConsent', 'residence.ownerConsent'],
      message: 'the parent does not own the dwelling: the household head and the owner must consent',
    };
  }
  if (workingDaysBetween(command.child.birthDate, localDate(now), calendar) > 200)
    return { outcome: 'needs-review', flags: ['old-birth-registration'] };
  return { outcome: 'approved', result: { householdId: parent.householdId } };
}

/** Residence: delete a deceased person's permanent residence. */
export async function decideResidenceDeletion(
  command: DeletePermanentResidence,
  registry: PopulationRegistry,
): Promise<Decision> {
  const citizen = await registry.find(command.deceased.personalIdNumber);
  if (!citizen)
    return {
      outcome: 'rejected',
      reasonCode: 'PERSON_NOT_FOUND',
      message: 'no such personal ID number in the population database',
    };
  return { outcome: 'approved', result: {} };
}

/** Social insurance: the under-6 card (rule 3). */
export function decideHealthCard(command: IssueHealthInsuranceCard, now: Date): Decision {
  if (monthsBetween(command.child.birthDate, localDate(now)) >= rules.maxChildAgeMonths.value)
    return { outcome: 'rejected', reasonCode: 'CHILD_TOO_OLD', message: 'the card is for children under 6' };
  return {
    outcome: 'approved',
    result: { validFrom: command.child.birthDate, validTo: healthCardValidTo(command.child.birthDate) },
  };
}

/** Social insurance: funeral allowance (rule 8). */
export async function decideFuneralAllowance(
  command: DecideFuneralAllowance,
  registry: PopulationRegistry,
  alreadyPaid: boolean,
): Promise<Decision> {
  if (alreadyPaid)
    return {
      outcome: 'rejected',
      reasonCode: 'ALREADY_PAID',
      message: 'the funeral allowance for this person was already paid',
    };
  const citizen = await registry.find(command.deceased.personalIdNumber);
  if (!citizen)
    return {
      outcome: 'rejected',
      reasonCode: 'PERSON_NOT_FOUND',
      message: 'no such personal ID number in the population database',
    };
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
  return {
    outcome: 'approved',
    result: { amountVnd: rules.funeralMultiplier.value * rules.funeralReferenceLevelVnd.value },
  };
}

/** Social insurance: survivor benefit (rule 9). */
export function decideSurvivorBenefit(command: DecideSurvivorBenefit): Decision {
  const missing = command.survivors.filter((s) => !s.confirmsRepresentative);
  if (missing.length > 0)
    return {
      outcome: 'rejected',
      reasonCode: 'CONFIRMATIONS_MISSING',
      message: `${missing.length} relative(s) did not confirm the representative`,
    };
  return { outcome: 'approved', result: { representativeIdNumber: command.representativeIdNumber } };
}
