import { describe, expect, it } from 'vitest';
import { decideResidence, decideResidenceDeletion } from '../../../agencies/residence/rules';
import { rules } from '../../../contracts/rules';
import type {
  DeletePermanentResidence,
  RegisterPermanentResidence,
} from '../../../contracts/agency-messages/residence';
import { workingDaysBetween, workingDaysCalendar } from '../../../contracts/calendar';
import { demoPeople } from '../../../contracts/demo-citizens';
import type { Citizen } from '../../../contracts/population';
import { daysBefore, deceasedOf, fakePopulation, NOW, routing, TODAY } from './support';

const calendar = workingDaysCalendar();
const { lan, hung, bao } = demoPeople;
const { residenceReviewAfterWorkingDays } = rules;

/** The latest date with exactly `count` working days after it, up to today. */
function workingDaysAgo(count: number): string {
  let date = TODAY;
  while (workingDaysBetween(date, TODAY, calendar) < count) date = daysBefore(date, 1);
  return date;
}

const addressOf = (c: Citizen) => ({ provinceCode: c.provinceCode, commune: c.commune, street: c.street });

/** Registering Lan's newborn at `parent`'s residence. */
const registerResidence = (
  parent: Citizen,
  changes: Partial<RegisterPermanentResidence['residence']> = {},
  birthDate = daysBefore(TODAY, 10),
): RegisterPermanentResidence => ({
  ...routing,
  birthRegistration: { birthCertificateNumber: '001/2026/KS-000001', childPersonalIdNumber: '001226000001' },
  child: {
    fullName: 'Trần Minh Khang',
    sex: 'male',
    birthDate,
    birthPlace: { provinceCode: '001', commune: 'Phường Hoàn Kiếm', street: '929 La Thành' },
  },
  parentIdNumber: parent.personalId,
  residence: {
    address: addressOf(parent),
    parent: parent.sex === 'female' ? 'mother' : 'father',
    parentConfirmed: true,
    householdHeadConsent: false,
    ownerConsent: false,
    ...changes,
  },
});

describe('residence: register a newborn at a parent’s permanent residence (rule 5)', () => {
  const table = [
    {
      name: 'at the owning mother’s residence',
      command: registerResidence(lan),
      expected: { outcome: 'approved', result: { householdId: lan.householdId } },
    },
    {
      name: 'at a street that is not the parent’s',
      command: registerResidence(lan, { address: { ...addressOf(lan), street: '99 Phố Huế' } }),
      expected: { outcome: 'rejected', reasonCode: 'ADDRESS_NOT_PARENT_RESIDENCE' },
    },
    {
      name: 'at a tenant father’s residence without the consents',
      command: registerResidence(hung),
      expected: {
        outcome: 'needs-information',
        fields: ['residence.householdHeadConsent', 'residence.ownerConsent'],
      },
    },
    {
      name: 'at a tenant father’s residence with only the household head’s consent',
      command: registerResidence(hung, { householdHeadConsent: true }),
      expected: { outcome: 'needs-information' },
    },
    {
      name: 'at a tenant father’s residence with both consents',
      command: registerResidence(hung, { householdHeadConsent: true, ownerConsent: true }),
      expected: { outcome: 'approved', result: { householdId: hung.householdId } },
    },
    {
      name: 'at a tenant father’s residence, the consents supplied as yes',
      command: {
        ...registerResidence(hung, { householdHeadConsent: true, ownerConsent: true }),
        supplement: { 'residence.householdHeadConsent': 'có', 'residence.ownerConsent': 'true' },
      },
      expected: { outcome: 'approved', result: { householdId: hung.householdId } },
    },
    {
      name: 'at a tenant father’s residence, the owner’s consent supplied as no',
      command: {
        ...registerResidence(hung, { householdHeadConsent: true, ownerConsent: false }),
        supplement: { 'residence.householdHeadConsent': 'true', 'residence.ownerConsent': 'không' },
      },
      expected: { outcome: 'rejected', reasonCode: 'CONSENT_MISSING' },
    },
    {
      name: `born ${residenceReviewAfterWorkingDays.value} working days ago: the rules decide`,
      command: registerResidence(lan, {}, workingDaysAgo(residenceReviewAfterWorkingDays.value)),
      expected: { outcome: 'approved' },
    },
    {
      name: `born ${residenceReviewAfterWorkingDays.value + 1} working days ago: an officer reviews`,
      command: registerResidence(lan, {}, workingDaysAgo(residenceReviewAfterWorkingDays.value + 1)),
      expected: { outcome: 'needs-review', flags: ['old-birth-registration'] },
    },
  ];
  it.each(table)('$name → $expected.outcome', async ({ command, expected }) => {
    expect(await decideResidence(command, fakePopulation(), NOW, calendar)).toMatchObject(expected);
  });

  it('rejects a parent the population database does not know', async () => {
    expect(await decideResidence(registerResidence(lan), fakePopulation([hung]), NOW, calendar)).toMatchObject({
      outcome: 'rejected',
      reasonCode: 'PERSON_NOT_FOUND',
    });
  });
});

describe('residence: delete a deceased person’s permanent residence', () => {
  const deletion: DeletePermanentResidence = {
    ...routing,
    deathRegistration: { deathExtractNumber: '001/2026/TK-000001' },
    deceased: deceasedOf(bao, daysBefore(TODAY, 2)),
  };

  it('deletes the residence of a known person', async () => {
    expect(await decideResidenceDeletion(deletion, fakePopulation())).toEqual({ outcome: 'approved', result: {} });
  });

  it('rejects a person the population database does not know', async () => {
    expect(await decideResidenceDeletion(deletion, fakePopulation([lan]))).toMatchObject({
      outcome: 'rejected',
      reasonCode: 'PERSON_NOT_FOUND',
    });
  });
});
