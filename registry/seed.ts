import type { Citizen, Relations } from '../contracts/population';
import type { ContactDetails } from '../contracts/registry';
import type { CitizenKeyer } from '../platform/pseudonym';
import type { Pool } from '../platform/database';
import type { Logger } from '../platform/logger';

/** Inserts rows of `columns` values each, in batches; rows already there stay as they are. */
async function insertBatches(pool: Pool, target: string, columns: number, rows: unknown[][]): Promise<void> {
  const batch = 1000;
  for (let start = 0; start < rows.length; start += batch) {
    const slice = rows.slice(start, start + batch);
    const placeholders = slice
      .map((_, r) => `(${Array.from({ length: columns }, (_, c) => `$${r * columns + c + 1}`).join(',')})`)
      .join(',');
    await pool.query(`insert into ${target} values ${placeholders} on conflict do nothing`, slice.flat());
  }
}

/** Enters citizens and their households as they are, without changes published: what seeding is. */
export async function insertCitizens(pool: Pool, citizens: Citizen[]): Promise<void> {
  const households = new Map<string, unknown[]>();
  for (const c of citizens) {
    const household = households.get(c.householdId) ?? [c.householdId, c.provinceCode, c.commune, c.street, null, null];
    if (c.householdHead) household[4] = c.personalId;
    if (c.owner) household[5] = c.personalId;
    households.set(c.householdId, household);
  }
  await insertBatches(pool, 'households', 6, [...households.values()]);
  await insertBatches(
    pool,
    'citizens (personal_id, full_name, sex, birth_date, contribution_months, pensioner, alive, household_id)',
    8,
    citizens.map((c) => [
      c.personalId,
      c.fullName,
      c.sex,
      c.birthDate,
      c.contributionMonths,
      c.pensioner,
      c.alive,
      c.householdId,
    ]),
  );
}

/** Enters marriages (both ways) and parenthood between citizens already entered; those there stay. */
export async function insertRelations(pool: Pool, relations: Relations): Promise<void> {
  await insertBatches(
    pool,
    'spouses',
    2,
    relations.spouses.flatMap(([a, b]) => [
      [a, b],
      [b, a],
    ]),
  );
  await insertBatches(
    pool,
    'parents',
    2,
    relations.parents.map(([child, parent]) => [child, parent]),
  );
}

/**
 * Seeds the registry with the generated population (contracts/population-generator.ts) once: the
 * same deterministic people every agency's read model starts from, so only changes need the topic.
 * Each household's address is its first member's; its head and owner are the members so flagged.
 */
export async function seedRegistry(pool: Pool, citizens: Citizen[], relations: Relations, log: Logger): Promise<void> {
  const { rows } = await pool.query<{ n: number }>('select count(*)::int as n from citizens');
  if ((rows[0]?.n ?? 0) < citizens.length) {
    const started = Date.now();
    await insertCitizens(pool, citizens);
    log.info({ citizens: citizens.length, seconds: (Date.now() - started) / 1000 }, 'registry seeded');
  }
  // Cheap and idempotent, so a registry seeded before families were kept gets them too.
  await insertRelations(pool, relations);
}

/** Enters the contact details citizens gave (by ID number), found later by their pseudonymous key; a changed one replaces the old. */
export async function insertContacts(
  pool: Pool,
  contacts: Record<string, ContactDetails>,
  citizenKey: CitizenKeyer,
): Promise<void> {
  for (const [personalId, contact] of Object.entries(contacts)) {
    await pool.query(
      `insert into contacts (personal_id, citizen_key, phone, email, language)
       select $1, $2, $3, $4, $5 where exists (select 1 from citizens where personal_id = $1)
       on conflict (personal_id) do update set citizen_key = excluded.citizen_key, phone = excluded.phone,
         email = excluded.email, language = excluded.language`,
      [personalId, citizenKey(personalId), contact.phone, contact.email, contact.language],
    );
  }
}
