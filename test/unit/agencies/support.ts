import type { RegisterBirth, RegisterDeath } from '../../../contracts/agency-messages/civil-status';
import type { DataAccessRecord } from '../../../contracts/data-access';
import type { Citizen, Relations } from '../../../contracts/population';
import { demoPeople, demoRelations } from '../../../contracts/demo-citizens';
import type { PopulationReadModel } from '../../../agencies/reference';
import type { PopulationRegistryClient, Relative } from '../../../contracts/registry';
import { centurySexDigit } from '../../../contracts/values';
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

/** The read model in memory, over a map the fake registry below also writes. */
export function fakePopulation(
  citizens: Citizen[] | Map<string, Citizen> = Object.values(demoPeople),
): PopulationReadModel {
  const byId = citizens instanceof Map ? citizens : new Map(citizens.map((c) => [c.personalId, c]));
  return { find: async (personalId) => byId.get(personalId) };
}

/**
 * The national registry in memory: its changes land in `byId` at once, as if `population.changes`
 * had no lag; births get IDs from a counter, once per birth key.
 */
export function fakeNationalRegistry(
  byId: Map<string, Citizen>,
  relations: Relations = demoRelations,
): PopulationRegistryClient {
  const reads: (DataAccessRecord & { personalId: string })[] = [];
  const births = new Map<string, string>();
  const change = async (personalId: string, update: (c: Citizen) => Citizen) => {
    const citizen = byId.get(personalId);
    if (!citizen) return { ok: false, reasonCode: 'PERSON_NOT_FOUND', message: 'unknown' } as const;
    byId.set(personalId, update(citizen));
    return { ok: true } as const;
  };
  return {
    async registerBirth({ birthKey, child, registeredIn, parentIdNumber, birthPlace }) {
      const known = births.get(birthKey);
      if (known) return { ok: true, personalId: known };
      const year = Number(child.birthDate.slice(0, 4));
      const prefix = `${registeredIn}${centurySexDigit(year, child.sex)}${String(year % 100).padStart(2, '0')}`;
      let sequence = 1;
      while (byId.has(`${prefix}${String(sequence).padStart(6, '0')}`)) sequence += 1;
      const personalId = `${prefix}${String(sequence).padStart(6, '0')}`;
      const parent = parentIdNumber ? byId.get(parentIdNumber) : undefined;
      births.set(birthKey, personalId);
      byId.set(personalId, {
        personalId,
        ...child,
        provinceCode: parent?.provinceCode ?? birthPlace.provinceCode,
        commune: parent?.commune ?? birthPlace.commune,
        street: parent?.street ?? birthPlace.street,
        householdId: parent?.householdId ?? `HK-${registeredIn}-${personalId}`,
        householdHead: false,
        owner: false,
        contributionMonths: 0,
        pensioner: false,
        alive: true,
      });
      return { ok: true, personalId };
    },
    registerDeath: ({ personalId }) => change(personalId, (c) => ({ ...c, alive: false })),
    registerPermanentResidence: ({ personalId, residence }) => change(personalId, (c) => ({ ...c, ...residence })),
    deletePermanentResidence: ({ personalId }) => change(personalId, (c) => c),
    async find(personalId, access) {
      const citizen = byId.get(personalId);
      if (citizen) reads.push({ personalId, ...access, holder: 'registry', at: new Date().toISOString() });
      return citizen && { citizen, diedOn: null, permanentResident: true };
    },
    async family(personalId, access) {
      const record = await this.find(personalId, access);
      if (!record) return undefined;
      const relative = (id: string): Relative => {
        const { personalId: _, fullName, sex, birthDate, alive } = byId.get(id)!;
        return { personalId: id, fullName, sex, birthDate, alive };
      };
      const spouse = relations.spouses.flatMap(([a, b]) => (a === personalId ? [b] : b === personalId ? [a] : []))[0];
      return {
        record,
        spouse: spouse ? relative(spouse) : null,
        parents: relations.parents.filter(([child]) => child === personalId).map(([, parent]) => relative(parent)),
        children: relations.parents.filter(([, parent]) => parent === personalId).map(([child]) => relative(child)),
        household: [...byId.values()]
          .filter((c) => c.householdId === record.citizen.householdId)
          .map((c) => ({ ...relative(c.personalId), householdHead: c.householdHead, owner: c.owner })),
      };
    },
    dataAccess: async (personalId) =>
      reads.filter((read) => read.personalId === personalId).map(({ personalId: _, ...read }) => read),
    // The fake holds no contact details: no one is told.
    contactDetails: async () => undefined,
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

/** Lan's son as the registry knows him once born: the child the residence and card commands name. */
export const newborn: Citizen = {
  ...demoPeople.lan,
  personalId: '001226000001',
  fullName: 'Trần Minh Khang',
  sex: 'male',
  birthDate: '2026-03-10',
  householdHead: false,
  owner: false,
  contributionMonths: 0,
  pensioner: false,
};

/** A case context over the fake read model and registry; the database holds no payout or registration, numbers come from a counter. */
export function fakeContext(): CaseContext {
  let sequence = 0;
  const db: Queryable = { query: async () => ({ rows: [], rowCount: 0, command: '', oid: 0, fields: [] }) };
  const byId = new Map([...Object.values(demoPeople), newborn].map((c) => [c.personalId, c]));
  return {
    db,
    population: fakePopulation(byId),
    registry: fakeNationalRegistry(byId),
    now: NOW,
    calendar: workingDaysCalendar(),
    issue: async (_kind, make) => make((sequence += 1)),
  };
}
