import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { DossierInput, stagesFor } from '../../../contracts/procedures';
import { BirthBundleInput } from '../../../contracts/procedures/birth-bundle';
import { DeathBundleInput, deathBundle } from '../../../contracts/procedures/death-bundle';
import { birthInput, deathInput } from '../../fixtures/dossiers';

type Key = string | number;
type Path = Key[];
type Node = Record<Key, unknown>;

/** it.each rows as [name, row], so the test title shows the row's whole name (`$name` would be truncated). */
const named = <T extends { name: string }>(table: readonly T[]) => table.map((row): [string, T] => [row.name, row]);

/** Marks a field to delete in a change table. */
const REMOVE = Symbol('remove');
/** "Today" for every test here: 12:00 in Vietnam (UTC+7), 05:00 UTC, the same calendar date in both. */
const NOW = new Date('2026-03-10T05:00:00Z');
const TODAY = '2026-03-10';
const TOMORROW = '2026-03-11';

const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null;

/** A copy of `base` with each [path, value] change applied (REMOVE deletes the field). */
function withChanges(base: unknown, changes: readonly (readonly [readonly Key[], unknown])[]): unknown {
  const copy: unknown = structuredClone(base);
  for (const [path, value] of changes) {
    let parent: unknown = copy;
    for (const key of path.slice(0, -1)) parent = isNode(parent) ? parent[key] : undefined;
    const last = path.at(-1);
    if (!isNode(parent) || last === undefined) throw new Error(`no parent for ${path.join('.')}`);
    if (value === REMOVE) delete parent[last];
    else parent[last] = value;
  }
  return copy;
}

function issuesOf(schema: z.ZodType, input: unknown) {
  const result = schema.safeParse(input);
  expect(result.success, 'expected the input to be refused').toBe(false);
  return result.error?.issues ?? [];
}

function parsed<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  expect(result.error?.issues ?? []).toEqual([]);
  return result.data as z.output<T>;
}

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterAll(() => {
  vi.useRealTimers();
});

const father = { personalIdNumber: '079088123456', fullName: 'Trần Văn Hùng' };

