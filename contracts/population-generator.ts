import { demoPeople } from './demo-citizens';
import type { Citizen } from './population';
import { centurySexDigit, provinceCodes, sampleCommunes, type Sex } from './values';

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
      commune: pick(sampleCommunes[provinceCode]),
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

/** The demo people (contracts/demo-citizens.ts), added to every seeded population. */
export const demoCitizens: Citizen[] = Object.values(demoPeople);
