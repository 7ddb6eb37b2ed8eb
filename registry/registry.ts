import { randomInt, randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { z } from 'zod';
import type { PopulationChangeType, populationChanges } from '../contracts/population-changes';
import type { AccessContext } from '../contracts/data-access';
import {
  BirthAnswer,
  ChangeAnswer,
  ContactDetails,
  type FamilyRecord,
  type PopulationRegistryClient,
  type Relative,
  type RegistryRecord,
  type RegistryRefusal,
} from '../contracts/registry';
import { centurySexDigit, type ProvinceCode, type Sex } from '../contracts/values';
import { inTransaction, type Pool, type Queryable } from '../platform/database';
import { logReads, readsOf } from '../platform/data-access';

/** The registry's name in the data-access log of the reads it answers. */
const holder = 'registry';

const uniqueViolation = '23505';

const refusal = (reasonCode: RegistryRefusal['reasonCode'], message: string): RegistryRefusal => ({
  ok: false,
  reasonCode,
  message,
});
const notFound = refusal('PERSON_NOT_FOUND', 'no such personal ID number in the population database');
const deceased = refusal('ALREADY_DECEASED', 'the person is already registered as deceased');

/** Queues a change in the caller's transaction: it is published if and only if the change commits. */
async function enqueueChange<Type extends PopulationChangeType>(
  db: Queryable,
  type: Type,
  personalId: string,
  data: z.input<(typeof populationChanges)[Type]>,
): Promise<void> {
  await db.query('insert into outbox (event_id, event_type, subject, data) values ($1, $2, $3, $4)', [
    randomUUID(),
    type,
    personalId,
    JSON.stringify(data),
  ]);
}

const recordOf = (r: Record<string, unknown>): RegistryRecord => ({
  citizen: {
    personalId: r.personal_id as string,
    fullName: r.full_name as string,
    sex: r.sex as Sex,
    birthDate: r.birth_date as string,
    provinceCode: r.province_code as ProvinceCode,
    commune: r.commune as string,
    street: r.street as string,
    householdId: r.household_id as string,
    householdHead: r.head_id === r.personal_id,
    owner: r.owner_id === r.personal_id,
    contributionMonths: r.contribution_months as number,
    pensioner: r.pensioner as boolean,
    alive: r.alive as boolean,
  },
  diedOn: (r.died_on as string | null) ?? null,
  permanentResident: r.permanent_resident as boolean,
});

async function findRecord(db: Queryable, personalId: string, lock = false): Promise<RegistryRecord | undefined> {
  const { rows } = await db.query(
    `select c.*, h.province_code, h.commune, h.street, h.head_id, h.owner_id
       from citizens c join households h using (household_id) where c.personal_id = $1${lock ? ' for update of c' : ''}`,
    [personalId],
  );
  return rows[0] ? recordOf(rows[0] as Record<string, unknown>) : undefined;
}

/**
 * Answers a request once: a request id seen before gets its recorded answer; otherwise the change,
 * its answer and its outbox rows commit together. Two concurrent firsts race on the request id (or
 * a birth's key): the loser's transaction fails on the unique key and, asked again, finds the answer.
 */
async function once<Answer>(
  pool: Pool,
  requestId: string,
  schema: z.ZodType<Answer>,
  change: (client: pg.PoolClient) => Promise<Answer>,
): Promise<Answer> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await inTransaction(pool, async (client) => {
        const seen = await client.query<{ answer: unknown }>('select answer from requests where request_id = $1', [
          requestId,
        ]);
        if (seen.rows[0]) return schema.parse(seen.rows[0].answer);
        const answer = await change(client);
        await client.query('insert into requests (request_id, answer) values ($1, $2)', [
          requestId,
          JSON.stringify(answer),
        ]);
        return answer;
      });
    } catch (err) {
      if ((err as { code?: string }).code !== uniqueViolation || attempt >= 3) throw err;
    }
  }
}