describe('BirthBundleInput', () => {
  it('uses a fixture born ten days before the frozen today', () => {
    expect(birthInput().child.birthDate).toBe('2026-02-28');
  });

  it.each(
    named([
      { name: 'the sample dossier (mother applies, registers at her residence)', changes: [] },
      { name: 'a child born today', changes: [[['child', 'birthDate'], TODAY]] },
      {
        name: 'a girl',
        changes: [
          [['child', 'sex'], 'female'],
          [['child', 'fullName'], 'Trần Thị Mai'],
        ],
      },
      {
        name: 'the father applying and registering at his residence',
        changes: [
          [['applicant'], { ...father, relationship: 'father' }],
          [['residence', 'parent'], 'father'],
        ],
      },
      { name: 'only the mother named', changes: [[['father'], REMOVE]] },
      {
        name: 'only the father named, applying himself',
        changes: [
          [['mother'], REMOVE],
          [['applicant'], { ...father, relationship: 'father' }],
          [['residence', 'parent'], 'father'],
        ],
      },
      {
        name: 'a grandparent applying (no ID match required)',
        changes: [
          [['applicant'], { personalIdNumber: '001055011111', fullName: 'Phạm Thị Mơ', relationship: 'grandparent' }],
        ],
      },
      {
        name: 'a carer applying',
        changes: [
          [['applicant'], { personalIdNumber: '001055011111', fullName: 'Phạm Thị Mơ', relationship: 'carer' }],
        ],
      },
      {
        name: 'a residence in another province than the birth place',
        changes: [[['residence', 'address'], { provinceCode: '079', commune: 'Phường Sài Gòn', street: '1 Lê Lợi' }]],
      },
      {
        name: 'consents given',
        changes: [
          [['residence', 'householdHeadConsent'], true],
          [['residence', 'ownerConsent'], true],
        ],
      },
      {
        name: 'a child of 71 months (rule 2: under 72)',
        changes: [[['child', 'birthDate'], '2020-04-10']],
      },
    ] as const),
  )('accepts %s', (_name, { changes }) => {
    const input = withChanges(birthInput(), changes);
    expect(parsed(BirthBundleInput, input)).toEqual(input);
  });

  it('defaults the household head’s and owner’s consent to false and trims text', () => {
    const input = withChanges(birthInput(), [
      [['residence', 'householdHeadConsent'], REMOVE],
      [['residence', 'ownerConsent'], REMOVE],
      [['child', 'fullName'], ' Trần Minh Khang '],
      [['birthCertificateReference'], ' GCS-1 '],
    ]);
    const output = parsed(BirthBundleInput, input);
    expect(output.residence).toMatchObject({ householdHeadConsent: false, ownerConsent: false });
    expect(output.child.fullName).toBe('Trần Minh Khang');
    expect(output.birthCertificateReference).toBe('GCS-1');
  });

  it.each(
    named([
      {
        name: 'a child of six, checked at submission rather than rejected by the agency a second later',
        changes: [[['child', 'birthDate'], '2020-03-10']],
        path: ['child', 'birthDate'],
        message: 'the child must be under 6 (72 months) for this bundle',
      },
      {
        name: 'a child born in 2019',
        changes: [[['child', 'birthDate'], '2019-01-01']],
        path: ['child', 'birthDate'],
        message: 'the child must be under 6 (72 months) for this bundle',
      },
      {
        name: 'a child born tomorrow',
        changes: [[['child', 'birthDate'], TOMORROW]],
        path: ['child', 'birthDate'],
        message: 'must not be in the future',
      },
      {
        name: 'a child born in 2099',
        changes: [[['child', 'birthDate'], '2099-01-01']],
        path: ['child', 'birthDate'],
        message: 'must not be in the future',
      },
      {
        name: 'a birth date that does not exist',
        changes: [[['child', 'birthDate'], '2026-02-30']],
        path: ['child', 'birthDate'],
        message: 'must be a date written YYYY-MM-DD',
      },
      {
        name: 'a birth date written day/month/year',
        changes: [[['child', 'birthDate'], '28/02/2026']],
        path: ['child', 'birthDate'],
        message: 'must be a date written YYYY-MM-DD',
      },
      {
        name: 'a child’s name with a digit',
        changes: [[['child', 'fullName'], 'Trần Minh 2']],
        path: ['child', 'fullName'],
        message: 'no digits or symbols',
      },
      {
        name: 'an empty child’s name',
        changes: [[['child', 'fullName'], ' ']],
        path: ['child', 'fullName'],
        message: 'must not be empty',
      },
      {
        name: 'an unknown sex',
        changes: [[['child', 'sex'], 'unknown']],
        path: ['child', 'sex'],
        message: 'expected one of',
      },
      {
        name: 'a birth place commune of another province',
        changes: [[['child', 'birthPlace', 'commune'], 'Phường Bến Thành']],
        path: ['child', 'birthPlace', 'commune'],
        message: 'must be a commune or ward of the given province',
      },
      {
        name: 'a birth place with a district',
        changes: [[['child', 'birthPlace', 'district'], 'Quận Đống Đa']],
        path: ['child', 'birthPlace'],
        message: 'district',
      },
      {
        name: 'the parent’s confirmation withheld',
        changes: [[['residence', 'parentConfirmed'], false]],
        path: ['residence', 'parentConfirmed'],
        message: 'the parent must confirm',
      },
      {
        name: "a mother with a man's ID number (rule 1)",
        changes: [
          [['mother', 'personalIdNumber'], '001090012345'],
          [['applicant', 'personalIdNumber'], '001090012345'],
        ],
        path: ['mother', 'personalIdNumber'],
        message: 'odd for women',
      },
      {
        name: "a father with a woman's ID number (rule 1)",
        changes: [[['father', 'personalIdNumber'], '079188123456']],
        path: ['father', 'personalIdNumber'],
        message: 'even for men',
      },
      {
        name: 'the parent’s confirmation missing',
        changes: [[['residence', 'parentConfirmed'], REMOVE]],
        path: ['residence', 'parentConfirmed'],
        message: 'the parent must confirm',
      },
      {
        name: 'the parent’s confirmation as text',
        changes: [[['residence', 'parentConfirmed'], 'yes']],
        path: ['residence', 'parentConfirmed'],
        message: 'the parent must confirm',
      },
      {
        name: 'registration at the father’s residence with no father named',
        changes: [
          [['residence', 'parent'], 'father'],
          [['father'], REMOVE],
        ],
        path: ['residence', 'parent'],
        message: 'the father must be named',
      },
      {
        name: 'registration at the mother’s residence with no mother named',
        changes: [
          [['mother'], REMOVE],
          [['applicant'], { ...father, relationship: 'father' }],
        ],
        path: ['residence', 'parent'],
        message: 'the mother must be named',
      },
      {
        name: 'registration at a grandparent’s residence',
        changes: [[['residence', 'parent'], 'grandparent']],
        path: ['residence', 'parent'],
        message: 'expected one of',
      },
      {
        name: 'a residence commune outside its province',
        changes: [[['residence', 'address', 'commune'], 'Phường Ninh Kiều']],
        path: ['residence', 'address', 'commune'],
        message: 'must be a commune or ward of the given province',
      },
      {
        name: 'a consent given as text',
        changes: [[['residence', 'householdHeadConsent'], 'yes']],
        path: ['residence', 'householdHeadConsent'],
        message: 'expected boolean',
      },
      {
        name: 'no parent named',
        changes: [
          [['mother'], REMOVE],
          [['father'], REMOVE],
          [['applicant', 'relationship'], 'grandparent'],
        ],
        path: ['mother'],
        message: 'at least one parent must be named',
      },
      {
        name: 'a mother applying with another ID number than the mother’s',
        changes: [[['applicant', 'personalIdNumber'], '001190099999']],
        path: ['applicant', 'personalIdNumber'],
        message: "must be the mother's personal ID number",
      },
      {
        name: 'a father applying with no father named',
        changes: [
          [['applicant'], { ...father, relationship: 'father' }],
          [['father'], REMOVE],
        ],
        path: ['applicant', 'personalIdNumber'],
        message: "must be the father's personal ID number",
      },
      {
        name: 'an applicant who may not apply (rule 12)',
        changes: [[['applicant', 'relationship'], 'neighbour']],
        path: ['applicant', 'relationship'],
        message: 'expected one of',
      },
      {
        name: 'a mother’s ID number from an unknown province',
        changes: [[['mother', 'personalIdNumber'], '002190012345']],
        path: ['mother', 'personalIdNumber'],
        message: 'must start with the code of one of the 34 provinces',
      },
      {
        name: 'a father’s ID number of 11 digits',
        changes: [[['father', 'personalIdNumber'], '07908812345']],
        path: ['father', 'personalIdNumber'],
        message: 'must be exactly 12 digits',
      },
      {
        name: 'a father’s name with punctuation',
        changes: [[['father', 'fullName'], 'Trần V. Hùng']],
        path: ['father', 'fullName'],
        message: 'no digits or symbols',
      },
      {
        name: 'a birth certificate reference of 2 characters',
        changes: [[['birthCertificateReference'], 'AB']],
        path: ['birthCertificateReference'],
        message: '>=3',
      },
      {
        name: 'no birth certificate reference',
        changes: [[['birthCertificateReference'], REMOVE]],
        path: ['birthCertificateReference'],
        message: 'expected string',
      },
      {
        name: 'the death procedure',
        changes: [[['procedure'], 'death-bundle']],
        path: ['procedure'],
        message: 'birth-bundle',
      },
      { name: 'an unexpected field', changes: [[['notes'], 'please hurry']], path: [], message: 'notes' },
    ] as const),
  )('refuses %s', (_name, { changes, path, message }) => {
    expect(issuesOf(BirthBundleInput, withChanges(birthInput(), changes))).toContainEqual(
      expect.objectContaining({ path, message: expect.stringContaining(message) }),
    );
  });
});

