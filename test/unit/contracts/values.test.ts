import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  Address,
  centurySexDigit,
  communes,
  sampleCommunes,
  idMatchesPerson,
  IsoDate,
  PersonalIdNumber,
  PersonName,
  provinceCodes,
  provinces,
  Sex,
  Vnd,
  type ProvinceCode,
} from '../../../contracts/values';

type Path = (string | number)[];

/** it.each rows as [name, row], so the test title shows the row's whole name (`$name` would be truncated). */
const named = <T extends { name: string }>(table: readonly T[]) => table.map((row): [string, T] => [row.name, row]);

/** Puts a value schema under a field name, as the dossier and message schemas do, so issue paths name the field. */
const asField = (name: string, schema: z.ZodType) => z.strictObject({ [name]: schema });

function issuesOf(schema: z.ZodType, input: unknown) {
  const result = schema.safeParse(input);
  expect(result.success, `expected ${JSON.stringify(input)} to be refused`).toBe(false);
  return result.error?.issues ?? [];
}

function expectRefused(schema: z.ZodType, input: unknown, path: Path, message: string) {
  expect(issuesOf(schema, input)).toContainEqual(
    expect.objectContaining({ path, message: expect.stringContaining(message) }),
  );
}

function expectAccepted(schema: z.ZodType, input: unknown): unknown {
  const result = schema.safeParse(input);
  expect(result.error?.issues ?? []).toEqual([]);
  return result.data;
}

