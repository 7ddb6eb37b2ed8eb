import { z } from 'zod';
import { personal } from '../personal-data';
import { PersonalIdNumber } from '../values';
import { Child, Deceased, ResidenceRequest } from '../dossiers';
import {
  AdditionalInformationRequested,
  BirthRegistrationResult,
  CancelCase,
  CaseCancelled,
  CommandBase,
  CommandReceived,
  DeathRegistrationResult,
  EventBase,
  rejection,
} from './common';

export const residenceReasonCodes = [
  'ADDRESS_NOT_PARENT_RESIDENCE',
  'CONFIRMATION_MISSING',
  'CONSENT_MISSING',
  'RESIDENCE_REGISTRATION_LATE',
  'PERSON_NOT_FOUND',
  'NO_PERMANENT_RESIDENCE',
  'INFORMATION_NOT_SUPPLIED',
  'REJECTED_BY_OFFICER',
] as const;

/** Register a newborn's permanent residence at a parent's permanent address. */
export const RegisterPermanentResidence = CommandBase.extend({
  birthRegistration: BirthRegistrationResult,
  child: Child,
  parentIdNumber: PersonalIdNumber,
  residence: ResidenceRequest,
});
export type RegisterPermanentResidence = z.infer<typeof RegisterPermanentResidence>;

/** Delete a deceased person's permanent residence. */
export const DeletePermanentResidence = CommandBase.extend({
  deathRegistration: DeathRegistrationResult,
  deceased: Deceased,
});
export type DeletePermanentResidence = z.infer<typeof DeletePermanentResidence>;

export const PermanentResidenceRegistered = EventBase.extend({
  residenceRegistrationNumber: z.string().min(1),
  householdId: personal(z.string().min(1)),
  registeredAt: z.iso.datetime({ offset: true }),
});
export const PermanentResidenceRegistrationRejected = rejection(residenceReasonCodes);
export const PermanentResidenceDeleted = EventBase.extend({
  deletionRecordNumber: z.string().min(1),
  deletedAt: z.iso.datetime({ offset: true }),
});
export const PermanentResidenceDeletionRejected = rejection(residenceReasonCodes);

export const residenceCommands = {
  'RegisterPermanentResidence.v1': RegisterPermanentResidence,
  'DeletePermanentResidence.v1': DeletePermanentResidence,
  'CancelCase.v1': CancelCase,
};
export const residenceEvents = {
  'CommandReceived.v1': CommandReceived,
  'PermanentResidenceRegistered.v1': PermanentResidenceRegistered,
  'PermanentResidenceRegistrationRejected.v1': PermanentResidenceRegistrationRejected,
  'PermanentResidenceDeleted.v1': PermanentResidenceDeleted,
  'PermanentResidenceDeletionRejected.v1': PermanentResidenceDeletionRejected,
  'AdditionalInformationRequested.v1': AdditionalInformationRequested,
  'CaseCancelled.v1': CaseCancelled,
};