describe('DeathBundleInput', () => {
  it.each(
    named([
      { name: 'variant 2 (death + residence)', variant: 2, changes: [] },
      { name: 'variant 3 (+ funeral allowance)', variant: 3, changes: [] },
      { name: 'variant 4 (+ survivor benefit)', variant: 4, changes: [] },
      { name: 'a death today', variant: 3, changes: [[['deceased', 'dateOfDeath'], TODAY]] },
      { name: 'a death on the day of birth', variant: 2, changes: [[['deceased', 'dateOfDeath'], '1950-04-12']] },
      { name: 'an occupational cause', variant: 3, changes: [[['deceased', 'occupationalCause'], true]] },
      {
        name: 'a woman born 1962 (digit 1, year 62)',
        variant: 2,
        changes: [
          [['deceased', 'personalIdNumber'], '079162000123'],
          [['deceased', 'fullName'], 'Võ Thị Sáu'],
          [['deceased', 'sex'], 'female'],
          [['deceased', 'birthDate'], '1962-01-01'],
        ],
      },
      {
        name: 'a young man born 2001 (digit 2, year 01)',
        variant: 2,
        changes: [
          [['deceased', 'personalIdNumber'], '048201000777'],
          [['deceased', 'birthDate'], '2001-09-30'],
        ],
      },
      {
        name: 'a survivor who has not confirmed (the agency rejects with CONFIRMATIONS_MISSING)',
        variant: 4,
        changes: [[['survivors', 1, 'confirmsRepresentative'], false]],
      },
      { name: 'a spouse applying', variant: 3, changes: [[['applicant', 'relationship'], 'spouse']] },
      {
        name: 'twenty survivors',
        variant: 4,
        changes: [[['survivors'], Array.from({ length: 20 }, () => deathInput(4).survivors[0])]],
      },
    ] as const),
  )('accepts %s', (_name, { variant, changes }) => {
    const input = withChanges(deathInput(variant), changes);
    expect(parsed(DeathBundleInput, input)).toEqual(input);
  });

  it('defaults the survivors to none and the occupational cause to false', () => {
    const input = withChanges(deathInput(3), [
      [['survivors'], REMOVE],
      [['representativeIdNumber'], REMOVE],
      [['deceased', 'occupationalCause'], REMOVE],
    ]);
    const output = parsed(DeathBundleInput, input);
    expect(output.survivors).toEqual([]);
    expect(output.deceased.occupationalCause).toBe(false);
  });

  const survivorsOf4 = deathInput(4).survivors;
  it.each(
    named([
      {
        name: 'variant 5',
        variant: 4,
        changes: [[['variant'], 5]],
        path: ['variant'],
        message: 'must be 2, 3 or 4 procedures',
      },
      {
        name: 'variant 1',
        variant: 2,
        changes: [[['variant'], 1]],
        path: ['variant'],
        message: 'must be 2, 3 or 4 procedures',
      },
      {
        name: 'the variant as text',
        variant: 4,
        changes: [[['variant'], '4']],
        path: ['variant'],
        message: 'must be 2, 3 or 4 procedures',
      },
      {
        name: 'no variant',
        variant: 3,
        changes: [[['variant'], REMOVE]],
        path: ['variant'],
        message: 'must be 2, 3 or 4 procedures',
      },
      {
        name: 'survivors listed in variant 2 (survivor benefit without funeral allowance)',
        variant: 2,
        changes: [[['survivors'], survivorsOf4]],
        path: ['survivors'],
        message: 'only listed for the survivor benefit',
      },
      {
        name: 'survivors listed in variant 3 (no survivor benefit chosen)',
        variant: 3,
        changes: [[['survivors'], survivorsOf4]],
        path: ['survivors'],
        message: 'comes with the funeral allowance in variant 4',
      },
      {
        name: 'variant 4 with an empty list of relatives',
        variant: 4,
        changes: [[['survivors'], []]],
        path: ['survivors'],
        message: 'needs the list of relatives',
      },
      {
        name: 'variant 4 without the list of relatives',
        variant: 4,
        changes: [[['survivors'], REMOVE]],
        path: ['survivors'],
        message: 'needs the list of relatives',
      },
      {
        name: 'variant 4 without the representative',
        variant: 4,
        changes: [[['representativeIdNumber'], REMOVE]],
        path: ['representativeIdNumber'],
        message: 'needs the representative',
      },
      {
        name: 'a representative in variant 2',
        variant: 2,
        changes: [[['representativeIdNumber'], '001180054321']],
        path: ['representativeIdNumber'],
        message: 'only named for the survivor benefit',
      },
      {
        name: 'a representative who is not among the survivors',
        variant: 4,
        changes: [[['representativeIdNumber'], '001170099999']],
        path: ['representativeIdNumber'],
        message: 'one of the listed survivors',
      },
      {
        name: 'the deceased as their own applicant',
        variant: 2,
        changes: [[['applicant', 'personalIdNumber'], '001050098765']],
        path: ['applicant', 'personalIdNumber'],
        message: 'must not be the deceased',
      },
      {
        name: 'a representative ID number of 3 digits',
        variant: 4,
        changes: [[['representativeIdNumber'], '123']],
        path: ['representativeIdNumber'],
        message: 'must be exactly 12 digits',
      },
      {
        name: '21 survivors',
        variant: 4,
        changes: [[['survivors'], Array.from({ length: 21 }, () => survivorsOf4[0])]],
        path: ['survivors'],
        message: '<=20',
      },
      {
        name: 'a survivor who is a cousin',
        variant: 4,
        changes: [[['survivors', 0, 'relationship'], 'cousin']],
        path: ['survivors', 0, 'relationship'],
        message: 'expected one of',
      },
      {
        name: 'a survivor without the confirmation flag',
        variant: 4,
        changes: [[['survivors', 1, 'confirmsRepresentative'], REMOVE]],
        path: ['survivors', 1, 'confirmsRepresentative'],
        message: 'expected boolean',
      },
      {
        name: 'a survivor with an unknown province in the ID number',
        variant: 4,
        changes: [[['survivors', 1, 'personalIdNumber'], '999055011111']],
        path: ['survivors', 1, 'personalIdNumber'],
        message: 'one of the 34 provinces',
      },
      {
        name: 'a deceased woman with a man’s ID digit',
        variant: 2,
        changes: [[['deceased', 'sex'], 'female']],
        path: ['deceased', 'personalIdNumber'],
        message: 'does not agree with the sex and birth year',
      },
      {
        name: 'a birth year other than the ID’s',
        variant: 2,
        changes: [[['deceased', 'birthDate'], '1951-04-12']],
        path: ['deceased', 'personalIdNumber'],
        message: 'does not agree with the sex and birth year',
      },
      {
        name: 'an ID with the 2000s digit for a man born 1950',
        variant: 2,
        changes: [[['deceased', 'personalIdNumber'], '001250098765']],
        path: ['deceased', 'personalIdNumber'],
        message: 'does not agree with the sex and birth year',
      },
      {
        name: 'a deceased without a personal ID number (rule 7)',
        variant: 2,
        changes: [[['deceased', 'personalIdNumber'], REMOVE]],
        path: ['deceased', 'personalIdNumber'],
        message: 'expected string',
      },
      {
        name: 'a deceased ID number from an unknown province',
        variant: 2,
        changes: [[['deceased', 'personalIdNumber'], '003050098765']],
        path: ['deceased', 'personalIdNumber'],
        message: 'one of the 34 provinces',
      },
      {
        name: 'a death tomorrow',
        variant: 3,
        changes: [[['deceased', 'dateOfDeath'], TOMORROW]],
        path: ['deceased', 'dateOfDeath'],
        message: 'must not be in the future',
      },
      {
        name: 'a death before the birth',
        variant: 3,
        changes: [[['deceased', 'dateOfDeath'], '1949-12-31']],
        path: ['deceased', 'dateOfDeath'],
        message: 'must not be before the birth date',
      },
      {
        name: 'a death date that does not exist',
        variant: 3,
        changes: [[['deceased', 'dateOfDeath'], '2026-02-29']],
        path: ['deceased', 'dateOfDeath'],
        message: 'must be a date written YYYY-MM-DD',
      },
      {
        name: 'a deceased name with digits',
        variant: 2,
        changes: [[['deceased', 'fullName'], 'Lê Văn 3']],
        path: ['deceased', 'fullName'],
        message: 'no digits or symbols',
      },
      {
        name: 'a place of death commune outside its province',
        variant: 2,
        changes: [[['deceased', 'placeOfDeath', 'commune'], 'Phường Hải Châu']],
        path: ['deceased', 'placeOfDeath', 'commune'],
        message: 'must be a commune or ward of the given province',
      },
      {
        name: 'an occupational cause as text',
        variant: 3,
        changes: [[['deceased', 'occupationalCause'], 'no']],
        path: ['deceased', 'occupationalCause'],
        message: 'expected boolean',
      },
      {
        name: 'an applicant who may not apply (rule 12)',
        variant: 2,
        changes: [[['applicant', 'relationship'], 'friend']],
        path: ['applicant', 'relationship'],
        message: 'expected one of',
      },
      {
        name: 'a blank death notice reference',
        variant: 2,
        changes: [[['deathNoticeReference'], '   ']],
        path: ['deathNoticeReference'],
        message: '>=3',
      },
      {
        name: 'the birth procedure',
        variant: 2,
        changes: [[['procedure'], 'birth-bundle']],
        path: ['procedure'],
        message: 'death-bundle',
      },
      {
        name: 'an unexpected field',
        variant: 2,
        changes: [[['fundingSource'], 'family']],
        path: [],
        message: 'fundingSource',
      },
    ] as const),
  )('refuses %s', (_name, { variant, changes, path, message }) => {
    expect(issuesOf(DeathBundleInput, withChanges(deathInput(variant), changes))).toContainEqual(
      expect.objectContaining({ path, message: expect.stringContaining(message) }),
    );
  });
});

