import { z } from 'zod';
import type { AccessContext, DataAccessRecord } from './data-access';
import { Citizen } from './population';
import { PermanentResidence } from './population-changes';
import { personal } from './personal-data';
import { IsoDate, PersonalIdNumber, PersonName, provinceCodes, Sex } from './values';

/**
 * Who asks: the same `requestId` asked again gets the first answer again, so a caller that lost
 * an answer (a timeout, a rolled-back transaction) can simply ask once more.
 */
const RequestId = z.string().min(1).max(300);

/** Issue a newborn's personal ID number and enter the child into the population. */
export const RegisterBirthRequest = z.strictObject({
  requestId: RequestId,
  /** What identifies the birth whoever asks (the hospital birth certificate reference): one ID per birth. */
  birthKey: z.string().min(1).max(300),
  child: z.strictObject({ fullName: PersonName, sex: Sex, birthDate: IsoDate }),
  /** The province where the birth is registered: the first three digits of the ID (rule 1). */
  registeredIn: z.enum(provinceCodes),
  /** The parent whose household the child joins until the residence registration says otherwise. */
  parentIdNumber: PersonalIdNumber.optional(),
  /** The mother and father the birth declaration names, as the registry's record of the child's parents. */
  parents: z.array(PersonalIdNumber).max(2).optional(),
  /** Where the child lives when no parent's household is known. */
  birthPlace: PermanentResidence.omit({ householdId: true }),
});
export type RegisterBirthRequest = z.infer<typeof RegisterBirthRequest>;

export const RegisterDeathRequest = z.strictObject({
  requestId: RequestId,
  personalId: PersonalIdNumber,
  diedOn: IsoDate,
});
export type RegisterDeathRequest = z.infer<typeof RegisterDeathRequest>;

export const RegisterPermanentResidenceRequest = z.strictObject({
  requestId: RequestId,
  personalId: PersonalIdNumber,
  residence: PermanentResidence,
});
export type RegisterPermanentResidenceRequest = z.infer<typeof RegisterPermanentResidenceRequest>;

export const DeletePermanentResidenceRequest = z.strictObject({
  requestId: RequestId,
  personalId: PersonalIdNumber,
  deletedOn: IsoDate,
});
export type DeletePermanentResidenceRequest = z.infer<typeof DeletePermanentResidenceRequest>;

/** Why the registry refuses a change; a refusal is an answer, not an error. */
export const registryRefusalCodes = ['PERSON_NOT_FOUND', 'ALREADY_DECEASED', 'NO_PERMANENT_RESIDENCE'] as const;
export const RegistryRefusal = z.strictObject({
  ok: z.literal(false),
  reasonCode: z.enum(registryRefusalCodes),
  message: z.string(),
});
export type RegistryRefusal = z.infer<typeof RegistryRefusal>;

const answer = <T extends z.ZodRawShape>(shape: T) =>
  z.discriminatedUnion('ok', [z.strictObject({ ok: z.literal(true), ...shape }), RegistryRefusal]);
export const BirthAnswer = answer({ personalId: PersonalIdNumber });
export type BirthAnswer = z.infer<typeof BirthAnswer>;
export const ChangeAnswer = answer({});
export type ChangeAnswer = z.infer<typeof ChangeAnswer>;

/** A citizen as the registry holds them: the citizen record, with no household once the residence is deleted. */
export const RegistryRecord = z.strictObject({
  citizen: Citizen,
  diedOn: IsoDate.nullable(),
  permanentResident: z.boolean(),
});
export type RegistryRecord = z.infer<typeof RegistryRecord>;

/** A relative as the registry shows them to a citizen: who they are and whether they are alive. */
export const Relative = z.strictObject({
  personalId: PersonalIdNumber,
  fullName: PersonName,
  sex: Sex,
  birthDate: IsoDate,
  alive: z.boolean(),
});
export type Relative = z.infer<typeof Relative>;

/** A citizen with their family: what the registry holds about them and those close to them. */
export const FamilyRecord = z.strictObject({
  record: RegistryRecord,
  spouse: Relative.nullable(),
  parents: z.array(Relative),
  children: z.array(Relative),
  /** Everyone with their permanent residence in the citizen's household, the citizen included. */
  household: z.array(Relative.extend({ householdHead: z.boolean(), owner: z.boolean() })),
});
export type FamilyRecord = z.infer<typeof FamilyRecord>;

/** A Vietnamese mobile number in international form, e.g. +84912345678. */
export const PhoneNumber = personal(z.string().regex(/^\+84\d{9,10}$/, 'must be +84 and 9 or 10 digits'));
export const EmailAddress = personal(z.email({ error: 'must be an e-mail address' }).max(254));

/**
 * How a citizen may be told about their dossiers: the phone and e-mail they gave the registry, and
 * the language they want messages in. Looked up by the pseudonymous citizen key, since that is all
 * the notifications topic names them by.
 */
export const ContactDetails = z.strictObject({
  phone: PhoneNumber.nullable(),
  email: EmailAddress.nullable(),
  language: z.enum(['vi', 'en']),
});
export type ContactDetails = z.infer<typeof ContactDetails>;

/** The national population registry as agencies call it: the only writer of citizens, households and vital status. */
export interface PopulationRegistryClient {
  registerBirth(request: RegisterBirthRequest): Promise<BirthAnswer>;
  registerDeath(request: RegisterDeathRequest): Promise<ChangeAnswer>;
  registerPermanentResidence(request: RegisterPermanentResidenceRequest): Promise<ChangeAnswer>;
  deletePermanentResidence(request: DeletePermanentResidenceRequest): Promise<ChangeAnswer>;
  /** A citizen's record; the read is logged with who asked and why. */
  find(personalId: string, access: AccessContext): Promise<RegistryRecord | undefined>;
  /** A citizen with spouse, parents, children and household; logged as one read of each. */
  family(personalId: string, access: AccessContext): Promise<FamilyRecord | undefined>;
  /** The reads of a citizen's record the registry has logged, newest first. */
  dataAccess(personalId: string): Promise<DataAccessRecord[]>;
  /** A citizen's contact details by pseudonymous key (undefined when none are held); logged as a read of their record. */
  contactDetails(citizenKey: string, access: AccessContext): Promise<ContactDetails | undefined>;
}
