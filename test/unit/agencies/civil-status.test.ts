import { describe, expect, it } from 'vitest';
import { alreadyDeceased, decideBirth, decideDeath, duplicateBirth } from '../../../agencies/civil-status/rules';
import { rules } from '../../../contracts/rules';
import { demoPeople } from '../../../contracts/demo-citizens';
import { daysBefore, fakePopulation, monthsBefore, NOW, registerBirth, registerDeath, TODAY } from './support';

const { onTimeBirthDays, maxChildAgeMonths, deathRegistrationDays } = rules;
const { lan, hung, bao } = demoPeople;

describe('civil status: register a birth (rules 2, 4, 12)', () => {
  const table = [
    { name: 'born today', birthDate: TODAY, expected: { outcome: 'approved', result: {} } },
    {
      name: `born ${onTimeBirthDays.value} days ago: on time`,
      birthDate: daysBefore(TODAY, onTimeBirthDays.value),
      expected: { outcome: 'approved' },
    },
    {
      name: `born ${onTimeBirthDays.value + 1} days ago: late`,
      birthDate: daysBefore(TODAY, onTimeBirthDays.value + 1),
      expected: { outcome: 'rejected', reasonCode: 'LATE_REGISTRATION' },
    },
    {
      name: 'born tomorrow',
      birthDate: daysBefore(TODAY, -1),
      expected: { outcome: 'rejected', reasonCode: 'BIRTH_DATE_IN_FUTURE' },
    },
    {
      name: `${maxChildAgeMonths.value} months old less a day: late, not too old`,
      birthDate: daysBefore(monthsBefore(TODAY, maxChildAgeMonths.value), -1),
      expected: { outcome: 'rejected', reasonCode: 'LATE_REGISTRATION' },
    },
    {
      name: `${maxChildAgeMonths.value} months old: too old for the bundle`,
      birthDate: monthsBefore(TODAY, maxChildAgeMonths.value),
      expected: { outcome: 'rejected', reasonCode: 'CHILD_TOO_OLD' },
    },
  ];
  it.each(table)('$name → $expected.outcome', async ({ birthDate, expected }) => {
    expect(await decideBirth(registerBirth(birthDate), fakePopulation(), NOW)).toMatchObject(expected);
  });

  it('rejects a parent the population database does not know', async () => {
    const command = registerBirth(TODAY, { father: { personalIdNumber: '001088999999', fullName: 'Trần Văn Hùng' } });
    expect(await decideBirth(command, fakePopulation(), NOW)).toMatchObject({
      outcome: 'rejected',
      reasonCode: 'PARENT_NOT_FOUND',
      message: 'the father is not in the population database',
    });
  });

  it('sends a birth with a deceased parent to an officer, naming the parent', async () => {
    const registry = fakePopulation([lan, { ...hung, alive: false }]);
    expect(await decideBirth(registerBirth(TODAY), registry, NOW)).toEqual({
      outcome: 'needs-review',
      flags: ['father-deceased'],
    });
  });

  it("asks for the child's name when the surname is neither parent's", async () => {
    const command = registerBirth(TODAY);
    command.child.fullName = 'Phạm Minh Khang';
    expect(await decideBirth(command, fakePopulation(), NOW)).toMatchObject({
      outcome: 'needs-information',
      fields: ['child.fullName'],
    });
  });

  it('rejects a birth another dossier registered, before any other rule', async () => {
    expect(await decideBirth(registerBirth(daysBefore(TODAY, 90)), fakePopulation(), NOW, true)).toEqual(
      duplicateBirth,
    );
    expect(duplicateBirth.reasonCode).toBe('DUPLICATE_BIRTH_REGISTRATION');
  });

  it("accepts the mother's surname, with one parent named", async () => {
    const command = registerBirth(TODAY, { father: undefined });
    command.child.fullName = 'Nguyễn Minh Khang';
    expect(await decideBirth(command, fakePopulation(), NOW)).toMatchObject({ outcome: 'approved' });
  });
});

describe('civil status: register a death (rule 7)', () => {
  const table = [
    {
      name: `died ${deathRegistrationDays.value} days ago: on time`,
      dateOfDeath: daysBefore(TODAY, deathRegistrationDays.value),
      expected: { outcome: 'approved', result: {} },
    },
    {
      name: `died ${deathRegistrationDays.value + 1} days ago: late`,
      dateOfDeath: daysBefore(TODAY, deathRegistrationDays.value + 1),
      expected: { outcome: 'rejected', reasonCode: 'DEATH_REGISTRATION_LATE' },
    },
  ];
  it.each(table)('$name → $expected.outcome', async ({ dateOfDeath, expected }) => {
    expect(await decideDeath(registerDeath(dateOfDeath), fakePopulation(), NOW)).toMatchObject(expected);
  });

  it('rejects a person the population database does not know', async () => {
    expect(await decideDeath(registerDeath(TODAY), fakePopulation([lan]), NOW)).toMatchObject({
      outcome: 'rejected',
      reasonCode: 'PERSON_NOT_FOUND',
    });
  });

  it('rejects a death another dossier registered, though the population database has not caught up', async () => {
    expect(await decideDeath(registerDeath(TODAY), fakePopulation(), NOW, true)).toEqual(alreadyDeceased);
  });

  it('rejects a person already registered dead', async () => {
    const registry = fakePopulation([{ ...bao, alive: false }]);
    expect(await decideDeath(registerDeath(TODAY), registry, NOW)).toMatchObject({
      outcome: 'rejected',
      reasonCode: 'ALREADY_DECEASED',
    });
  });
});