describe('death-bundle variants and their steps', () => {
  it.each(
    named([
      {
        name: 'variant 2: register the death, delete the residence',
        variant: 2,
        steps: ['register-death', 'delete-residence'],
      },
      {
        name: 'variant 3: + the funeral allowance',
        variant: 3,
        steps: ['register-death', 'delete-residence', 'funeral-allowance'],
      },
      {
        name: 'variant 4: + the survivor benefit',
        variant: 4,
        steps: ['register-death', 'delete-residence', 'funeral-allowance', 'survivor-benefit'],
      },
    ] as const),
  )('%s', (_name, { variant, steps }) => {
    const run = stagesFor(deathBundle, deathInput(variant)).map((stage) => stage.map((step) => step.service.id));
    expect(run.flat()).toEqual(steps);
    expect(run[0]).toEqual(['register-death']);
  });

  it.each([2, 3, 4] as const)('variant %i never has the survivor benefit without the funeral allowance', (variant) => {
    const steps = stagesFor(deathBundle, deathInput(variant)).flat();
    const ids = steps.map((step) => step.service.id);
    expect(!ids.includes('survivor-benefit') || ids.includes('funeral-allowance')).toBe(true);
    expect(steps.filter((step) => step.service.agency === 'social-insurance')).toHaveLength(variant - 2);
  });
});

