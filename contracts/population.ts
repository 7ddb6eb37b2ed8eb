import { z } from 'zod';
import { personal } from './personal-data';
import { IsoDate, PersonalIdNumber, PersonName, provinceCodes, Sex } from './values';

/**
 * One citizen of the national population database, the reference data every agency reads: who
 * they are, their permanent residence and household, their social-insurance history, alive or not.
 */
export const Citizen = z.strictObject({
  personalId: PersonalIdNumber,
  fullName: PersonName,
  sex: Sex,
  birthDate: personal(IsoDate),
  provinceCode: z.enum(provinceCodes),
  commune: personal(z.string().min(1)),
  street: personal(z.string().min(1)),
  householdId: personal(z.string().min(1)),
  householdHead: z.boolean(),
  owner: z.boolean(),
  contributionMonths: z.number().int().min(0),
  pensioner: z.boolean(),
  alive: z.boolean(),
});
export type Citizen = z.infer<typeof Citizen>;

/** Marriages and parenthood between citizens, by personal ID number: what makes a family in the registry. */
export interface Relations {
  spouses: readonly (readonly [string, string])[];
  parents: readonly (readonly [child: string, parent: string])[];
}
