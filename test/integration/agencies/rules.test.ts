import { testAccess } from '../../support/registry-fixtures';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AgencyId } from '../../../contracts/agencies';
import { kafkaFor } from '../../../platform/kafka';
import { createLogger } from '../../../platform/logger';
import { birthInput, deathInput } from '../../fixtures/dossiers';
import { isolatedAgency, ruleCitizens, unknownIdNumber } from '../../support/agency-fixtures';

/**
 * Every rule each agency applies, as a table: a command that passes or breaks one rule, and the
 * answer expected on the agency's event topic. Real Kafka and PostgreSQL; each agency on topics
 * and a database of its own.
 */
const endpoints = inject('endpoints');
const log = createLogger({ level: 'warn', format: 'json' });
const kafka = kafkaFor(endpoints.kafka, 'admin', { clientId: 'agency-rules' }, log);
const agencies = {} as Record<AgencyId, Awaited<ReturnType<typeof isolatedAgency>>>;

beforeAll(async () => {
  for (const agency of ['civil-status', 'residence', 'social-insurance'] as const)
    agencies[agency] = await isolatedAgency(kafka, endpoints, agency, log);
});
afterAll(async () => {
  await Promise.all(Object.values(agencies).map((a) => a.stop()));
});

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
const person = (c: (typeof ruleCitizens)[keyof typeof ruleCitizens]) => ({
  personalIdNumber: c.personalId,
  fullName: c.fullName,
});
const deceasedOf = (c: (typeof ruleCitizens)[keyof typeof ruleCitizens], occupationalCause = false) => ({
  personalIdNumber: c.personalId,
  fullName: c.fullName,
  sex: c.sex,
  birthDate: c.birthDate,
  dateOfDeath: daysAgo(2),
  placeOfDeath: { provinceCode: c.provinceCode, commune: c.commune, street: c.street },
  occupationalCause,
});

const birth = birthInput(10);
/** A birth command for another birth on each call: civil status registers a birth once. */
const registerBirth = (changes: Partial<typeof birth> = {}) => {
  const input = { ...birthInput(10), ...changes };
  return {
    applicant: input.applicant,
    child: input.child,
    mother: input.mother,
    father: input.father,
    birthCertificateReference: input.birthCertificateReference,
  };
};
const death = deathInput(4, 2);
const birthRegistration = { birthCertificateNumber: '001/2026/KS-999999', childPersonalIdNumber: '001226999999' };
const deathRegistration = { deathExtractNumber: '001/2026/TK-999999' };

type Row = {
  name: string;
  agency: AgencyId;
  type: string;
  data: Record<string, unknown>;
  expected: string;
  fields?: Record<string, unknown>;
};

