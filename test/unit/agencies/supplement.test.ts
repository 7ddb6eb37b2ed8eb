import { describe, expect, it } from 'vitest';
import { agencyModules } from '../../../agencies';
import { applySupplement } from '../../../agencies/runtime/supplement';
import { RegisterBirth, RegisterDeath } from '../../../contracts/agency-messages/civil-status';
import { RegisterPermanentResidence } from '../../../contracts/agency-messages/residence';
import { DecideFuneralAllowance } from '../../../contracts/agency-messages/social-insurance';
import { demoPeople } from '../../../contracts/demo-citizens';
import {
  funeralAllowance,
  registerBirth as birthService,
  registerDeath as deathService,
  registerResidence,
} from '../../../contracts/procedures/services';
import {
  daysBefore,
  deceasedOf,
  fakeContext,
  personRef,
  registerBirth,
  registerDeath,
  routing,
  TODAY,
} from './support';

/** Commands as JSON from the cases table, the way the runtime sees them. */
const json = <T>(value: T): Record<string, unknown> => JSON.parse(JSON.stringify(value));
const { hung, bao, hanh } = demoPeople;
const birth = json(registerBirth(TODAY));
const death = json(registerDeath(daysBefore(TODAY, 2)));
const residence = json({
  ...routing,
  birthRegistration: { birthCertificateNumber: '001/2026/KS-000001', childPersonalIdNumber: '001226000001' },
  child: registerBirth(TODAY).child,
  parentIdNumber: hung.personalId,
  residence: {
    address: { provinceCode: hung.provinceCode, commune: hung.commune, street: hung.street },
    parent: 'father',
    parentConfirmed: true,
    householdHeadConsent: false,
    ownerConsent: false,
  },
});
const funeral = json({
  ...routing,
  deathRegistration: { deathExtractNumber: '001/2026/TK-000001' },
  deceased: deceasedOf(bao, daysBefore(TODAY, 2)),
  applicant: { ...personRef(hanh), relationship: 'child' },
});
const commands = {
  birth: { command: birth, schema: RegisterBirth, fields: birthService.informationFields },
  death: { command: death, schema: RegisterDeath, fields: deathService.informationFields },
  residence: { command: residence, schema: RegisterPermanentResidence, fields: registerResidence.informationFields },
  funeral: { command: funeral, schema: DecideFuneralAllowance, fields: funeralAllowance.informationFields },
};
const newAddress = { provinceCode: '079', commune: 'Phường Sài Gòn', street: '1 Lê Lợi' };

const applied = [
  {
    name: 'a name, as text',
    on: 'birth',
    supplement: { 'child.fullName': 'Trần Gia Bảo' },
    at: 'child.fullName',
    value: 'Trần Gia Bảo',
  },
  {
    name: 'a reference at the top level',
    on: 'birth',
    supplement: { birthCertificateReference: 'GCS-2026-9' },
    at: 'birthCertificateReference',
    value: 'GCS-2026-9',
  },
  {
    name: 'a date, as text',
    on: 'birth',
    supplement: { 'child.birthDate': daysBefore(TODAY, 1) },
    at: 'child.birthDate',
    value: daysBefore(TODAY, 1),
  },
  {
    name: 'an address, as JSON',
    on: 'birth',
    supplement: { 'child.birthPlace': JSON.stringify(newAddress) },
    at: 'child.birthPlace',
    value: newAddress,
  },
  {
    name: 'a consent, as true',
    on: 'residence',
    supplement: { 'residence.ownerConsent': 'true' },
    at: 'residence.ownerConsent',
    value: true,
  },
  {
    name: 'a consent, as có',
    on: 'residence',
    supplement: { 'residence.householdHeadConsent': ' Có ' },
    at: 'residence.householdHeadConsent',
    value: true,
  },
  {
    name: 'a consent, as không',
    on: 'residence',
    supplement: { 'residence.ownerConsent': 'không' },
    at: 'residence.ownerConsent',
    value: false,
  },
  {
    name: 'a yes/no nested in a refined object',
    on: 'funeral',
    supplement: { 'deceased.occupationalCause': 'yes' },
    at: 'deceased.occupationalCause',
    value: true,
  },
  {
    name: 'a reference that looks like a number stays text',
    on: 'death',
    supplement: { deathNoticeReference: '12345' },
    at: 'deathNoticeReference',
    value: '12345',
  },
] as const;

