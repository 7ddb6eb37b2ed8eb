import type {
  DeletePermanentResidence,
  RegisterPermanentResidence,
  residenceReasonCodes,
} from '../../contracts/agency-messages/residence';
import { localDate, workingDaysBetween, type WorkingDaysCalendar } from '../../contracts/calendar';
import type { PopulationReadModel } from '../reference';
import { personNotFound } from '../rejections';
import { rules } from '../../contracts/rules';
import type { Decision } from '../runtime/handlers';

type ResidenceDecision<Result> = Decision<Result, (typeof residenceReasonCodes)[number]>;

const consentFields = ['residence.householdHeadConsent', 'residence.ownerConsent'] as const;

/** Register a newborn at a parent's permanent residence (rule 5); the child joins that household. */
export async function decideResidence(
  command: RegisterPermanentResidence,
  population: PopulationReadModel,
  now: Date,
  calendar: WorkingDaysCalendar,
): Promise<ResidenceDecision<{ householdId: string }>> {
  const parent = await population.find(command.parentIdNumber);
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
    // Asked once already and answered no: a refusal is an answer, not missing information.
    if (consentFields.some((field) => command.supplement?.[field] !== undefined))
      return {
        outcome: 'rejected',
        reasonCode: 'CONSENT_MISSING',
        message: 'the household head and the owner of the dwelling did not both consent',
      };
    return {
      outcome: 'needs-information',
      fields: [...consentFields],
      message: 'the parent does not own the dwelling: the household head and the owner must consent',
    };
  }
  if (
    workingDaysBetween(command.child.birthDate, localDate(now), calendar) > rules.residenceReviewAfterWorkingDays.value
  )
    return { outcome: 'needs-review', flags: ['old-birth-registration'] };
  return { outcome: 'approved', result: { householdId: parent.householdId } };
}

/** Delete a deceased person's permanent residence. */
export async function decideResidenceDeletion(
  command: DeletePermanentResidence,
  population: PopulationReadModel,
): Promise<ResidenceDecision<Record<string, never>>> {
  const citizen = await population.find(command.deceased.personalIdNumber);
  if (!citizen) return personNotFound;
  return { outcome: 'approved', result: {} };
}