const table: Row[] = [
  // civil status: birth (rules 2, 4, 12)
  {
    name: 'birth on time with living parents',
    agency: 'civil-status',
    type: 'RegisterBirth.v1',
    data: registerBirth(),
    expected: 'BirthRegistered.v1',
    fields: {
      birthCertificateNumber: expect.stringMatching(/KS-\d{6}$/),
      childPersonalIdNumber: expect.stringMatching(/^0012\d{8}$/),
    },
  },
  {
    name: 'birth registered after 60 days',
    agency: 'civil-status',
    type: 'RegisterBirth.v1',
    data: registerBirth({ child: { ...birth.child, birthDate: daysAgo(90) } }),
    expected: 'BirthRegistrationRejected.v1',
    fields: { reasonCode: 'LATE_REGISTRATION' },
  },
  {
    name: 'child of 6 or more',
    agency: 'civil-status',
    type: 'RegisterBirth.v1',
    data: registerBirth({ child: { ...birth.child, birthDate: daysAgo(6 * 366 + 10) } }),
    expected: 'BirthRegistrationRejected.v1',
    fields: { reasonCode: 'CHILD_TOO_OLD' },
  },
  {
    name: 'mother unknown to the population database',
    agency: 'civil-status',
    type: 'RegisterBirth.v1',
    data: registerBirth({ mother: { personalIdNumber: unknownIdNumber, fullName: 'Nguyễn Thị Lan' } }),
    expected: 'BirthRegistrationRejected.v1',
    fields: { reasonCode: 'PARENT_NOT_FOUND' },
  },
  {
    name: "child's surname from neither parent",
    agency: 'civil-status',
    type: 'RegisterBirth.v1',
    data: registerBirth({ child: { ...birth.child, fullName: 'Phạm Minh Khang' } }),
    expected: 'AdditionalInformationRequested.v1',
    fields: { fields: ['child.fullName'] },
  },
  // civil status: death (rule 7)
  {
    name: 'death of a living citizen, on time',
    agency: 'civil-status',
    type: 'RegisterDeath.v1',
    data: {
      applicant: death.applicant,
      deceased: deceasedOf(ruleCitizens.fewContributions),
      deathNoticeReference: 'GBT-1',
    },
    expected: 'DeathRegistered.v1',
    fields: { deathExtractNumber: expect.stringMatching(/TK-\d{6}$/) },
  },
  {
    name: 'death registered after 15 days',
    agency: 'civil-status',
    type: 'RegisterDeath.v1',
    data: {
      applicant: death.applicant,
      deceased: { ...deceasedOf(ruleCitizens.injuredAtWork), dateOfDeath: daysAgo(20) },
      deathNoticeReference: 'GBT-2',
    },
    expected: 'DeathRegistrationRejected.v1',
    fields: { reasonCode: 'DEATH_REGISTRATION_LATE' },
  },
  {
    name: 'death of someone not in the database',
    agency: 'civil-status',
    type: 'RegisterDeath.v1',
    data: {
      applicant: death.applicant,
      deceased: { ...death.deceased, personalIdNumber: '001050111222' },
      deathNoticeReference: 'GBT-3',
    },
    expected: 'DeathRegistrationRejected.v1',
    fields: { reasonCode: 'PERSON_NOT_FOUND' },
  },
  {
    name: 'death of someone already deceased',
    agency: 'civil-status',
    type: 'RegisterDeath.v1',
    data: { applicant: death.applicant, deceased: deceasedOf(ruleCitizens.alreadyDead), deathNoticeReference: 'GBT-4' },
    expected: 'DeathRegistrationRejected.v1',
    fields: { reasonCode: 'ALREADY_DECEASED' },
  },
  // residence (rule 5)
  {
    name: "newborn at the owning mother's residence",
    agency: 'residence',
    type: 'RegisterPermanentResidence.v1',
    data: {
      birthRegistration,
      child: birth.child,
      parentIdNumber: birth.mother!.personalIdNumber,
      residence: birth.residence,
    },
    expected: 'PermanentResidenceRegistered.v1',
    fields: { householdId: 'HK-001-DEMO001', residenceRegistrationNumber: expect.stringMatching(/^TT-001-/) },
  },
  {
    name: "address that is not the parent's residence",
    agency: 'residence',
    type: 'RegisterPermanentResidence.v1',
    data: {
      birthRegistration,
      child: birth.child,
      parentIdNumber: birth.mother!.personalIdNumber,
      residence: { ...birth.residence, address: { ...birth.residence.address, street: '99 Phố Huế' } },
    },
    expected: 'PermanentResidenceRegistrationRejected.v1',
    fields: { reasonCode: 'ADDRESS_NOT_PARENT_RESIDENCE' },
  },
  {
    name: 'tenant parent without the consents',
    agency: 'residence',
    type: 'RegisterPermanentResidence.v1',
    data: {
      birthRegistration,
      child: birth.child,
      parentIdNumber: ruleCitizens.tenantMother.personalId,
      residence: {
        ...birth.residence,
        address: { provinceCode: '001', commune: 'Phường Ba Đình', street: '8 Phố Kim Mã' },
      },
    },
    expected: 'AdditionalInformationRequested.v1',
    fields: { fields: ['residence.householdHeadConsent', 'residence.ownerConsent'] },
  },
  {
    name: 'tenant parent with both consents',
    agency: 'residence',
    type: 'RegisterPermanentResidence.v1',
    data: {
      birthRegistration,
      child: birth.child,
      parentIdNumber: ruleCitizens.tenantMother.personalId,
      residence: {
        ...birth.residence,
        address: { provinceCode: '001', commune: 'Phường Ba Đình', street: '8 Phố Kim Mã' },
        householdHeadConsent: true,
        ownerConsent: true,
      },
    },
    expected: 'PermanentResidenceRegistered.v1',
    fields: { householdId: 'HK-001-RULE005' },
  },
  {
    name: 'parent not in the database',
    agency: 'residence',
    type: 'RegisterPermanentResidence.v1',
    data: { birthRegistration, child: birth.child, parentIdNumber: unknownIdNumber, residence: birth.residence },
    expected: 'PermanentResidenceRegistrationRejected.v1',
    fields: { reasonCode: 'PERSON_NOT_FOUND' },
  },
  {
    name: 'deleting the residence of a known citizen',
    agency: 'residence',
    type: 'DeletePermanentResidence.v1',
    data: { deathRegistration, deceased: deceasedOf(ruleCitizens.alreadyDead) },
    expected: 'PermanentResidenceDeleted.v1',
    fields: { deletionRecordNumber: expect.any(String) },
  },
  {
    name: 'deleting the residence of an unknown person',
    agency: 'residence',
    type: 'DeletePermanentResidence.v1',
    data: { deathRegistration, deceased: { ...death.deceased, personalIdNumber: '001050111222' } },
    expected: 'PermanentResidenceDeletionRejected.v1',
    fields: { reasonCode: 'PERSON_NOT_FOUND' },
  },
  // social insurance: card (rule 3), funeral allowance (rule 8), survivor benefit (rule 9)
  {
    name: 'card for a newborn',
    agency: 'social-insurance',
    type: 'IssueHealthInsuranceCard.v1',
    data: { birthRegistration, child: { ...birth.child, birthDate: '2026-03-10' }, residence: birth.residence },
    expected: 'HealthInsuranceCardIssued.v1',
    fields: { validFrom: '2026-03-10', validTo: '2032-09-30', cardNumber: expect.stringMatching(/^TE1/) },
  },
  {
    name: 'card for a child born on 30 September runs to the end of that month',
    agency: 'social-insurance',
    type: 'IssueHealthInsuranceCard.v1',
    data: { birthRegistration, child: { ...birth.child, birthDate: '2025-09-30' }, residence: birth.residence },
    expected: 'HealthInsuranceCardIssued.v1',
    fields: { validTo: '2031-09-30' },
  },
  {
    name: 'card for a child born in October',
    agency: 'social-insurance',
    type: 'IssueHealthInsuranceCard.v1',
    data: { birthRegistration, child: { ...birth.child, birthDate: '2025-10-15' }, residence: birth.residence },
    expected: 'HealthInsuranceCardIssued.v1',
    fields: { validTo: '2031-10-31' },
  },
  {
    name: 'card for a child of 6',
    agency: 'social-insurance',
    type: 'IssueHealthInsuranceCard.v1',
    data: {
      birthRegistration,
      child: { ...birth.child, birthDate: daysAgo(6 * 366 + 10) },
      residence: birth.residence,
    },
    expected: 'HealthInsuranceCardRejected.v1',
    fields: { reasonCode: 'CHILD_TOO_OLD' },
  },
  {
    name: 'funeral allowance for a pensioner',
    agency: 'social-insurance',
    type: 'DecideFuneralAllowance.v1',
    data: { deathRegistration, deceased: deceasedOf(ruleCitizens.pensioner), applicant: death.applicant },
    expected: 'FuneralAllowanceDecided.v1',
    fields: { amountVnd: 23_400_000 },
  },
  {
    name: 'funeral allowance with fewer than 12 months of contributions',
    agency: 'social-insurance',
    type: 'DecideFuneralAllowance.v1',
    data: { deathRegistration, deceased: deceasedOf(ruleCitizens.fewContributions), applicant: death.applicant },
    expected: 'FuneralAllowanceRejected.v1',
    fields: { reasonCode: 'NOT_ELIGIBLE' },
  },
  {
    name: 'funeral allowance for an occupational death despite few contributions',
    agency: 'social-insurance',
    type: 'DecideFuneralAllowance.v1',
    data: { deathRegistration, deceased: deceasedOf(ruleCitizens.injuredAtWork, true), applicant: death.applicant },
    expected: 'FuneralAllowanceDecided.v1',
    fields: { amountVnd: 23_400_000 },
  },
  {
    name: 'funeral allowance for someone not in the database',
    agency: 'social-insurance',
    type: 'DecideFuneralAllowance.v1',
    data: {
      deathRegistration,
      deceased: { ...death.deceased, personalIdNumber: '001050111222' },
      applicant: death.applicant,
    },
    expected: 'FuneralAllowanceRejected.v1',
    fields: { reasonCode: 'PERSON_NOT_FOUND' },
  },
  {
    name: 'survivor benefit with every relative confirming',
    agency: 'social-insurance',
    type: 'DecideSurvivorBenefit.v1',
    data: {
      deathRegistration,
      deceased: death.deceased,
      survivors: death.survivors,
      representativeIdNumber: death.representativeIdNumber,
    },
    expected: 'SurvivorBenefitDecided.v1',
    fields: { representativeIdNumber: death.representativeIdNumber },
  },
  {
    name: 'survivor benefit with a relative not confirming',
    agency: 'social-insurance',
    type: 'DecideSurvivorBenefit.v1',
    data: {
      deathRegistration,
      deceased: death.deceased,
      survivors: [death.survivors[0], { ...death.survivors[1], confirmsRepresentative: false }],
      representativeIdNumber: death.representativeIdNumber,
    },
    expected: 'SurvivorBenefitRejected.v1',
    fields: { reasonCode: 'CONFIRMATIONS_MISSING' },
  },
];

