import type { Citizen } from '../../contracts/population';
import { demoPeople } from '../../contracts/demo-citizens';
import { generatePopulation } from '../../contracts/population-generator';

/** One application chaos submits, and the statuses it ends in without faults. */
export interface PlannedDossier {
  key: string;
  kind: string;
  /** The personal ID number of the citizen who submits it (its applicant). */
  applicant: string;
  /** The application as submitted on the simulated `today` (YYYY-MM-DD): its dates are relative to it. */
  input: (today: string) => unknown;
  expected: readonly string[];
  /** Who it is about, to find its effects in the registry (keyed by person, not by dossier). */
  subject: (today: string) => { childName?: string; childBirthDate?: string; deceasedId?: string };
}

/** `days` before `today`, both YYYY-MM-DD. */
export const daysBefore = (today: string, days: number) =>
  new Date(Date.parse(`${today}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
const syllables = ['An', 'Bình', 'Chi', 'Dũng', 'Giang', 'Hà', 'Khang', 'Linh', 'Minh', 'Nam'];
const ref = (c: { personalId: string; fullName: string }) => ({ personalIdNumber: c.personalId, fullName: c.fullName });
/** Every step approved by the rules (or the scripted worker): the results are returned. */
const allApproved = ['result-returned'] as const;

type Parent = Pick<Citizen, 'personalId' | 'fullName' | 'provinceCode' | 'commune' | 'street' | 'owner'>;

/** A birth to `mother` (the applicant; the child registered at her residence), its name unique by `i` in the run. */
function birth(run: string, i: number, mother: Parent = demoPeople.lan, father?: Parent): PlannedDossier {
  // Rule 4: the child bears the father's surname, or the mother's.
  const surname = (father ?? mother).fullName.split(' ')[0];
  const fullName = `${surname} ${[...String(i)].map((digit) => syllables[Number(digit)]).join(' ')}`;
  return {
    key: `chaos-${run}-${i}`,
    kind: 'birth',
    applicant: mother.personalId,
    expected: allApproved,
    subject: (today) => ({ childName: fullName, childBirthDate: daysBefore(today, 5) }),
    input: (today) => ({
      procedure: 'birth-bundle',
      applicant: { ...ref(mother), relationship: 'mother' },
      child: {
        fullName,
        sex: i % 2 === 0 ? 'male' : 'female',
        birthDate: daysBefore(today, 5),
        birthPlace: { provinceCode: '001', commune: 'Phường Hoàn Kiếm', street: 'Bệnh viện Phụ sản Hà Nội' },
      },
      mother: ref(mother),
      father: father && ref(father),
      birthCertificateReference: `GCS-CHAOS-${run}-${i}`,
      residence: {
        address: { provinceCode: mother.provinceCode, commune: mother.commune, street: mother.street },
        parent: 'mother',
        parentConfirmed: true,
        // Rule 5: a mother who does not own the dwelling brings both consents, so no information is asked.
        householdHeadConsent: !mother.owner,
        ownerConsent: !mother.owner,
      },
    }),
  };
}

function death(run: string, i: number, deceased: Citizen, variant: 2 | 3 | 4): PlannedDossier {
  const { lan } = demoPeople;
  return {
    key: `chaos-${run}-${i}`,
    kind: `death-${variant}`,
    applicant: lan.personalId,
    expected: allApproved,
    subject: () => ({ deceasedId: deceased.personalId }),
    input: (today) => ({
      procedure: 'death-bundle',
      variant,
      applicant: { ...ref(lan), relationship: 'other-relative' },
      deceased: {
        ...ref(deceased),
        sex: deceased.sex,
        birthDate: deceased.birthDate,
        dateOfDeath: daysBefore(today, 1),
        placeOfDeath: { provinceCode: deceased.provinceCode, commune: deceased.commune, street: deceased.street },
        occupationalCause: false,
      },
      deathNoticeReference: `GBT-CHAOS-${run}-${i}`,
      survivors: variant === 4 ? [{ ...ref(lan), relationship: 'child', confirmsRepresentative: true }] : [],
      representativeIdNumber: variant === 4 ? lan.personalId : undefined,
    }),
  };
}

/**
 * `count` applications, half births and half deaths (variants 2, 3 and 4 in turn), shuffled by the
 * seed. The deceased are living adults of the generated population with at least 12 months of
 * contributions, so every step is approved without faults and the expected end is known.
 */
export function planDossiers(count: number, seed: number, populationSize: number): PlannedDossier[] {
  const run = `${seed}-${Date.now().toString(36)}`;
  const demoIds = new Set(Object.values(demoPeople).map((p) => p.personalId));
  const eligible = generatePopulation(populationSize, 1).filter(
    (c) => c.alive && c.contributionMonths >= 12 && c.birthDate < '1975-01-01' && !demoIds.has(c.personalId),
  );
  const deaths = Math.floor(count / 2);
  if (eligible.length < deaths)
    throw new Error(
      `the population of ${populationSize} has ${eligible.length} eligible deceased, fewer than ${deaths}`,
    );
  const random = mulberry32(seed);
  const picked = [...eligible].sort(() => random() - 0.5).slice(0, deaths);
  const planned: PlannedDossier[] = [];
  for (let i = 0; i < count; i += 1) {
    const variant = ([2, 3, 4] as const)[Math.floor(i / 2) % 3]!;
    planned.push(
      i % 2 === 0 || picked.length === 0
        ? birth(run, i, demoPeople.lan, demoPeople.hung)
        : death(run, i, picked.pop()!, variant),
    );
  }
  for (let i = planned.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [planned[i], planned[j]] = [planned[j]!, planned[i]!];
  }
  return planned;
}

/**
 * Alive women of the generated population born 1975–2005, the demo citizens left out: mothers whose
 * births the rules accept, each a citizen who applies for her own children.
 */
export function birthMothers(populationSize: number): Citizen[] {
  const demoIds = new Set(Object.values(demoPeople).map((p) => p.personalId));
  return generatePopulation(populationSize, 1).filter(
    (c) => c.alive && c.sex === 'female' && c.birthDate >= '1975' && c.birthDate < '2006' && !demoIds.has(c.personalId),
  );
}

/**
 * `count` births of distinct children, the i-th to `motherOf(i)` (her own application, no father
 * named), in that order: every one passes the duplicate rules and is approved by the rules.
 */
export function planBirths(count: number, seed: number, motherOf: (i: number) => Citizen): PlannedDossier[] {
  const run = `${seed}-${Date.now().toString(36)}`;
  return Array.from({ length: count }, (_, i) => birth(run, i, motherOf(i)));
}

/** A small seeded generator, so `--seed` replays the same plan and fault timings. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