describe('PersonalIdNumber (rule 1: 12 digits, province code first)', () => {
  const schema = asField('personalIdNumber', PersonalIdNumber);

  it.each(
    named([
      { name: 'Hà Nội, woman born 1990', id: '001190012345' },
      { name: 'TP Hồ Chí Minh, man born 1988', id: '079088123456' },
      { name: 'Cà Mau, boy born 2025', id: '096225000001' },
      { name: 'Cao Bằng, girl born 2003', id: '004303999999' },
      { name: 'Tây Ninh (listed out of numeric order)', id: '072190000000' },
    ]),
  )('accepts %s', (_name, { id }) => {
    expect(expectAccepted(schema, { personalIdNumber: id })).toEqual({ personalIdNumber: id });
  });

  it.each(
    named([
      { name: '11 digits', id: '00119001234', message: 'must be exactly 12 digits' },
      { name: '13 digits', id: '0011900123456', message: 'must be exactly 12 digits' },
      { name: 'empty', id: '', message: 'must be exactly 12 digits' },
      { name: 'a letter', id: '00119001234A', message: 'must be exactly 12 digits' },
      { name: 'grouped with spaces', id: '001 190 012 345', message: 'must be exactly 12 digits' },
      { name: 'grouped with dashes', id: '001-190-012345', message: 'must be exactly 12 digits' },
      { name: 'a trailing newline', id: '001190012345\n', message: 'must be exactly 12 digits' },
      { name: 'full-width digits', id: '００１１９００１２３４５', message: 'must be exactly 12 digits' },
      { name: 'Arabic-Indic digits', id: '٠٠١١٩٠٠١٢٣٤٥', message: 'must be exactly 12 digits' },
      {
        name: 'province 002 (Hà Giang, merged into Tuyên Quang in 2025)',
        id: '002190012345',
        message: 'must start with the code of one of the 34 provinces',
      },
      { name: 'province 000', id: '000190012345', message: 'must start with the code of one of the 34 provinces' },
      { name: 'province 999', id: '999190012345', message: 'must start with the code of one of the 34 provinces' },
      {
        name: 'province 100 (no such code)',
        id: '100190012345',
        message: 'must start with the code of one of the 34 provinces',
      },
    ]),
  )('refuses %s', (_name, { id, message }) => {
    expectRefused(schema, { personalIdNumber: id }, ['personalIdNumber'], message);
  });

  it.each(
    named([
      { name: 'a number', value: 1190012345 },
      { name: 'null', value: null },
      { name: 'missing', value: undefined },
      { name: 'an array of digits', value: ['001190012345'] },
    ]),
  )('refuses %s instead of a string', (_name, { value }) => {
    expectRefused(schema, { personalIdNumber: value }, ['personalIdNumber'], 'expected string');
  });

  it('accepts exactly the 12-digit strings that start with a listed province code (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.stringMatching(/^\d{12}$/),
          fc.string({ minLength: 10, maxLength: 14 }),
          fc.constantFrom(...provinceCodes).chain((code) => fc.stringMatching(/^\d{9}$/).map((rest) => code + rest)),
        ),
        (id) => {
          const expected = /^\d{12}$/.test(id) && id.slice(0, 3) in provinces;
          expect(PersonalIdNumber.safeParse(id).success).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('centurySexDigit and idMatchesPerson (rule 1: the fourth digit encodes century and sex)', () => {
  it.each(
    named([
      { name: 'man born 1900 the digit 0', year: 1900, sex: 'male', digit: 0 },
      { name: 'man born 1950 the digit 0', year: 1950, sex: 'male', digit: 0 },
      { name: 'woman born 1950 the digit 1', year: 1950, sex: 'female', digit: 1 },
      { name: 'woman born 1999 the digit 1', year: 1999, sex: 'female', digit: 1 },
      { name: 'boy born 2000 the digit 2', year: 2000, sex: 'male', digit: 2 },
      { name: 'girl born 2000 the digit 3', year: 2000, sex: 'female', digit: 3 },
      { name: 'boy born 2099 the digit 2', year: 2099, sex: 'male', digit: 2 },
      { name: 'boy born 2100 the digit 4', year: 2100, sex: 'male', digit: 4 },
      { name: 'girl born 2199 the digit 5', year: 2199, sex: 'female', digit: 5 },
    ] as const),
  )('gives a %s', (_name, { year, sex, digit }) => {
    expect(centurySexDigit(year, sex)).toBe(digit);
  });

  it.each(
    named([
      {
        name: 'matches a woman born 1990 with digit 1 and year 90',
        id: '001190012345',
        sex: 'female',
        birthDate: '1990-05-01',
        matches: true,
      },
      {
        name: 'matches a man born 1988 with digit 0 and year 88',
        id: '079088123456',
        sex: 'male',
        birthDate: '1988-12-31',
        matches: true,
      },
      {
        name: 'matches a boy born 2025 with digit 2 and year 25',
        id: '001225000001',
        sex: 'male',
        birthDate: '2025-01-01',
        matches: true,
      },
      {
        name: 'matches a girl born 2005 with digit 3 and year 05',
        id: '001305000001',
        sex: 'female',
        birthDate: '2005-07-07',
        matches: true,
      },
      {
        name: 'does not match a woman with the male digit 0',
        id: '001090012345',
        sex: 'female',
        birthDate: '1990-05-01',
        matches: false,
      },
      {
        name: 'does not match a man with the female digit 1',
        id: '001190012345',
        sex: 'male',
        birthDate: '1990-05-01',
        matches: false,
      },
      {
        name: 'does not match a man born 1990 with the 2000s digit 2',
        id: '001290012345',
        sex: 'male',
        birthDate: '1990-05-01',
        matches: false,
      },
      {
        name: 'does not match a boy born 2025 with the 1900s digit 0',
        id: '001025000001',
        sex: 'male',
        birthDate: '2025-01-01',
        matches: false,
      },
      {
        name: 'does not match a woman born 1990 whose ID says 91',
        id: '001191012345',
        sex: 'female',
        birthDate: '1990-05-01',
        matches: false,
      },
      {
        name: 'does not match a girl born 2005 whose ID says 50 (year not zero-padded)',
        id: '001350000001',
        sex: 'female',
        birthDate: '2005-07-07',
        matches: false,
      },
    ] as const),
  )('%s', (_name, { id, sex, birthDate, matches }) => {
    expect(idMatchesPerson(id, { sex, birthDate })).toBe(matches);
  });

  it('matches every ID built by the rule, and no ID with another century/sex digit (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...provinceCodes),
        fc.constantFrom<Sex>('male', 'female'),
        fc.integer({ min: 1900, max: 2199 }),
        fc.stringMatching(/^\d{6}$/),
        fc.integer({ min: 0, max: 9 }),
        (code, sex, year, random, otherDigit) => {
          const person = { sex, birthDate: `${year}-06-15` };
          const digit = centurySexDigit(year, sex);
          const id = `${code}${digit}${String(year % 100).padStart(2, '0')}${random}`;
          expect(PersonalIdNumber.safeParse(id).success).toBe(true);
          expect(idMatchesPerson(id, person)).toBe(true);
          const changed = `${id.slice(0, 3)}${otherDigit}${id.slice(4)}`;
          expect(idMatchesPerson(changed, person)).toBe(otherDigit === digit);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('PersonName (rule 4: letters of any script and single spaces, 1–100 characters)', () => {
  const schema = asField('fullName', PersonName);

  it.each(
    named([
      { name: 'a Vietnamese name with diacritics', value: 'Nguyễn Thị Lan', parsed: 'Nguyễn Thị Lan' },
      { name: 'đ, ơ and ư', value: 'Đặng Văn Ơn Ưng', parsed: 'Đặng Văn Ơn Ưng' },
      { name: 'stacked tone marks', value: 'Hồ Thị Ửng Ỵ Ỷ Ữ', parsed: 'Hồ Thị Ửng Ỵ Ỷ Ữ' },
      { name: 'capital Đ and lower đ', value: 'Đỗ đức', parsed: 'Đỗ đức' },
      { name: 'a single one-letter name', value: 'Y', parsed: 'Y' },
      { name: 'Cyrillic', value: 'Иван Петров', parsed: 'Иван Петров' },
      { name: 'Chinese characters', value: '王小明', parsed: '王小明' },
      { name: 'Latin with umlaut', value: 'Jürgen Müller', parsed: 'Jürgen Müller' },
      { name: 'surrounding spaces, trimmed', value: '  Trần Minh Khang ', parsed: 'Trần Minh Khang' },
      { name: 'exactly 100 letters', value: 'a'.repeat(100), parsed: 'a'.repeat(100) },
      { name: '100 letters after trimming', value: ` ${'a'.repeat(100)} `, parsed: 'a'.repeat(100) },
    ]),
  )('accepts %s', (_name, { value, parsed }) => {
    expect(expectAccepted(schema, { fullName: value })).toEqual({ fullName: parsed });
  });

  it.each(
    named([
      { name: 'a digit', value: 'Nguyễn Văn 2', message: 'no digits or symbols' },
      { name: 'digits only', value: '12345', message: 'no digits or symbols' },
      { name: 'a comma', value: 'Nguyễn, Lan', message: 'no digits or symbols' },
      { name: 'a full stop', value: 'Nguyễn V. Lan', message: 'no digits or symbols' },
      { name: 'a hyphen', value: 'Anne-Marie', message: 'no digits or symbols' },
      { name: 'an apostrophe', value: "O'Brien", message: 'no digits or symbols' },
      { name: 'an at sign', value: 'lan@example', message: 'no digits or symbols' },
      { name: 'an emoji', value: 'Lan 🌸', message: 'no digits or symbols' },
      { name: 'two spaces in a row', value: 'Nguyễn  Lan', message: 'single spaces' },
      { name: 'a tab', value: 'Nguyễn\tLan', message: 'single spaces' },
      { name: 'a line break', value: 'Nguyễn\nLan', message: 'single spaces' },
      { name: 'an empty string', value: '', message: 'must not be empty' },
      { name: 'only spaces', value: '   ', message: 'must not be empty' },
      { name: '101 letters', value: 'a'.repeat(101), message: 'must be at most 100 characters' },
    ]),
  )('refuses %s', (_name, { value, message }) => {
    expectRefused(schema, { fullName: value }, ['fullName'], message);
  });

  it('accepts any words of Vietnamese letters joined by single spaces (property)', () => {
    const letters = [
      ...'aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵAĂÂĐÊÔƠƯ',
    ];
    const word = fc.array(fc.constantFrom(...letters), { minLength: 1, maxLength: 8 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 8 }), (words) => {
        const name = words.join(' ');
        expect(PersonName.safeParse(name)).toEqual({ success: true, data: name });
      }),
      { numRuns: 500 },
    );
  });
});

describe('Sex', () => {
  it.each(['male', 'female'])('accepts %s', (value) => {
    expect(expectAccepted(asField('sex', Sex), { sex: value })).toEqual({ sex: value });
  });

  it.each(
    named([
      { name: 'an abbreviation', value: 'M' },
      { name: 'capitalised', value: 'Female' },
      { name: 'a value outside the enum', value: 'other' },
      { name: 'a boolean', value: true },
    ]),
  )('refuses %s', (_name, { value }) => {
    expectRefused(asField('sex', Sex), { sex: value }, ['sex'], 'Invalid');
  });
});

describe('IsoDate (YYYY-MM-DD calendar dates)', () => {
  const schema = asField('birthDate', IsoDate);

  it.each(
    named([
      { name: 'an ordinary date', value: '2026-03-10' },
      { name: '29 February in a leap year', value: '2024-02-29' },
      { name: '29 February 2000 (leap century)', value: '2000-02-29' },
      { name: '31 December', value: '1950-12-31' },
    ]),
  )('accepts %s', (_name, { value }) => {
    expectAccepted(schema, { birthDate: value });
  });

  it.each(
    named([
      { name: '29 February in a common year', value: '2023-02-29' },
      { name: '29 February 1900 (not a leap year)', value: '1900-02-29' },
      { name: 'month 13', value: '2026-13-01' },
      { name: '31 April', value: '2026-04-31' },
      { name: 'day 00', value: '2026-04-00' },
      { name: 'no zero padding', value: '2026-3-5' },
      { name: 'Vietnamese day/month/year order', value: '10/03/2026' },
      { name: 'a date-time', value: '2026-03-10T00:00:00Z' },
      { name: 'an empty string', value: '' },
    ]),
  )('refuses %s', (_name, { value }) => {
    expectRefused(schema, { birthDate: value }, ['birthDate'], 'must be a date written YYYY-MM-DD');
  });
});

describe('Address (rule 6: province → commune, no district)', () => {
  const valid = { provinceCode: '001', commune: 'Phường Ba Đình', street: '12 Phố Đội Cấn' };

  it('lists 34 provinces with 3-digit codes and all 3,321 communes, wards and special zones', () => {
    expect(provinceCodes).toHaveLength(34);
    expect(provinceCodes.every((code) => /^\d{3}$/.test(code))).toBe(true);
    expect(Object.keys(communes).sort()).toEqual([...provinceCodes].sort());
    expect(provinceCodes.every((code) => communes[code].length > 0)).toBe(true);
    expect(provinceCodes.reduce((n, code) => n + communes[code].length, 0)).toBe(3321);
    expect(communes['001']).toContain('Phường Hoàn Kiếm');
    expect(communes['066']).toContain('Phường Buôn Ma Thuột');
  });

  it('accepts every listed commune with its province, names being NFC and single-spaced', () => {
    for (const code of provinceCodes)
      for (const commune of communes[code]) {
        expect(commune).toBe(commune.normalize('NFC').replace(/\s+/g, ' ').trim());
        expect(Address.safeParse({ provinceCode: code, commune, street: '1 Đường Số 1' }).data).toEqual({
          provinceCode: code,
          commune,
          street: '1 Đường Số 1',
        });
      }
  });

  it('places the generated population only in listed communes', () => {
    for (const code of provinceCodes)
      for (const commune of sampleCommunes[code]) expect(communes[code]).toContain(commune);
  });

  it('takes a commune written with doubled spaces or decomposed accents as the listed one', () => {
    expect(expectAccepted(Address, { ...valid, commune: 'Phường  Ba Đình'.normalize('NFD') })).toEqual(valid);
  });

  it('trims the commune and street before comparing with the list', () => {
    expect(
      expectAccepted(Address, { provinceCode: '079', commune: '  Phường Bến Thành ', street: ' 1 Lê Lợi ' }),
    ).toEqual({ provinceCode: '079', commune: 'Phường Bến Thành', street: '1 Lê Lợi' });
  });

  it.each(
    named([
      {
        name: 'an unknown province code',
        change: { provinceCode: '002' },
        path: ['provinceCode'],
        message: 'must be the code of one of the 34 provinces',
      },
      {
        name: 'a province code written as a number',
        change: { provinceCode: 1 },
        path: ['provinceCode'],
        message: 'must be the code of one of the 34 provinces',
      },
      {
        name: 'a province name instead of its code',
        change: { provinceCode: 'Thành phố Hà Nội' },
        path: ['provinceCode'],
        message: 'must be the code of one of the 34 provinces',
      },
      {
        name: 'a commune of another province',
        change: { commune: 'Phường Bến Thành' },
        path: ['commune'],
        message: 'must be a commune or ward of the given province',
      },
      {
        name: 'a commune not in the list',
        change: { commune: 'Phường Không Tồn Tại' },
        path: ['commune'],
        message: 'must be a commune or ward of the given province',
      },
      {
        name: 'a commune in the wrong case',
        change: { commune: 'phường ba đình' },
        path: ['commune'],
        message: 'must be a commune or ward of the given province',
      },
      {
        name: 'a pre-2025 district name as commune',
        change: { commune: 'Quận Ba Đình' },
        path: ['commune'],
        message: 'must be a commune or ward of the given province',
      },
      {
        name: 'an empty commune',
        change: { commune: '  ' },
        path: ['commune'],
        message: 'must name the commune, ward or special zone',
      },
      {
        name: 'an empty street',
        change: { street: '' },
        path: ['street'],
        message: 'must give the street and house number',
      },
      { name: 'a street over 200 characters', change: { street: 'x'.repeat(201) }, path: ['street'], message: '200' },
      { name: 'a missing street', change: { street: undefined }, path: ['street'], message: 'expected string' },
      { name: 'a district level', change: { district: 'Quận Ba Đình' }, path: [], message: 'district' },
    ]),
  )('refuses %s', (_name, { change, path, message }) => {
    expectRefused(Address, { ...valid, ...change }, path, message);
  });

  it('checks the commune against the province it is given, for every pair of provinces (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...provinceCodes),
        fc.constantFrom(...provinceCodes),
        fc.nat(),
        (province, communeProvince, index) => {
          const list = communes[communeProvince as ProvinceCode];
          const commune = list[index % list.length] ?? '';
          const result = Address.safeParse({ provinceCode: province, commune, street: '1 Đường Số 1' });
          expect(result.success).toBe(communes[province].includes(commune));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('Vnd (whole, non-negative đồng)', () => {
  const schema = asField('amountVnd', Vnd);

  it.each(
    named([
      { name: 'zero', value: 0 },
      { name: 'the funeral allowance, 10 × 2,340,000', value: 23_400_000 },
      { name: 'the largest safe integer', value: Number.MAX_SAFE_INTEGER },
    ]),
  )('accepts %s', (_name, { value }) => {
    expect(expectAccepted(schema, { amountVnd: value })).toEqual({ amountVnd: value });
  });

  it.each(
    named([
      { name: 'a negative amount', value: -1, message: 'must not be negative' },
      { name: 'a large negative amount', value: -23_400_000, message: 'must not be negative' },
      { name: 'a fraction of a đồng', value: 1.5, message: 'must be a whole number of đồng' },
      { name: 'a tiny fraction', value: 0.1, message: 'must be a whole number of đồng' },
      { name: 'beyond the safe integer range', value: 2 ** 53, message: 'must be a whole number of đồng' },
      { name: 'NaN', value: Number.NaN, message: 'expected number' },
      { name: 'Infinity', value: Number.POSITIVE_INFINITY, message: 'expected number' },
      { name: 'a numeric string', value: '23400000', message: 'expected number' },
      { name: 'a formatted string', value: '23.400.000 ₫', message: 'expected number' },
    ]),
  )('refuses %s', (_name, { value, message }) => {
    expectRefused(schema, { amountVnd: value }, ['amountVnd'], message);
  });
});