describe('names and dates as people type them', () => {
  it('accepts a name typed with combining marks and stores it precomposed (NFC)', () => {
    const input = birthInput(5);
    const decomposed = 'Trần Minh Khang'.normalize('NFD');
    expect(decomposed).not.toBe('Trần Minh Khang');
    expect(parsed(BirthBundleInput, { ...input, child: { ...input.child, fullName: decomposed } }).child.fullName).toBe(
      'Trần Minh Khang',
    );
  });

  it("counts 'today' in Vietnam (UTC+7): at 01:00 local a child born that day is not in the future", () => {
    vi.setSystemTime(new Date('2026-03-10T18:00:00Z')); // 2026-03-11 01:00 in Hà Nội
    try {
      const input = birthInput(5);
      expect(
        parsed(BirthBundleInput, { ...input, child: { ...input.child, birthDate: '2026-03-11' } }).child.birthDate,
      ).toBe('2026-03-11');
      expect(issuesOf(BirthBundleInput, { ...input, child: { ...input.child, birthDate: '2026-03-12' } })).toEqual([
        expect.objectContaining({ path: ['child', 'birthDate'], message: 'must not be in the future' }),
      ]);
    } finally {
      vi.setSystemTime(NOW);
    }
  });
});

describe('DossierInput', () => {
  it.each(
    named([
      { name: 'a birth bundle', input: () => birthInput(), procedure: 'birth-bundle' },
      { name: 'a death bundle', input: () => deathInput(3), procedure: 'death-bundle' },
    ]),
  )('routes %s by its procedure', (_name, { input, procedure }) => {
    expect(parsed(DossierInput, input()).procedure).toBe(procedure);
  });

  it.each(
    named([
      { name: 'an unknown procedure', input: () => ({ ...birthInput(), procedure: 'marriage-bundle' }) },
      { name: 'no procedure', input: () => withChanges(deathInput(2), [[['procedure'], REMOVE]]) },
    ]),
  )('refuses %s at the procedure field', (_name, { input }) => {
    expect(issuesOf(DossierInput, input())).toContainEqual(expect.objectContaining({ path: ['procedure'] }));
  });
});