describe('agency rules on real Kafka and PostgreSQL', () => {
  it.each(table)('$agency: $name → $expected', async (row) => {
    const commandId = await agencies[row.agency].send(row.type, row.data);
    const events = await agencies[row.agency].events.waitFor(commandId, row.expected);
    expect(events[0]?.attributes.type).toBe('CommandReceived.v1');
    expect(events.find((e) => e.attributes.type === row.expected)?.data).toMatchObject({ commandId, ...row.fields });
    expect(events.filter((e) => e.attributes.type !== 'CommandReceived.v1')).toHaveLength(1);
  });

  it('sends a birth with a deceased parent to an agency worker (review), who approves it', async () => {
    const civil = agencies['civil-status'];
    const commandId = await civil.send(
      'RegisterBirth.v1',
      registerBirth({ father: person(ruleCitizens.deceasedFather) }),
    );
    await civil.events.waitFor(commandId, 'CommandReceived.v1');
    await expect
      .poll(async () => (await civil.agency.backOffice.listTasks()).find((t) => t.taskId === commandId)?.flags)
      .toEqual(['father-deceased']);
    await expect
      .poll(() => civil.events.of(commandId).map((e) => (e.data as { handling: string }).handling))
      .toEqual(['automatic', 'manual']);
    // The citizen's dossier learns why from the same event the worker's inbox is fed by.
    expect(civil.events.of(commandId)[1]?.data).toMatchObject({ flags: ['father-deceased'] });
    expect(await civil.agency.backOffice.claim(commandId, 'officer-1')).toBe(true);
    expect(await civil.agency.backOffice.complete(commandId, 'officer-1', { decision: 'approve' })).toBe(true);
    await civil.events.waitFor(commandId, 'BirthRegistered.v1');
  });

  it('pays the funeral allowance for one person once, whatever the dossier', async () => {
    const insurance = agencies['social-insurance'];
    const data = { deathRegistration, deceased: deceasedOf(ruleCitizens.deceasedFather), applicant: death.applicant };
    const first = await insurance.send('DecideFuneralAllowance.v1', data);
    await insurance.events.waitFor(first, 'FuneralAllowanceDecided.v1');
    const second = await insurance.send('DecideFuneralAllowance.v1', data);
    const events = await insurance.events.waitFor(second, 'FuneralAllowanceRejected.v1');
    expect(events.at(-1)?.data).toMatchObject({ reasonCode: 'ALREADY_PAID' });
  });

  it('marks the person dead once the death is registered, so later rules see it', async () => {
    const civil = agencies['civil-status'];
    const deceased = deceasedOf(ruleCitizens.pensioner);
    const first = await civil.send('RegisterDeath.v1', {
      applicant: death.applicant,
      deceased,
      deathNoticeReference: 'GBT-5',
    });
    await civil.events.waitFor(first, 'DeathRegistered.v1');
    expect((await civil.registry.service.find(deceased.personalIdNumber, testAccess))?.citizen.alive).toBe(false);
    await expect
      .poll(async () => (await civil.agency.population.find(deceased.personalIdNumber))?.alive, { timeout: 15_000 })
      .toBe(false);
    const again = await civil.send('RegisterDeath.v1', {
      applicant: death.applicant,
      deceased,
      deathNoticeReference: 'GBT-6',
    });
    const events = await civil.events.waitFor(again, 'DeathRegistrationRejected.v1');
    expect(events.at(-1)?.data).toMatchObject({ reasonCode: 'ALREADY_DECEASED' });
  });
});

describe('receipts held back in the outbox (AGENCY_RECEIPT_LINGER_MS)', () => {
  it('sends only the result of a case the rules decide at once, and the receipt of one left to a worker', async () => {
    const civil = await isolatedAgency(kafka, endpoints, 'civil-status', log, { receiptLingerMs: 1000 });
    try {
      const decided = await civil.send('RegisterBirth.v1', registerBirth());
      const events = await civil.events.waitFor(decided, 'BirthRegistered.v1');
      expect(events.map((e) => e.attributes.type)).toEqual(['BirthRegistered.v1']);

      await civil.restart({ policy: 'manual' });
      const waiting = await civil.send('RegisterBirth.v1', registerBirth());
      const sentAt = Date.now();
      const [receipt] = await civil.events.waitFor(waiting, 'CommandReceived.v1');
      expect(Date.now() - sentAt).toBeGreaterThanOrEqual(900);
      expect(receipt!.data).toMatchObject({ commandId: waiting, handling: 'manual' });
      // The withdrawn receipt never left, even later.
      expect(civil.events.of(decided).map((e) => e.attributes.type)).toEqual(['BirthRegistered.v1']);
    } finally {
      await civil.stop();
    }
  });
});