/** A fresh personal ID number (rule 1): province of registration, century/sex digit, year, 6 random digits. */
const mintPersonalId = (province: ProvinceCode, sex: Sex, birthDate: string) => {
  const year = Number(birthDate.slice(0, 4));
  return `${province}${centurySexDigit(year, sex)}${String(year % 100).padStart(2, '0')}${String(randomInt(1_000_000)).padStart(6, '0')}`;
};

/** The registry's operations over its database; every change is published through its outbox. */
export function createRegistryService(pool: Pool): PopulationRegistryClient {
  return {
    registerBirth: (request) =>
      once(pool, request.requestId, BirthAnswer, async (client) => {
        const known = await client.query<{ personal_id: string }>(
          'select personal_id from births where birth_key = $1',
          [request.birthKey],
        );
        if (known.rows[0]) return { ok: true, personalId: known.rows[0].personal_id };
        const parent = request.parentIdNumber ? await findRecord(client, request.parentIdNumber) : undefined;
        const { child } = request;
        let householdId = parent?.citizen.householdId;
        let personalId = '';
        for (let tries = 0; !personalId; tries += 1) {
          if (tries >= 20) throw new Error('could not issue a unique personal ID number');
          const candidate = mintPersonalId(request.registeredIn, child.sex, child.birthDate);
          const taken = await client.query('select 1 from citizens where personal_id = $1', [candidate]);
          if (taken.rowCount === 0) personalId = candidate;
        }
        if (!householdId) {
          householdId = `HK-${request.birthPlace.provinceCode}-${personalId}`;
          await client.query('insert into households values ($1, $2, $3, $4, null, null)', [
            householdId,
            request.birthPlace.provinceCode,
            request.birthPlace.commune,
            request.birthPlace.street,
          ]);
        }
        await client.query(
          'insert into citizens (personal_id, full_name, sex, birth_date, contribution_months, pensioner, alive, household_id) values ($1, $2, $3, $4, 0, false, true, $5)',
          [personalId, child.fullName, child.sex, child.birthDate, householdId],
        );
        await client.query('insert into births (birth_key, personal_id) values ($1, $2)', [
          request.birthKey,
          personalId,
        ]);
        // The parents the declaration names, those the registry knows (civil status checked them).
        await client.query(
          'insert into parents (child_id, parent_id) select $1, personal_id from citizens where personal_id = any($2::text[])',
          [personalId, request.parents ?? []],
        );
        const born = await findRecord(client, personalId);
        await enqueueChange(client, 'CitizenBorn.v1', personalId, { citizen: born!.citizen });
        return { ok: true, personalId };
      }),

    registerDeath: (request) =>
      once(pool, request.requestId, ChangeAnswer, async (client) => {
        const person = await findRecord(client, request.personalId, true);
        if (!person) return notFound;
        if (!person.citizen.alive) return deceased;
        await client.query('update citizens set alive = false, died_on = $2 where personal_id = $1', [
          request.personalId,
          request.diedOn,
        ]);
        await enqueueChange(client, 'CitizenDied.v1', request.personalId, {
          personalId: request.personalId,
          diedOn: request.diedOn,
        });
        return { ok: true };
      }),

    registerPermanentResidence: (request) =>
      once(pool, request.requestId, ChangeAnswer, async (client) => {
        const person = await findRecord(client, request.personalId, true);
        if (!person) return notFound;
        if (!person.citizen.alive) return deceased;
        const { residence } = request;
        // A household the registry does not know yet is founded at the address registered.
        await client.query('insert into households values ($1, $2, $3, $4, null, null) on conflict do nothing', [
          residence.householdId,
          residence.provinceCode,
          residence.commune,
          residence.street,
        ]);
        await client.query('update citizens set household_id = $2, permanent_resident = true where personal_id = $1', [
          request.personalId,
          residence.householdId,
        ]);
        await enqueueChange(client, 'CitizenPermanentResidenceRegistered.v1', request.personalId, {
          personalId: request.personalId,
          residence,
        });
        return { ok: true };
      }),

    deletePermanentResidence: (request) =>
      once(pool, request.requestId, ChangeAnswer, async (client) => {
        const person = await findRecord(client, request.personalId, true);
        if (!person) return notFound;
        if (!person.permanentResident)
          return refusal('NO_PERMANENT_RESIDENCE', 'the person has no permanent residence to delete');
        // The household stays as the last residence (rule 7 registers a death at its commune).
        await client.query('update citizens set permanent_resident = false where personal_id = $1', [
          request.personalId,
        ]);
        await enqueueChange(client, 'CitizenPermanentResidenceDeleted.v1', request.personalId, {
          personalId: request.personalId,
          deletedOn: request.deletedOn,
        });
        return { ok: true };
      }),

    async find(personalId, access) {
      const record = await findRecord(pool, personalId);
      if (record) await logReads(pool, [personalId], access);
      return record;
    },

    family: (personalId, access) => findFamily(pool, personalId, access),

    dataAccess: (personalId) => readsOf(pool, personalId, holder),

    async contactDetails(citizenKey, access) {
      const { rows } = await pool.query<{
        personal_id: string;
        phone: string | null;
        email: string | null;
        language: string;
      }>('select personal_id, phone, email, language from contacts where citizen_key = $1', [citizenKey]);
      const row = rows[0];
      if (!row) return undefined;
      await logReads(pool, [row.personal_id], access);
      return ContactDetails.parse({ phone: row.phone, email: row.email, language: row.language });
    },
  };
}

