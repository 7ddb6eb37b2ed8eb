import type {
  civilStatusReasonCodes,
  RegisterBirth,
  RegisterDeath,
} from '../../contracts/agency-messages/civil-status';
import { daysBetween, localDate, monthsBetween } from '../../contracts/calendar';
import type { PopulationReadModel } from '../reference';
import { personNotFound } from '../rejections';
import { rules } from '../../contracts/rules';
import type { Decision } from '../runtime/handlers';

type CivilStatusDecision = Decision<Record<string, never>, (typeof civilStatusReasonCodes)[number]>;

/** The answer to a second dossier for a birth already registered (one registration per birth). */
export const duplicateBirth = {
  outcome: 'rejected',
  reasonCode: 'DUPLICATE_BIRTH_REGISTRATION',
  message:
    'this birth (the same birth certificate reference, or the same mother, birth date and name) is already registered in another dossier',
} as const;

/** The answer to a second registration of a death, or a death the population database already knows (rule 7). */
export const alreadyDeceased = {
  outcome: 'rejected',
  reasonCode: 'ALREADY_DECEASED',
  message: 'the person is already registered as deceased',
} as const;

/** Register a birth (rules 2, 4, 12), once: `registeredElsewhere` when another dossier registered it. */
export async function decideBirth(
  command: RegisterBirth,
  population: PopulationReadModel,
  now: Date,
  registeredElsewhere = false,
): Promise<CivilStatusDecision> {
  if (registeredElsewhere) return duplicateBirth;
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
    const citizen = await population.find(parent.personalIdNumber);
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

/** Register a death (rule 7), once: `registeredElsewhere` when another dossier registered it. */
export async function decideDeath(
  command: RegisterDeath,
  population: PopulationReadModel,
  now: Date,
  registeredElsewhere = false,
): Promise<CivilStatusDecision> {
  const { deceased } = command;
  if (daysBetween(deceased.dateOfDeath, localDate(now)) > rules.deathRegistrationDays.value)
    return {
      outcome: 'rejected',
      reasonCode: 'DEATH_REGISTRATION_LATE',
      message: `registered more than ${rules.deathRegistrationDays.value} days after the death`,
    };
  const citizen = await population.find(deceased.personalIdNumber);
  if (!citizen) return personNotFound;
  if (!citizen.alive || registeredElsewhere) return alreadyDeceased;
  return { outcome: 'approved', result: {} };
}
