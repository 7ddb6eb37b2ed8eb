import type { Pool, Queryable } from '../platform/database';
import type { Logger } from '../platform/logger';
import { demoPeople } from '../contracts/demo-citizens';
import type { Citizen } from '../contracts/population';
import { centurySexDigit, communes, provinceCodes, type ProvinceCode, type Sex } from '../contracts/values';

const surnames = [
  'Nguyễn',
  'Trần',
  'Lê',
  'Phạm',
  'Hoàng',
  'Huỳnh',
  'Phan',
  'Vũ',
  'Võ',
  'Đặng',
  'Bùi',
  'Đỗ',
  'Hồ',
  'Ngô',
  'Dương',
  'Lý',
];
const middle = { male: ['Văn', 'Minh', 'Đức', 'Quang', 'Hữu'], female: ['Thị', 'Ngọc', 'Thu', 'Thanh', 'Phương'] };
const given = {
  male: ['An', 'Bình', 'Cường', 'Dũng', 'Hùng', 'Khang', 'Long', 'Nam', 'Phúc', 'Quân', 'Sơn', 'Tuấn'],
  female: ['Anh', 'Chi', 'Hạnh', 'Hoa', 'Lan', 'Linh', 'Mai', 'Ngân', 'Oanh', 'Thảo', 'Trang', 'Yến'],
};
const streets = [
  'Lê Lợi',
  'Trần Hưng Đạo',
  'Nguyễn Trãi',
  'Hai Bà Trưng',
  'Lý Thường Kiệt',
  'Điện Biên Phủ',
  'Hùng Vương',
];

/** A small seedable PRNG (mulberry32): the same seed gives the same population on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Generates `size` citizens in households, with valid, unique personal ID numbers (rule 1), real
 * province names, Vietnamese names, contribution months and life status. Deterministic per seed.
 */
export function generatePopulation(size: number, seed = 1): Citizen[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const citizens: Citizen[] = [];
  const used = new Set<string>();
  let household = 0;
  while (citizens.length < size) {
    household += 1;
    const provinceCode = pick(provinceCodes);
    const address = {
      provinceCode,
      commune: pick(communes[provinceCode]),
      street: `${1 + Math.floor(random() * 300)} ${pick(streets)}`,
    };
    const members = 1 + Math.floor(random() * 4);
    const surname = pick(surnames);
    for (let m = 0; m < members && citizens.length < size; m += 1) {
      const sex: Sex = random() < 0.5 ? 'male' : 'female';
      const year = 1940 + Math.floor(random() * 66);
      const birthDate = `${year}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
      let personalId: string;
      do {
        personalId = `${provinceCode}${centurySexDigit(year, sex)}${String(year % 100).padStart(2, '0')}${String(Math.floor(random() * 1_000_000)).padStart(6, '0')}`;
      } while (used.has(personalId));
      used.add(personalId);
      citizens.push({
        personalId,
        fullName: `${m === 0 ? surname : pick(surnames)} ${pick(middle[sex])} ${pick(given[sex])}`,
        sex,
        birthDate,
        ...address,
        householdId: `HK-${provinceCode}-${String(household).padStart(7, '0')}`,
        householdHead: m === 0,
        owner: m === 0,
        contributionMonths: year > 2004 ? 0 : Math.floor(random() * 400),
        pensioner: year < 1962 && random() < 0.6,
        alive: random() > 0.02,
      });
    }
  }
  return citizens;
}

/** A citizen's values in the column order of `reference.citizens`. */
const citizenColumns = (c: Citizen) => [
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

/** Loads citizens into the agency database's `reference` schema, in batches; idempotent per personal ID. */
export async function loadPopulation(pool: Pool, citizens: Citizen[], log: Logger): Promise<void> {
  await pool.query(`create schema if not exists reference;
    create table if not exists reference.citizens (
      personal_id text primary key, full_name text not null, sex text not null, birth_date date not null,
      province_code text not null, commune text not null, street text not null, household_id text not null,
      household_head boolean not null, owner boolean not null, contribution_months int not null,
      pensioner boolean not null, alive boolean not null, died_on date)`);
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

/** The population database as an agency uses it; only civil status marks people dead or adds newborns. */
export interface PopulationRegistry {
  find(personalId: string): Promise<Citizen | undefined>;
  markDeceased(personalId: string, diedOn: string): Promise<void>;
  add(citizen: Citizen): Promise<void>;
}

/** The registry over the agency database's `reference` schema; inside a transaction when given its client. */
export function createPopulationRegistry(db: Queryable): PopulationRegistry {
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
    async markDeceased(personalId, diedOn) {
      await db.query('update reference.citizens set alive = false, died_on = $2 where personal_id = $1', [
        personalId,
        diedOn,
      ]);
    },
    async add(citizen) {
      await db.query(
        'insert into reference.citizens values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) on conflict (personal_id) do nothing',
        citizenColumns(citizen),
      );
    },
  };
}

/** The demo people (contracts/demo-citizens.ts), added to every seeded population. */
export const demoCitizens: Citizen[] = Object.values(demoPeople);