const relativeOf = (r: Record<string, unknown>): Relative => ({
  personalId: r.personal_id as string,
  fullName: r.full_name as string,
  sex: r.sex as Sex,
  birthDate: r.birth_date as string,
  alive: r.alive as boolean,
});

/**
 * A citizen with spouse, parents, children and the household's residents, read in one snapshot;
 * each relative shown is logged as a read of their record too (they see who looked).
 */
async function findFamily(pool: Pool, personalId: string, access: AccessContext): Promise<FamilyRecord | undefined> {
  return inTransaction(pool, async (client) => {
    await client.query('set transaction isolation level repeatable read read only');
    const record = await findRecord(client, personalId);
    if (!record) return undefined;
    const relatives = async (sql: string) =>
      (await client.query(sql, [personalId])).rows.map((r) => relativeOf(r as Record<string, unknown>));
    const [spouse] = await relatives(
      'select c.* from spouses s join citizens c on c.personal_id = s.spouse_id where s.personal_id = $1',
    );
    const parents = await relatives(
      'select c.* from parents p join citizens c on c.personal_id = p.parent_id where p.child_id = $1 order by c.birth_date',
    );
    const children = await relatives(
      'select c.* from parents p join citizens c on c.personal_id = p.child_id where p.parent_id = $1 order by c.birth_date',
    );
    const { rows } = record.permanentResident
      ? await client.query(
          `select c.*, c.personal_id = h.head_id as household_head, c.personal_id = h.owner_id as owner
             from citizens c join households h using (household_id)
            where c.household_id = $1 and c.permanent_resident order by c.birth_date`,
          [record.citizen.householdId],
        )
      : { rows: [] };
    const household = rows.map((r: Record<string, unknown>) => ({
      ...relativeOf(r),
      householdHead: r.household_head as boolean,
      owner: r.owner as boolean,
    }));
    const others = [spouse, ...parents, ...children, ...household]
      .filter((p): p is Relative => p !== undefined && p.personalId !== personalId)
      .map((p) => p.personalId);
    return { record, spouse: spouse ?? null, parents, children, household, others };
  }).then(async (found) => {
    if (!found) return undefined;
    // Logged after the read-only snapshot: the reads of the citizen's own record and of each relative shown.
    await logReads(pool, [personalId], access);
    await logReads(pool, found.others, { ...access, purpose: 'family-record' });
    const { others: _others, ...family } = found;
    return family;
  });
}