/* ---------------------------------------------------------------- property-based: never throws */

const anything = fc.anything({
  maxDepth: 3,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
});
const replacement = fc.oneof(
  anything,
  fc.jsonValue(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.integer(),
  fc.double(),
  fc.constantFrom<unknown>(null, undefined, '', 0, -1, true, [], {}),
);

type Mutation =
  | { op: 'set'; path: Path; value: unknown }
  | { op: 'delete'; path: Path }
  | { op: 'add'; path: Path; key: string; value: unknown }
  | { op: 'edit'; path: Path; at: number; remove: number; insert: string };

function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (!isNode(value)) return [prefix];
  return [
    prefix,
    ...Object.entries(value).flatMap(([key, child]) =>
      pathsOf(child, [...prefix, Array.isArray(value) ? Number(key) : key]),
    ),
  ];
}

function applyMutation(root: unknown, mutation: Mutation): unknown {
  if (mutation.path.length === 0) {
    if (mutation.op === 'set') return mutation.value;
    if (mutation.op === 'delete') return undefined;
  }
  let parent: unknown = root;
  for (const key of mutation.path.slice(0, -1)) parent = isNode(parent) ? parent[key] : undefined;
  const last = mutation.path.at(-1);
  if (mutation.op === 'add') {
    const target = last === undefined ? parent : isNode(parent) ? parent[last] : undefined;
    if (isNode(target)) Reflect.set(target, mutation.key, mutation.value);
    return root;
  }
  if (!isNode(parent) || last === undefined) return root;
  // Reflect, not assignment: an earlier mutation may have put a boxed string or other read-only value here.
  if (mutation.op === 'set') Reflect.set(parent, last, mutation.value);
  else if (mutation.op === 'delete') Reflect.deleteProperty(parent, last);
  else if (typeof parent[last] === 'string') {
    const text = parent[last] as string;
    const at = mutation.at % (text.length + 1);
    Reflect.set(parent, last, text.slice(0, at) + mutation.insert + text.slice(at + mutation.remove));
  }
  return root;
}

