import { z } from 'zod';
import { personal } from './personal-data';
import { localDate, simulatedNow, type ScaledClock } from './calendar';
import { naturalKey, type NaturalKey } from './natural-keys';
import type { NamedPerson } from './procedures/define';
import { Address, IsoDate, PersonalIdNumber, PersonName, Sex, idMatchesPerson } from './values';

let datesClock: ScaledClock | undefined;

/**
 * The clock "today" means when dates are checked: a process on a scaled clock (CLOCK_FACTOR > 1)
 * checks forms and messages against the same simulated today its agencies decide on, so a birth
 * or death dated by that clock is not 'in the future' (and one dated by the real calendar is not
 * late by the agencies' clock). Unset = the real calendar.
 */
export function checkDatesOn(clock: ScaledClock | undefined): void {
  datesClock = clock;
}

/** Not after today in Vietnam (UTC+7): a child born this morning is not 'in the future' at 06:00 UTC+7. */
export const notInFuture = (date: string) =>
  date <= localDate(datesClock ? simulatedNow(datesClock, Date.now()) : new Date());

/** A person known to the national population database, as an applicant or parent names them. */
export const PersonRef = z.strictObject({ personalIdNumber: PersonalIdNumber, fullName: PersonName });
export type PersonRef = z.infer<typeof PersonRef>;

/** Who may apply for a birth (rule 12): a parent, else a grandparent, relative or carer. */
export const BirthApplicantRelationship = z.enum(['mother', 'father', 'grandparent', 'relative', 'carer']);

/** The applicant for a birth and how they are related to the child. */
export const BirthApplicant = PersonRef.extend({ relationship: BirthApplicantRelationship });

/** The newborn as the birth declaration names them. */
export const Child = z.strictObject({
  fullName: PersonName,
  sex: Sex,
  birthDate: personal(IsoDate.refine(notInFuture, 'must not be in the future')),
  birthPlace: Address,
});
export type Child = z.infer<typeof Child>;

/** What a birth declaration says, wherever it is filed: who applies, the child, the parents, the hospital's reference. */
export const BirthDeclaration = z.strictObject({
  applicant: BirthApplicant,
  child: Child,
  mother: PersonRef.optional(),
  father: PersonRef.optional(),
  /** The hospital's birth certificate (giấy chứng sinh) reference. */
  birthCertificateReference: z.string().trim().min(3).max(50),
});
export type BirthDeclaration = z.output<typeof BirthDeclaration>;

/** The declaration's fields and nothing else, as the civil-status office's command carries them. */
export const declaredBirth = (input: BirthDeclaration): BirthDeclaration => ({
  applicant: input.applicant,
  child: input.child,
  mother: input.mother,
  father: input.father,
  birthCertificateReference: input.birthCertificateReference,
});

/**
 * What identifies a birth, whichever procedure files it: the hospital's birth certificate
 * reference, and the mother with the child's birth date and name (a reference mistyped on a second
 * application still meets the second key).
 */
export const birthKeys = (input: BirthDeclaration): NaturalKey[] => [
  naturalKey({ birthCertificateReference: input.birthCertificateReference }),
  ...(input.mother
    ? [
        naturalKey({
          'mother.personalIdNumber': input.mother.personalIdNumber,
          'child.birthDate': input.child.birthDate,
          'child.fullName': input.child.fullName,
        }),
      ]
    : []),
];

/**
 * The people a birth declaration names, as the registry must know them: the applicant alive, the
 * mother not recorded dead before the birth. A father who died before it is for a registrar to
 * judge (rule 3), so he is only checked to exist with the name given.
 */
export const birthPeople = (input: BirthDeclaration): NamedPerson[] => [
  {
    path: ['applicant'],
    ...input.applicant,
    alive: { otherwise: 'is recorded as deceased in the national population database' },
  },
  ...(input.mother
    ? [
        {
          path: ['mother'],
          ...input.mother,
          alive: { on: input.child.birthDate, otherwise: "is recorded as deceased before the child's birth date" },
        },
      ]
    : []),
  ...(input.father ? [{ path: ['father'], ...input.father }] : []),
];

/** Where the newborn's permanent residence is registered, with the consents rule 5 asks for. */
export const ResidenceRequest = z.strictObject({
  address: Address,
  /** Which parent's permanent residence the child is registered at. */
  parent: z.enum(['mother', 'father']),
  parentConfirmed: z.literal(true, {
    error: 'the parent must confirm the registration at their permanent residence',
  }),
  householdHeadConsent: z.boolean().default(false),
  ownerConsent: z.boolean().default(false),
});

/**
 * The deceased, with the checks that hold wherever they appear (the bundle and every death-side
 * command): the ID number agrees with sex and birth year (rule 1), death not before birth.
 */
export const Deceased = z
  .strictObject({
    personalIdNumber: PersonalIdNumber,
    fullName: PersonName,
    sex: Sex,
    birthDate: personal(IsoDate),
    dateOfDeath: personal(IsoDate.refine(notInFuture, 'must not be in the future')),
    placeOfDeath: Address,
    occupationalCause: z.boolean().default(false),
  })
  .superRefine((deceased, ctx) => {
    if (!idMatchesPerson(deceased.personalIdNumber, deceased))
      ctx.addIssue({
        code: 'custom',
        path: ['personalIdNumber'],
        message: 'does not agree with the sex and birth year given (rule 1)',
      });
    if (deceased.dateOfDeath < deceased.birthDate)
      ctx.addIssue({ code: 'custom', path: ['dateOfDeath'], message: 'must not be before the birth date' });
  });

/** Who may apply for a death (rule 12): a spouse, child, parent or other relative. */
export const DeathApplicantRelationship = z.enum(['spouse', 'child', 'parent', 'other-relative']);

/** A relative confirming who represents the family for the survivor benefit (rule 9). */
export const SurvivorConfirmation = PersonRef.extend({
  relationship: z.enum(['spouse', 'child', 'parent']),
  confirmsRepresentative: z.boolean(),
});

/** The applicant for a death and how they are related to the deceased. */
export const DeathApplicant = PersonRef.extend({ relationship: DeathApplicantRelationship });
