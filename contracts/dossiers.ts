import { z } from 'zod';
import { Address, IsoDate, PersonalIdNumber, PersonName, Sex, idMatchesPerson } from './values';

const notInFuture = (date: string) => date <= new Date().toISOString().slice(0, 10);

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
      parentConfirmed: z.literal(true, { error: 'the parent must confirm the registration at their permanent residence' }),
      householdHeadConsent: z.boolean().default(false),
      ownerConsent: z.boolean().default(false),
    }),
  })
  .superRefine((input, ctx) => {
    if (!input.mother && !input.father) ctx.addIssue({ code: 'custom', path: ['mother'], message: 'at least one parent must be named' });
    if (!input[input.residence.parent]) ctx.addIssue({ code: 'custom', path: ['residence', 'parent'], message: `the ${input.residence.parent} must be named to register the child at their residence` });
    if ((input.applicant.relationship === 'mother' || input.applicant.relationship === 'father') && input[input.applicant.relationship]?.personalIdNumber !== input.applicant.personalIdNumber) {
      ctx.addIssue({ code: 'custom', path: ['applicant', 'personalIdNumber'], message: `must be the ${input.applicant.relationship}'s personal ID number` });
    }
  });
export type BirthBundleInput = z.output<typeof BirthBundleInput>;

/** Who may apply for a death (rule 12): a spouse, child, parent or other relative. */
export const DeathApplicantRelationship = z.enum(['spouse', 'child', 'parent', 'other-relative']);

/** A relative confirming who represents the family for the survivor benefit (rule 9). */
export const SurvivorConfirmation = PersonRef.extend({ relationship: z.enum(['spouse', 'child', 'parent']), confirmsRepresentative: z.boolean() });

/** The citizen's single application for the death bundle, in the chosen variant of 2, 3 or 4 procedures. */
export const DeathBundleInput = z
  .strictObject({
    procedure: z.literal('death-bundle'),
    variant: z.union([z.literal(2), z.literal(3), z.literal(4)], { error: 'must be 2, 3 or 4 procedures' }),
    applicant: PersonRef.extend({ relationship: DeathApplicantRelationship }),
    deceased: z.strictObject({
      personalIdNumber: PersonalIdNumber,
      fullName: PersonName,
      sex: Sex,
      birthDate: IsoDate,
      dateOfDeath: IsoDate.refine(notInFuture, 'must not be in the future'),
      placeOfDeath: Address,
      occupationalCause: z.boolean().default(false),
    }),
    /** The death notice (giấy báo tử) reference. */
    deathNoticeReference: z.string().trim().min(3).max(50),
    /** Variant 4 only: every relative, and whom they confirm as the family's representative. */
    survivors: z.array(SurvivorConfirmation).max(20).default([]),
    representativeIdNumber: PersonalIdNumber.optional(),
  })
  .superRefine((input, ctx) => {
    if (!idMatchesPerson(input.deceased.personalIdNumber, input.deceased)) {
      ctx.addIssue({ code: 'custom', path: ['deceased', 'personalIdNumber'], message: 'does not agree with the sex and birth year given (rule 1)' });
    }
    if (input.deceased.dateOfDeath < input.deceased.birthDate) ctx.addIssue({ code: 'custom', path: ['deceased', 'dateOfDeath'], message: 'must not be before the birth date' });
    if (input.variant === 4 && input.survivors.length === 0) ctx.addIssue({ code: 'custom', path: ['survivors'], message: 'the survivor benefit (variant 4) needs the list of relatives' });
    if (input.variant === 4 && !input.representativeIdNumber) ctx.addIssue({ code: 'custom', path: ['representativeIdNumber'], message: 'the survivor benefit (variant 4) needs the representative' });
    if (input.variant !== 4 && input.survivors.length > 0) ctx.addIssue({ code: 'custom', path: ['survivors'], message: 'relatives are only listed for the survivor benefit, which comes with the funeral allowance in variant 4' });
  });
export type DeathBundleInput = z.output<typeof DeathBundleInput>;

/** Either bundle, as the portal submits it. */
export const DossierInput = z.discriminatedUnion('procedure', [BirthBundleInput, DeathBundleInput]);
export type DossierInput = z.output<typeof DossierInput>;
