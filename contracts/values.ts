import { z } from 'zod';
import { allCommunes } from './communes';
import { personal } from './personal-data';

/**
 * The 34 provinces and centrally-run cities after 1 July 2025, with the 3-digit code used in
 * personal ID numbers. (assumed) A merged province keeps the code of the pre-merger province whose
 * name it kept; no official list of post-merger codes was found.
 */
export const provinces = {
  '001': 'Thành phố Hà Nội',
  '004': 'Cao Bằng',
  '008': 'Tuyên Quang',
  '011': 'Điện Biên',
  '012': 'Lai Châu',
  '014': 'Sơn La',
  '015': 'Lào Cai',
  '019': 'Thái Nguyên',
  '020': 'Lạng Sơn',
  '022': 'Quảng Ninh',
  '024': 'Bắc Ninh',
  '025': 'Phú Thọ',
  '031': 'Thành phố Hải Phòng',
  '033': 'Hưng Yên',
  '037': 'Ninh Bình',
  '038': 'Thanh Hóa',
  '040': 'Nghệ An',
  '042': 'Hà Tĩnh',
  '044': 'Quảng Trị',
  '046': 'Thành phố Huế',
  '048': 'Thành phố Đà Nẵng',
  '051': 'Quảng Ngãi',
  '052': 'Gia Lai',
  '056': 'Khánh Hòa',
  '066': 'Đắk Lắk',
  '068': 'Lâm Đồng',
  '075': 'Đồng Nai',
  '072': 'Tây Ninh',
  '079': 'Thành phố Hồ Chí Minh',
  '082': 'Đồng Tháp',
  '086': 'Vĩnh Long',
  '089': 'An Giang',
  '092': 'Thành phố Cần Thơ',
  '096': 'Cà Mau',
} as const;
export type ProvinceCode = keyof typeof provinces;
export const provinceCodes = Object.keys(provinces) as [ProvinceCode, ...ProvinceCode[]];

/** Every commune, ward and special zone of each province (3,321 in all; see `communes.ts`). */
export const communes: Record<ProvinceCode, readonly string[]> = allCommunes;
const communeSets = new Map(provinceCodes.map((code) => [code, new Set(communes[code])]));
/** Whether a commune, ward or special zone (its full name, e.g. "Phường Ba Đình") is in the province. */
export const isCommuneOf = (provinceCode: ProvinceCode, commune: string) =>
  communeSets.get(provinceCode)?.has(commune) ?? false;

/**
 * A few communes per province where the generated population lives (every one in `communes`); a
 * short fixed list keeps the generated population the same from run to run.
 */
export const sampleCommunes: Record<ProvinceCode, readonly string[]> = {
  '001': ['Phường Hoàn Kiếm', 'Phường Ba Đình', 'Phường Cầu Giấy', 'Xã Sóc Sơn'],
  '004': ['Phường Thục Phán', 'Xã Trùng Khánh'],
  '008': ['Phường Minh Xuân', 'Xã Hàm Yên'],
  '011': ['Phường Điện Biên Phủ', 'Xã Mường Chà'],
  '012': ['Phường Tân Phong', 'Xã Sìn Hồ'],
  '014': ['Phường Tô Hiệu', 'Phường Mộc Châu'],
  '015': ['Phường Cam Đường', 'Xã Bắc Hà'],
  '019': ['Phường Phan Đình Phùng', 'Xã Đại Từ'],
  '020': ['Phường Đông Kinh', 'Xã Cao Lộc'],
  '022': ['Phường Hạ Long', 'Phường Móng Cái 1'],
  '024': ['Phường Kinh Bắc', 'Phường Bắc Giang'],
  '025': ['Phường Việt Trì', 'Phường Vĩnh Phúc'],
  '031': ['Phường Hồng Bàng', 'Phường Hải Dương'],
  '033': ['Phường Phố Hiến', 'Phường Thái Bình'],
  '037': ['Phường Hoa Lư', 'Phường Nam Định'],
  '038': ['Phường Hạc Thành', 'Xã Thọ Xuân'],
  '040': ['Phường Thành Vinh', 'Xã Diễn Châu'],
  '042': ['Phường Thành Sen', 'Xã Hương Khê'],
  '044': ['Phường Đông Hà', 'Phường Đồng Hới'],
  '046': ['Phường Thuận Hóa', 'Phường Phú Xuân'],
  '048': ['Phường Hải Châu', 'Phường Tam Kỳ'],
  '051': ['Phường Cẩm Thành', 'Phường Kon Tum'],
  '052': ['Phường Pleiku', 'Phường Quy Nhơn'],
  '056': ['Phường Nha Trang', 'Phường Phan Rang'],
  '066': ['Phường Buôn Ma Thuột', 'Phường Tuy Hòa'],
  '068': ['Phường Xuân Hương - Đà Lạt', 'Phường Phan Thiết'],
  '075': ['Phường Trấn Biên', 'Phường Đồng Xoài'],
  '072': ['Phường Tân Ninh', 'Phường Long An'],
  '079': ['Phường Sài Gòn', 'Phường Bến Thành', 'Phường Thủ Dầu Một', 'Phường Vũng Tàu'],
  '082': ['Phường Mỹ Tho', 'Phường Cao Lãnh'],
  '086': ['Phường Thanh Đức', 'Phường Bến Tre', 'Phường Trà Vinh'],
  '089': ['Phường Long Xuyên', 'Phường Rạch Giá'],
  '092': ['Phường Ninh Kiều', 'Phường Sóc Trăng', 'Phường Vị Thanh'],
  '096': ['Phường An Xuyên', 'Phường Bạc Liêu'],
};

