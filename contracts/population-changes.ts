import { z } from 'zod';
import { personal } from './personal-data';
import { Citizen } from './population';
import { IsoDate, PersonalIdNumber, provinceCodes } from './values';

/** A permanent residence: the household a person belongs to and the address it is registered at. */
export const PermanentResidence = z.strictObject({
  householdId: personal(z.string().min(1).max(100)),
  provinceCode: z.enum(provinceCodes),
  commune: personal(z.string().min(1).max(200)),
  street: personal(z.string().min(1).max(200)),
});
export type PermanentResidence = z.infer<typeof PermanentResidence>;

/** A newborn entered the population with the personal ID number the registry issued; the whole record travels. */
export const CitizenBorn = z.strictObject({ citizen: Citizen });
export type CitizenBorn = z.infer<typeof CitizenBorn>;

/** A registered death: the person is dead from `diedOn` on. */
export const CitizenDied = z.strictObject({ personalId: PersonalIdNumber, diedOn: IsoDate });
export type CitizenDied = z.infer<typeof CitizenDied>;

/** A person joined a household at its address as a permanent resident. */
export const CitizenPermanentResidenceRegistered = z.strictObject({
  personalId: PersonalIdNumber,
  residence: PermanentResidence,
});
export type CitizenPermanentResidenceRegistered = z.infer<typeof CitizenPermanentResidenceRegistered>;

/** A person's permanent residence was deleted (a death, say): they belong to no household any more. */
export const CitizenPermanentResidenceDeleted = z.strictObject({ personalId: PersonalIdNumber, deletedOn: IsoDate });
export type CitizenPermanentResidenceDeleted = z.infer<typeof CitizenPermanentResidenceDeleted>;

/**
 * Every change the population registry publishes on `population.changes`, keyed by the person's
 * pseudonymous citizen key (not the ID number, which travels only in the encrypted data). The residence changes carry a `Citizen` prefix: a type name means one schema everywhere,
 * and `PermanentResidenceRegistered.v1` is already the residence agency's result event.
 */
export const populationChanges = {
  'CitizenBorn.v1': CitizenBorn,
  'CitizenDied.v1': CitizenDied,
  'CitizenPermanentResidenceRegistered.v1': CitizenPermanentResidenceRegistered,
  'CitizenPermanentResidenceDeleted.v1': CitizenPermanentResidenceDeleted,
} satisfies Record<string, z.ZodType>;
export type PopulationChangeType = keyof typeof populationChanges;
