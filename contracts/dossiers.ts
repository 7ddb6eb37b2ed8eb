import { z } from 'zod';
import { localDate } from './calendar';
import { Address, IsoDate, PersonalIdNumber, PersonName, Sex, idMatchesPerson } from './values';

/** Not after today in Vietnam (UTC+7): a child born this morning is not 'in the future' at 06:00 UTC+7. */
const notInFuture = (date: string) => date <= localDate(new Date());

/** A person known to the national population database, as an applicant or parent names them. */
export const PersonRef = z.strictObject({ personalIdNumber: PersonalIdNumber, fullName: PersonName });
export type PersonRef = z.infer<typeof PersonRef>;

/** Who may apply for a birth (rule 12): a parent, else a grandparent, relative or carer. */
export const BirthApplicantRelationship = z.enum(['mother', 'father', 'grandparent', 'relative', 'carer']);

/** The citizen's single application for the birth bundle. */
export const BirthBundleInput = z
  .strictObject({
    procedure: z.literal('birth-bundle'),
    applicant: PersonRef.extend({ relationship: BirthApplicantRelationship }),
    child: z.strictObject({
      fullName: PersonName,
      sex: Sex,
      birthDate: IsoDate.refine(notInFuture, 'must not be in the future'),
      birthPlace: Address,
    }),
    mother: PersonRef.optional(),
    father: PersonRef.optional(),
    /** The hospital's birth certificate (giấy chứng sinh) reference. */
    birthCertificateReference: z.string().trim().min(3).max(50),
    residence: z.strictObject({
      address: Address,
      /** Which parent's permanent residence the child is registered at. */
      parent: z.enum(['mother', 'father']),
      parentConfirmed: z.literal(true, {
        error: 'the parent must confirm the registration at their permanent residence',
      }),
      householdHeadConsent: z.boolean().default(false),
      ownerConsent: z.boolean().default(false),
    }),
  })
  .superRefine((input, ctx) => {
    if (!input.mother && !input.father)
      ctx.addIssue({ code: 'custom', path: ['mother'], message: 'at least one parent must be named' });
    // Rule 1: the century/sex digit is odd for women, even for men.
    if (input.mother && Number(input.mother.personalIdNumber[3]) % 2 === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['mother', 'personalIdNumber'],
        message: "is a man's personal ID number (rule 1: the 4th digit is odd for women)",
      });
    if (input.father && Number(input.father.personalIdNumber[3]) % 2 === 1)
      ctx.addIssue({
        code: 'custom',
        path: ['father', 'personalIdNumber'],
        message: "is a woman's personal ID number (rule 1: the 4th digit is even for men)",
      });
    if (input.mother && input.father && input.mother.personalIdNumber === input.father.personalIdNumber)
      ctx.addIssue({
        code: 'custom',
        path: ['father', 'personalIdNumber'],
        message: 'must not be the same person as the mother',
      });
    if (!input[input.residence.parent])
      ctx.addIssue({
        code: 'custom',
        path: ['residence', 'parent'],
        message: `the ${input.residence.parent} must be named to register the child at their residence`,
      });
    if (
      (input.applicant.relationship === 'mother' || input.applicant.relationship === 'father') &&
      input[input.applicant.relationship]?.personalIdNumber !== input.applicant.personalIdNumber
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['applicant', 'personalIdNumber'],
        message: `must be the ${input.applicant.relationship}'s personal ID number`,
      });
    }
  });
export type BirthBundleInput = z.output<typeof BirthBundleInput>;

/**
 * The deceased, with the checks that hold wherever they appear (the bundle and every death-side
 * command): the ID number agrees with sex and birth year (rule 1), death not before birth.
 */
export const Deceased = z
  .strictObject({
    personalIdNumber: PersonalIdNumber,
    fullName: PersonName,
    sex: Sex,
    birthDate: IsoDate,
    dateOfDeath: IsoDate.refine(notInFuture, 'must not be in the future'),
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

/** The citizen's single application for the death bundle, in the chosen variant of 2, 3 or 4 procedures. */
export const DeathBundleInput = z
  .strictObject({
    procedure: z.literal('death-bundle'),
    variant: z.union([z.literal(2), z.literal(3), z.literal(4)], { error: 'must be 2, 3 or 4 procedures' }),
    applicant: PersonRef.extend({ relationship: DeathApplicantRelationship }),
    deceased: Deceased,
    /** The death notice (giấy báo tử) reference. */
    deathNoticeReference: z.string().trim().min(3).max(50),
    /** Variant 4 only: every relative, and whom they confirm as the family's representative. */
    survivors: z.array(SurvivorConfirmation).max(20).default([]),
    representativeIdNumber: PersonalIdNumber.optional(),
  })
  .superRefine((input, ctx) => {
    if (input.representativeIdNumber && input.variant !== 4)
      ctx.addIssue({
        code: 'custom',
        path: ['representativeIdNumber'],
        message: 'a representative is only named for the survivor benefit (variant 4)',
      });
    if (
      input.variant === 4 &&
      input.representativeIdNumber &&
      !input.survivors.some((s) => s.personalIdNumber === input.representativeIdNumber)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['representativeIdNumber'],
        message: 'must be one of the listed survivors',
      });
    }
    if (input.applicant.personalIdNumber === input.deceased.personalIdNumber)
      ctx.addIssue({ code: 'custom', path: ['applicant', 'personalIdNumber'], message: 'must not be the deceased' });
    input.survivors.forEach((survivor, i) => {
      if (survivor.personalIdNumber === input.deceased.personalIdNumber)
        ctx.addIssue({
          code: 'custom',
          path: ['survivors', i, 'personalIdNumber'],
          message: 'must not be the deceased',
        });
    });
    if (input.variant === 4 && input.survivors.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['survivors'],
        message: 'the survivor benefit (variant 4) needs the list of relatives',
      });
    if (input.variant === 4 && !input.representativeIdNumber)
      ctx.addIssue({
        code: 'custom',
        path: ['representativeIdNumber'],
        message: 'the survivor benefit (variant 4) needs the representative',
      });
    if (input.variant !== 4 && input.survivors.length > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['survivors'],
        message:
          'relatives are only listed for the survivor benefit, which comes with the funeral allowance in variant 4',
      });
  });
export type DeathBundleInput = z.output<typeof DeathBundleInput>;

/** Either bundle, as the portal submits it. */
export const DossierInput = z.discriminatedUnion('procedure', [BirthBundleInput, DeathBundleInput]);
export type DossierInput = z.output<typeof DossierInput>;
