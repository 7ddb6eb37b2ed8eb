import type { AccessContext } from '../contracts/data-access';
import type { Pool, Queryable } from '../platform/database';
import { logReads } from '../platform/data-access';
import type { Logger } from '../platform/logger';
import type { Citizen } from '../contracts/population';
import type { ProvinceCode, Sex } from '../contracts/values';

/** A citizen's values in the column order of `reference.citizens`. */
export const citizenColumns = (c: Citizen) => [
  c.personalId,
  c.fullName,
  c.sex,
  c.birthDate,
  c.provinceCode,
  c.commune,
  c.street,
  c.householdId,
  c.householdHead,
  c.owner,
  c.contributionMonths,
  c.pensioner,
  c.alive,
];

/**
 * Loads citizens into the agency database's `reference` schema, in batches; idempotent per personal
 * ID. This seeds the read model from the same deterministic generator the registry is seeded from,
 * so only changes need to travel on `population.changes`.
 */
export async function loadPopulation(pool: Pool, citizens: Citizen[], log: Logger): Promise<void> {
  await pool.query(`create schema if not exists reference;
    create table if not exists reference.citizens (
      personal_id text primary key, full_name text not null, sex text not null, birth_date date not null,
      province_code text not null, commune text not null, street text not null, household_id text not null,
      household_head boolean not null, owner boolean not null, contribution_months int not null,
      pensioner boolean not null, alive boolean not null, died_on date);
    alter table reference.citizens add column if not exists permanent_resident boolean not null default true`);
  const columns = 13;
  const batch = 1000;
  for (let start = 0; start < citizens.length; start += batch) {
    const rows = citizens.slice(start, start + batch);
    const values = rows.flatMap(citizenColumns);
    const placeholders = rows
      .map((_, r) => `(${Array.from({ length: columns }, (_, c) => `$${r * columns + c + 1}`).join(',')})`)
      .join(',');
    await pool.query(
      `insert into reference.citizens values ${placeholders} on conflict (personal_id) do nothing`,
      values,
    );
    if ((start / batch) % 20 === 19)
      log.info({ loaded: start + rows.length, total: citizens.length }, 'loading population');
  }
}

/**
 * The agency's read model of the national population: what its rules read. Only `population.changes`
 * changes it (population-changes.ts); the registry is the one writer of these facts.
 */
export interface PopulationReadModel {
  find(personalId: string): Promise<Citizen | undefined>;
}

/** The read model over the agency database's `reference` schema; inside a transaction when given its client. */
export function createPopulationReadModel(db: Queryable): PopulationReadModel {
  const toCitizen = (r: Record<string, unknown>): Citizen => ({
    personalId: r.personal_id as string,
    fullName: r.full_name as string,
    sex: r.sex as Sex,
    birthDate: r.birth_date as string,
    provinceCode: r.province_code as ProvinceCode,
    commune: r.commune as string,
    street: r.street as string,
    householdId: r.household_id as string,
    householdHead: r.household_head as boolean,
    owner: r.owner as boolean,
    contributionMonths: r.contribution_months as number,
    pensioner: r.pensioner as boolean,
    alive: r.alive as boolean,
  });
  return {
    async find(personalId) {
      const { rows } = await db.query('select * from reference.citizens where personal_id = $1', [personalId]);
      return rows[0] ? toCitizen(rows[0] as Record<string, unknown>) : undefined;
    },
  };
}

/**
 * The read model as a case reads it: each person found is logged in the agency's `data_access`
 * table, in the case's transaction, with who read and for which dossier (the citizen sees it).
 */
export function loggedPopulationReadModel(db: Queryable, access: AccessContext): PopulationReadModel {
  const model = createPopulationReadModel(db);
  return {
    async find(personalId) {
      const citizen = await model.find(personalId);
      if (citizen) await logReads(db, [personalId], access);
      return citizen;
    },
  };
}
