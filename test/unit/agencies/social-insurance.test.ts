import { describe, expect, it } from 'vitest';
import { rules } from '../../../contracts/rules';
import {
  decideFuneralAllowance,
  decideHealthCard,
  decideSurvivorBenefit,
  healthCardValidTo,
} from '../../../agencies/social-insurance/rules';
import type {
  DecideFuneralAllowance,
  DecideSurvivorBenefit,
  IssueHealthInsuranceCard,
} from '../../../contracts/agency-messages/social-insurance';
import { demoPeople } from '../../../contracts/demo-citizens';
import type { Citizen } from '../../../contracts/population';
import {
  daysBefore,
  deceasedOf,
  fakePopulation,
  monthsBefore,
  NOW,
  personRef,
  registerBirth,
  routing,
  TODAY,
} from './support';

const { maxChildAgeMonths, funeralMinContributionMonths, funeralMultiplier, funeralReferenceLevelVnd } = rules;
const { lan, bao, hanh, mo } = demoPeople;

const healthCard = (birthDate: string): IssueHealthInsuranceCard => {
  const { child } = registerBirth(birthDate);
  return {
    ...routing,
    birthRegistration: { birthCertificateNumber: '001/2026/KS-000001', childPersonalIdNumber: '001226000001' },
    child,
    residence: {
      address: { provinceCode: lan.provinceCode, commune: lan.commune, street: lan.street },
      parent: 'mother',
      parentConfirmed: true,
      householdHeadConsent: false,
      ownerConsent: false,
    },
  };
};

describe('social insurance: the under-6 health-insurance card (rule 3)', () => {
  const validity = [
    { birthDate: '2026-03-10', validTo: '2032-09-30' },
    { birthDate: '2024-02-29', validTo: '2030-09-30' },
    { birthDate: '2025-09-29', validTo: '2031-09-30' },
    { birthDate: '2025-09-30', validTo: '2031-09-30' },
    { birthDate: '2025-10-15', validTo: '2031-10-31' },
    { birthDate: '2025-11-01', validTo: '2031-11-30' },
    { birthDate: '2025-12-31', validTo: '2031-12-31' },
  ];
  it.each(validity)('born $birthDate: valid from birth to $validTo', ({ birthDate, validTo }) => {
    expect(healthCardValidTo(birthDate)).toBe(validTo);
    expect(decideHealthCard(healthCard(birthDate), NOW)).toEqual({
      outcome: 'approved',
      result: { validFrom: birthDate, validTo },
    });
  });

  const age = [
    {
      name: `${maxChildAgeMonths.value} months old less a day`,
      birthDate: daysBefore(monthsBefore(TODAY, maxChildAgeMonths.value), -1),
      expected: { outcome: 'approved' },
    },
    {
      name: `${maxChildAgeMonths.value} months old`,
      birthDate: monthsBefore(TODAY, maxChildAgeMonths.value),
      expected: { outcome: 'rejected', reasonCode: 'CHILD_TOO_OLD' },
    },
  ];
  it.each(age)('$name → $expected.outcome', ({ birthDate, expected }) => {
    expect(decideHealthCard(healthCard(birthDate), NOW)).toMatchObject(expected);
  });
});

describe('social insurance: funeral allowance (rule 8)', () => {
  const amount = funeralMultiplier.value * funeralReferenceLevelVnd.value;
  const worker = { ...bao, contributionMonths: 0, pensioner: false };
  const allowance = (deceased: Citizen, occupationalCause = false): DecideFuneralAllowance => ({
    ...routing,
    deathRegistration: { deathExtractNumber: '001/2026/TK-000001' },
    deceased: deceasedOf(deceased, daysBefore(TODAY, 2), occupationalCause),
    applicant: { ...personRef(hanh), relationship: 'child' },
  });

  it(`pays ${funeralMultiplier.value} × the reference level`, () => {
    expect(amount).toBe(23_400_000);
  });

  const table = [
    {
      name: `${funeralMinContributionMonths.value} months of contributions`,
      deceased: { ...worker, contributionMonths: funeralMinContributionMonths.value },
      expected: { outcome: 'approved', result: { amountVnd: amount } },
    },
    {
      name: `${funeralMinContributionMonths.value - 1} months of contributions`,
      deceased: { ...worker, contributionMonths: funeralMinContributionMonths.value - 1 },
      expected: { outcome: 'rejected', reasonCode: 'NOT_ELIGIBLE' },
    },
    {
      name: `${funeralMinContributionMonths.value - 1} months and an occupational death`,
      deceased: { ...worker, contributionMonths: funeralMinContributionMonths.value - 1 },
      occupationalCause: true,
      expected: { outcome: 'approved', result: { amountVnd: amount } },
    },
    {
      name: 'a pensioner without contributions',
      deceased: { ...worker, pensioner: true },
      expected: { outcome: 'approved', result: { amountVnd: amount } },
    },
  ];
  it.each(table)('$name → $expected.outcome', async ({ deceased, occupationalCause, expected }) => {
    const decision = await decideFuneralAllowance(
      allowance(deceased, occupationalCause),
      fakePopulation([deceased]),
      false,
    );
    expect(decision).toMatchObject(expected);
  });

  it('pays once per deceased', async () => {
    expect(await decideFuneralAllowance(allowance(bao), fakePopulation(), true)).toMatchObject({
      outcome: 'rejected',
      reasonCode: 'ALREADY_PAID',
    });
  });

  it('rejects a person the population database does not know', async () => {
    expect(await decideFuneralAllowance(allowance(bao), fakePopulation([lan]), false)).toMatchObject({
      outcome: 'rejected',
      reasonCode: 'PERSON_NOT_FOUND',
    });
  });
});

describe('social insurance: survivor benefit (rule 9)', () => {
  const benefit = (confirmations: [boolean, boolean]): DecideSurvivorBenefit => ({
    ...routing,
    deathRegistration: { deathExtractNumber: '001/2026/TK-000001' },
    deceased: deceasedOf(bao, daysBefore(TODAY, 2)),
    survivors: [
      { ...personRef(hanh), relationship: 'child', confirmsRepresentative: confirmations[0] },
      { ...personRef(mo), relationship: 'spouse', confirmsRepresentative: confirmations[1] },
    ],
    representativeIdNumber: hanh.personalId,
  });

  const table: { confirmations: [boolean, boolean]; expected: object }[] = [
    {
      confirmations: [true, true],
      expected: { outcome: 'approved', result: { representativeIdNumber: hanh.personalId } },
    },
    {
      confirmations: [true, false],
      expected: {
        outcome: 'rejected',
        reasonCode: 'CONFIRMATIONS_MISSING',
        message: '1 relative(s) did not confirm the representative',
      },
    },
    {
      confirmations: [false, false],
      expected: {
        outcome: 'rejected',
        reasonCode: 'CONFIRMATIONS_MISSING',
        message: '2 relative(s) did not confirm the representative',
      },
    },
  ];
  it.each(table)('confirmations $confirmations → $expected.outcome', ({ confirmations, expected }) => {
    expect(decideSurvivorBenefit(benefit(confirmations))).toEqual(expected);
  });
});
