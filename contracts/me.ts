import { z } from 'zod';
import { DataAccessRecord } from './data-access';
import { Labels } from './procedures/define';
import type { FamilyRecord, Relative } from './registry';
import { IsoDate, PersonalIdNumber, PersonName, provinceCodes, Sex } from './values';

/**
 * `GET /api/me`: what the national population database holds about the signed-in citizen, and the
 * parts of the birth and death applications it fills, so a citizen gives information once.
 */

export const MePerson = z.object({
  personalIdNumber: PersonalIdNumber,
  fullName: PersonName,
  sex: Sex,
  birthDate: IsoDate,
  alive: z.boolean(),
});
export type MePerson = z.infer<typeof MePerson>;

const HouseholdMember = MePerson.extend({ householdHead: z.boolean(), owner: z.boolean() });
const PermanentAddress = z.object({ provinceCode: z.enum(provinceCodes), commune: z.string(), street: z.string() });

/** A relative the citizen may apply for the death of, and how the citizen is related to them. */
const DeathCandidate = z.object({
  applicantRelationship: z.enum(['spouse', 'child', 'parent']),
  deceased: MePerson.omit({ alive: true }),
});

export const Me = z.object({
  citizen: HouseholdMember,
  /** Where the citizen's permanent residence is registered; null once it has been deleted. */
  permanentAddress: PermanentAddress.nullable(),
  householdId: z.string().nullable(),
  spouse: MePerson.nullable(),
  parents: z.array(MePerson),
  children: z.array(MePerson),
  /** Everyone with their permanent residence in the citizen's household, the citizen included. */
  household: z.array(HouseholdMember),
  /**
   * The application fields the registry fills. A client starts the form from these and asks only
   * for the rest: for a birth, the child (name, sex, birth date and place) and the hospital's birth
   * certificate reference; for a death, the chosen relative's date and place of death, the death
   * notice reference and the variant.
   */
  forms: z.object({
    'birth-bundle': z
      .object({
        applicant: z.object({
          personalIdNumber: PersonalIdNumber,
          fullName: PersonName,
          relationship: z.enum(['mother', 'father']),
        }),
        mother: z.object({ personalIdNumber: PersonalIdNumber, fullName: PersonName }).optional(),
        father: z.object({ personalIdNumber: PersonalIdNumber, fullName: PersonName }).optional(),
        residence: z
          .object({
            address: PermanentAddress,
            parent: z.enum(['mother', 'father']),
            householdHeadConsent: z.boolean(),
            ownerConsent: z.boolean(),
          })
          .optional(),
      })
      .nullable()
      .describe('null when the registry shows no living citizen who can apply as a parent'),
    'death-bundle': z.object({
      applicant: z.object({ personalIdNumber: PersonalIdNumber, fullName: PersonName }),
      /** Living relatives (spouse, parents, children) whose death the citizen may apply to register. */
      candidates: z.array(DeathCandidate),
    }),
  }),
});
export type Me = z.infer<typeof Me>;

/** One read of the citizen's record, with who read it and why in words. */
export const DataAccessView = DataAccessRecord.extend({
  organisationLabel: Labels,
  purposeLabel: Labels,
});

export const MyDataAccess = z.object({
  reads: z.array(DataAccessView),
  /** Holders whose log could not be read just now; the list is complete when this is empty. */
  unavailable: z.array(z.string()),
});
export type MyDataAccess = z.infer<typeof MyDataAccess>;

const person = (r: Relative): MePerson => ({
  personalIdNumber: r.personalId,
  fullName: r.fullName,
  sex: r.sex,
  birthDate: r.birthDate,
  alive: r.alive,
});
const ref = (p: MePerson) => ({ personalIdNumber: p.personalIdNumber, fullName: p.fullName });

/** The citizen's family as `GET /api/me` shows it, with the forms filled from it. */
export function meFrom(family: FamilyRecord): Me {
  const { record } = family;
  const c = record.citizen;
  const self: MePerson = person({ ...c, alive: c.alive });
  const spouse = family.spouse ? person(family.spouse) : null;
  const address = record.permanentResident
    ? { provinceCode: c.provinceCode, commune: c.commune, street: c.street }
    : null;
  const role = c.sex === 'female' ? 'mother' : 'father';
  const other = role === 'mother' ? 'father' : 'mother';
  const partner = spouse && spouse.alive && spouse.sex !== c.sex ? spouse : undefined;
  const living = (p: MePerson) => p.alive;
  const candidate = (applicantRelationship: 'spouse' | 'child' | 'parent') => (p: MePerson) => ({
    applicantRelationship,
    deceased: { personalIdNumber: p.personalIdNumber, fullName: p.fullName, sex: p.sex, birthDate: p.birthDate },
  });
  return {
    citizen: {
      ...self,
      householdHead: c.householdHead && record.permanentResident,
      owner: c.owner && record.permanentResident,
    },
    permanentAddress: address,
    householdId: record.permanentResident ? c.householdId : null,
    spouse,
    parents: family.parents.map(person),
    children: family.children.map(person),
    household: family.household.map((m) => ({ ...person(m), householdHead: m.householdHead, owner: m.owner })),
    forms: {
      'birth-bundle': c.alive
        ? {
            applicant: { ...ref(self), relationship: role },
            [role]: ref(self),
            ...(partner ? { [other]: ref(partner) } : {}),
            ...(address
              ? {
                  residence: {
                    address,
                    parent: role,
                    householdHeadConsent: c.householdHead,
                    ownerConsent: c.owner,
                  },
                }
              : {}),
          }
        : null,
      'death-bundle': {
        applicant: ref(self),
        candidates: [
          ...(spouse && living(spouse) ? [candidate('spouse')(spouse)] : []),
          ...family.parents.map(person).filter(living).map(candidate('child')),
          ...family.children.map(person).filter(living).map(candidate('parent')),
        ],
      },
    },
  };
}