/** Valid examples with one to four random changes: new values anywhere, deleted or extra fields, edited strings. */
function mutationsOf(example: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(example);
  const path = fc.constantFrom(...paths);
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ op: fc.constant('set' as const), path, value: replacement }),
    fc.record({ op: fc.constant('delete' as const), path }),
    fc.record({ op: fc.constant('add' as const), path, key: fc.string(), value: fc.jsonValue() }),
    fc.record({
      op: fc.constant('edit' as const),
      path,
      at: fc.nat(),
      remove: fc.nat({ max: 3 }),
      insert: fc.string({ maxLength: 3, unit: 'grapheme' }),
    }),
  );
  return fc
    .array(mutation, { minLength: 1, maxLength: 4 })
    .map((mutations) => mutations.reduce(applyMutation, structuredClone(example)));
}

/** safeParse must return, never throw: success with output that survives JSON and parses again, or a ZodError with issues. */
function parsesOrExplains(schema: z.ZodType, input: unknown): boolean {
  const result = schema.safeParse(input);
  if (result.success) {
    expect(schema.safeParse(JSON.parse(JSON.stringify(result.data))).success).toBe(true);
    return true;
  }
  expect(result.error).toBeInstanceOf(z.ZodError);
  expect(result.error.issues.length).toBeGreaterThan(0);
  for (const issue of result.error.issues) {
    expect(Array.isArray(issue.path)).toBe(true);
    expect(typeof issue.message).toBe('string');
  }
  return false;
}

describe('the dossier input schemas never throw (property-based)', () => {
  const schemas = [
    {
      name: 'BirthBundleInput',
      schema: BirthBundleInput,
      examples: () => [birthInput(), birthInput(0), birthInput(59)],
    },
    {
      name: 'DeathBundleInput',
      schema: DeathBundleInput,
      examples: () => [deathInput(2), deathInput(3), deathInput(4)],
    },
    { name: 'DossierInput', schema: DossierInput, examples: () => [birthInput(), deathInput(4)] },
  ];

  it.each(named(schemas))('%s: any value parses or yields a ZodError', (_name, { schema }) => {
    let accepted = 0;
    fc.assert(
      fc.property(anything, (input) => {
        if (parsesOrExplains(schema, input)) accepted += 1;
      }),
      { numRuns: 500 },
    );
    expect(accepted).toBe(0);
  });

  it.each(named(schemas))('%s: mutated valid examples parse or yield a ZodError', (_name, { schema, examples }) => {
    const outcomes = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(fc.constantFrom(...examples()).chain(mutationsOf), (input) => {
        outcomes[parsesOrExplains(schema, input) ? 'accepted' : 'refused'] += 1;
      }),
      { numRuns: 500 },
    );
    // Both outcomes occur, so the mutations explore the boundary rather than only breaking the shape.
    expect(outcomes.accepted).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });
});
