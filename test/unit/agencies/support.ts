import type { RegisterBirth, RegisterDeath } from '../../../contracts/agency-messages/civil-status';
import type { Citizen } from '../../../contracts/population';
import { demoPeople } from '../../../contracts/demo-citizens';
import type { PopulationRegistry } from '../../../agencies/reference';
import type { CaseContext } from '../../../agencies/runtime/handlers';
import { workingDaysCalendar } from '../../../contracts/calendar';
import type { Queryable } from '../../../platform/database';

/** "Now" for the rule tests: 12:00 in Vietnam (UTC+7), the same calendar date in UTC. */
export const NOW = new Date('2026-03-10T05:00:00Z');
export const TODAY = '2026-03-10';

const DAY_MS = 86_400_000;

/** The calendar date `days` days before `date`. */
export const daysBefore = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10);

/** The same day of the month `months` months before `date` (the tests pick days every month has). */
export function monthsBefore(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const shifted = new Date(Date.UTC(year, month - 1 - months, day));
  return shifted.toISOString().slice(0, 10);
}

/** The population registry in memory: the rules read it, carry-outs change it. */
export function fakeRegistry(citizens: Citizen[] = Object.values(demoPeople)): PopulationRegistry {
  const byId = new Map(citizens.map((c) => [c.personalId, c]));
  return {
    find: async (personalId) => byId.get(personalId),
    async markDeceased(personalId) {
      const citizen = byId.get(personalId);
      if (citizen) byId.set(personalId, { ...citizen, alive: false });
    },
    async add(citizen) {
      if (!byId.has(citizen.personalId)) byId.set(citizen.personalId, citizen);
    },
  };
}

export const routing = { dossierId: 'HS-UNIT-1', stepId: 'step', commandId: 'HS-UNIT-1/step/1', attempt: 1 };

const { lan, hung, bao, hanh } = demoPeople;
/** A citizen as an applicant, parent or relative names them. */
export const personRef = (c: Citizen) => ({ personalIdNumber: c.personalId, fullName: c.fullName });

/** A birth command for Lan and Hùng's son, born on `birthDate`. */
export const registerBirth = (birthDate: string, changes: Partial<RegisterBirth> = {}): RegisterBirth => ({
  ...routing,
  applicant: { ...personRef(lan), relationship: 'mother' },
  child: {
    fullName: 'Trần Minh Khang',
    sex: 'male',
    birthDate,
    birthPlace: { provinceCode: '001', commune: 'Phường Hoàn Kiếm', street: '929 La Thành' },
  },
  mother: personRef(lan),
  father: personRef(hung),
  birthCertificateReference: 'GCS-2026-004512',
  ...changes,
});

/** The deceased as death-side commands carry them. */
export const deceasedOf = (c: Citizen, dateOfDeath: string, occupationalCause = false) => ({
  personalIdNumber: c.personalId,
  fullName: c.fullName,
  sex: c.sex,
  birthDate: c.birthDate,
  dateOfDeath,
  placeOfDeath: { provinceCode: c.provinceCode, commune: c.commune, street: c.street },
  occupationalCause,
});

/** A death command for Bảo, applied for by his daughter Hạnh. */
export const registerDeath = (dateOfDeath: string, deceased: Citizen = bao): RegisterDeath => ({
  ...routing,
  applicant: { ...personRef(hanh), relationship: 'child' },
  deceased: deceasedOf(deceased, dateOfDeath),
  deathNoticeReference: 'GBT-2026-000321',
});

/** A case context over the fake registry; the database holds no payout or registration, numbers come from a counter. */
export function fakeContext(): CaseContext {
  let sequence = 0;
  const db: Queryable = { query: async () => ({ rows: [], rowCount: 0, command: '', oid: 0, fields: [] }) };
  return {
    db,
    registry: fakeRegistry(),
    now: NOW,
    calendar: workingDaysCalendar(),
    issue: async (_kind, make) => make((sequence += 1)),
  };
}