const refused = [
  {
    name: 'a field the step does not ask for',
    on: 'birth',
    supplement: { 'applicant.fullName': 'Lê Văn A' },
    field: 'applicant.fullName',
    listed: false,
    message: /not information this step asks for; it may ask for child\.fullName/,
  },
  {
    name: 'a field of another step',
    on: 'residence',
    supplement: { 'child.fullName': 'Trần Gia Bảo' },
    field: 'child.fullName',
    listed: false,
    message: /residence\.householdHeadConsent/,
  },
  {
    name: 'a consent that is neither yes nor no',
    on: 'residence',
    supplement: { 'residence.ownerConsent': 'maybe' },
    field: 'residence.ownerConsent',
    listed: true,
    message: /"residence\.ownerConsent" must be yes or no/,
  },
  {
    name: 'a name with digits',
    on: 'birth',
    supplement: { 'child.fullName': 'Trần 2' },
    field: 'child.fullName',
    listed: true,
    message: /"child\.fullName" does not fit: must contain only letters/,
  },
  {
    name: 'a date in the future',
    on: 'birth',
    supplement: { 'child.birthDate': '2999-01-01' },
    field: 'child.birthDate',
    listed: true,
    message: /must not be in the future/,
  },
  {
    name: 'an address that is not JSON',
    on: 'birth',
    supplement: { 'child.birthPlace': '1 Lê Lợi' },
    field: 'child.birthPlace',
    listed: true,
    message: /"child\.birthPlace" does not fit/,
  },
  {
    name: 'an address with an unknown province',
    on: 'residence',
    supplement: { 'residence.address': JSON.stringify({ ...newAddress, provinceCode: '999' }) },
    field: 'residence.address',
    listed: true,
    message: /provinceCode: must be the code of one of the 34 provinces/,
  },
  {
    name: 'a date of death before the birth (the whole command re-validated)',
    on: 'death',
    supplement: { 'deceased.dateOfDeath': '1940-01-01' },
    field: 'deceased.dateOfDeath',
    listed: true,
    message: /deceased\.dateOfDeath: must not be before the birth date/,
  },
  {
    name: 'the parent of a field the command lacks',
    on: 'birth',
    supplement: { 'mother.fullName': 'Nguyễn Thị Lan' },
    field: 'mother.fullName',
    listed: true,
    message: /mother\.personalIdNumber/,
    without: 'mother',
  },
] as const;

describe('a supplement applied to the command the agency decides on (rule 10)', () => {
  it('leaves a command without a supplement as it is', () => {
    expect(applySupplement(birth, RegisterBirth, birthService.informationFields)).toEqual({ ok: true, command: birth });
  });

  it.each(applied)('applies $name', ({ on, supplement, at, value }) => {
    const { command, schema, fields } = commands[on];
    const result = applySupplement({ ...command, supplement }, schema, fields);
    if (!result.ok) throw new Error(result.message);
    expect(
      at.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], result.command),
    ).toEqual(value);
    expect(schema.safeParse(result.command).success).toBe(true);
    expect(command.supplement).toBeUndefined();
  });

  it.each(refused)('refuses $name, naming the field', ({ on, supplement, field, listed, message, ...rest }) => {
    const { command, schema, fields } = commands[on];
    const base = 'without' in rest ? { ...command, [rest.without]: undefined } : command;
    const result = applySupplement({ ...base, supplement }, schema, fields);
    expect(result).toMatchObject({ ok: false, field, listed });
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

describe('the rules decide on the supplemented command', () => {
  const decide = async (
    commandType: 'RegisterBirth.v1' | 'RegisterPermanentResidence.v1',
    command: Record<string, unknown>,
  ) => {
    const handlers = { ...agencyModules['civil-status'].handlers, ...agencyModules.residence.handlers };
    const { schema } = handlers[commandType];
    const fields =
      commandType === 'RegisterBirth.v1' ? birthService.informationFields : registerResidence.informationFields;
    const supplied = applySupplement(command, schema, fields);
    if (!supplied.ok) throw new Error(supplied.message);
    return handlers[commandType].open(supplied.command).decide(fakeContext());
  };

  it("registers a birth once the child's name carries a parent's surname", async () => {
    const badName = { ...birth, child: { ...(birth.child as object), fullName: 'Phạm Minh Khang' } };
    expect(await decide('RegisterBirth.v1', badName)).toMatchObject({
      outcome: 'needs-information',
      fields: ['child.fullName'],
    });
    expect(
      await decide('RegisterBirth.v1', { ...badName, supplement: { 'child.fullName': 'Trần Minh Khang' } }),
    ).toMatchObject({ outcome: 'approved' });
  });

  it('registers the residence once the household head and the owner consent', async () => {
    expect(await decide('RegisterPermanentResidence.v1', residence)).toMatchObject({ outcome: 'needs-information' });
    const consents = { 'residence.householdHeadConsent': 'có', 'residence.ownerConsent': 'có' };
    expect(await decide('RegisterPermanentResidence.v1', { ...residence, supplement: consents })).toMatchObject({
      outcome: 'approved',
      result: { householdId: hung.householdId },
    });
  });
});
