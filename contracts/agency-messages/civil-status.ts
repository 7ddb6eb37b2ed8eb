import { z } from 'zod';
import { BirthApplicant, Child, DeathApplicant, Deceased, PersonRef } from '../dossiers';
import { PersonalIdNumber } from '../values';
import {
  AdditionalInformationRequested,
  CancelCase,
  CaseCancelled,
  CommandBase,
  CommandReceived,
  EventBase,
  rejection,
} from './common';

export const civilStatusReasonCodes = [
  'LATE_REGISTRATION',
  'BIRTH_DATE_IN_FUTURE',
  'CHILD_TOO_OLD',
  'PARENT_NOT_FOUND',
  'PARENT_DECEASED',
  'DUPLICATE_BIRTH_REGISTRATION',
  'INVALID_NAME',
  'APPLICANT_NOT_ALLOWED',
  'PERSON_NOT_FOUND',
  'ALREADY_DECEASED',
  'DEATH_REGISTRATION_LATE',
  'INFORMATION_NOT_SUPPLIED',
  'REJECTED_BY_OFFICER',
] as const;

/** Register a birth: issue the birth certificate number and the child's personal ID number. */
export const RegisterBirth = CommandBase.extend({
  applicant: BirthApplicant,
  child: Child,
  mother: PersonRef.optional(),
  father: PersonRef.optional(),
  birthCertificateReference: z.string().min(1),
});
export type RegisterBirth = z.infer<typeof RegisterBirth>;

/** Register a death: issue the death extract and mark the person dead. */
export const RegisterDeath = CommandBase.extend({
  applicant: DeathApplicant,
  deceased: Deceased,
  deathNoticeReference: z.string().min(1),
});
export type RegisterDeath = z.infer<typeof RegisterDeath>;

export const BirthRegistered = EventBase.extend({
  birthCertificateNumber: z.string().min(1),
  childPersonalIdNumber: PersonalIdNumber,
  registeredAt: z.iso.datetime({ offset: true }),
});
export const BirthRegistrationRejected = rejection(civilStatusReasonCodes);
export const DeathRegistered = EventBase.extend({
  deathExtractNumber: z.string().min(1),
  registeredAt: z.iso.datetime({ offset: true }),
});
export const DeathRegistrationRejected = rejection(civilStatusReasonCodes);

export const civilStatusCommands = {
  'RegisterBirth.v1': RegisterBirth,
  'RegisterDeath.v1': RegisterDeath,
  'CancelCase.v1': CancelCase,
};
export const civilStatusEvents = {
  'CommandReceived.v1': CommandReceived,
  'BirthRegistered.v1': BirthRegistered,
  'BirthRegistrationRejected.v1': BirthRegistrationRejected,
  'DeathRegistered.v1': DeathRegistered,
  'DeathRegistrationRejected.v1': DeathRegistrationRejected,
  'AdditionalInformationRequested.v1': AdditionalInformationRequested,
  'CaseCancelled.v1': CaseCancelled,
};