/**
 * Characters no text accepts: control characters other than tab, line feed and carriage return
 * (a NUL cannot be stored in PostgreSQL text and stalls every consumer of a message carrying it),
 * and unpaired UTF-16 surrogates, which are not characters at all.
 */
export const forbiddenInText = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|\p{Cs}/u;
/** One-line values (path and query parameters, ids, header values) refuse every control character. */
export const forbiddenInLine = /[\p{Cc}\p{Cs}]/u;
export const forbiddenTextMessage = 'must not contain control characters or unpaired surrogates';

/** Free text (reasons, messages, supplied information): any characters but those of `forbiddenInText`. */
export const PlainText = z.string().refine((text) => !forbiddenInText.test(text), forbiddenTextMessage);
/** One-line text (ids, names of things): no control character at all. */
export const LineText = z.string().refine((text) => !forbiddenInLine.test(text), forbiddenTextMessage);

/**
 * Names: letters of any script (Vietnamese diacritics included, typed precomposed or with combining
 * marks, stored NFC) and single spaces, 1–100 characters (assumed length).
 */
export const PersonName = personal(
  z
    .string()
    .trim()
    .overwrite((name) => name.normalize('NFC'))
    .min(1, 'must not be empty')
    .max(100, 'must be at most 100 characters')
    .regex(
      /^\p{L}[\p{L}\p{M}]*( \p{L}[\p{L}\p{M}]*)*$/u,
      'must contain only letters and single spaces (no digits or symbols)',
    ),
);

export const Sex = z.enum(['male', 'female']);
export type Sex = z.infer<typeof Sex>;

/** A calendar date, YYYY-MM-DD. */
export const IsoDate = z.iso.date({ error: 'must be a date written YYYY-MM-DD' });

/**
 * Personal ID number (rule 1): 3-digit province code + century/sex digit + 2 last digits of the
 * birth year + 6 digits. Agreement with a person's sex and birth date is checked by `idMatchesPerson`.
 */
export const PersonalIdNumber = personal(
  z
    .string()
    .regex(/^\d{12}$/, 'must be exactly 12 digits')
    .refine((id) => id.slice(0, 3) in provinces, 'must start with the code of one of the 34 provinces'),
);
export type PersonalIdNumber = z.infer<typeof PersonalIdNumber>;

/** The century/sex digit of rule 1 for a birth year and sex. */
export function centurySexDigit(birthYear: number, sex: Sex): number {
  const century = Math.floor(birthYear / 100);
  const base = century === 19 ? 0 : century === 20 ? 2 : century === 21 ? 4 : century === 22 ? 6 : 8;
  return base + (sex === 'female' ? 1 : 0);
}

/** Whether a personal ID number agrees with the sex and birth date it belongs to. */
export function idMatchesPerson(id: string, person: { sex: Sex; birthDate: string }): boolean {
  const year = Number(person.birthDate.slice(0, 4));
  return Number(id[3]) === centurySexDigit(year, person.sex) && id.slice(4, 6) === String(year % 100).padStart(2, '0');
}

/** Two-level address since 1 July 2025: province → commune/ward → street and house number; no district. */
export const Address = personal(
  z
    .strictObject({
      provinceCode: z.enum(provinceCodes, { error: 'must be the code of one of the 34 provinces' }),
      commune: z
        .string()
        .trim()
        .overwrite((name) => name.normalize('NFC').replace(/\s+/g, ' '))
        .min(1, 'must name the commune, ward or special zone')
        .max(100),
      street: z
        .string()
        .trim()
        .min(1, 'must give the street and house number')
        .max(200)
        .refine((street) => !forbiddenInLine.test(street), forbiddenTextMessage),
    })
    .refine((a) => isCommuneOf(a.provinceCode, a.commune), {
      path: ['commune'],
      message: 'must be a commune or ward of the given province',
    }),
);
export type Address = z.infer<typeof Address>;

/** Money in Vietnamese đồng: a whole, non-negative amount. */
export const Vnd = z.number().int('must be a whole number of đồng').min(0, 'must not be negative');
