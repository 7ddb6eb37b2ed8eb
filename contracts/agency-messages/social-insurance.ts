import { z } from 'zod';
import { personal } from '../personal-data';
import { Child, DeathApplicant, Deceased, ResidenceRequest, SurvivorConfirmation } from '../dossiers';
import { IsoDate, PersonalIdNumber, Vnd } from '../values';
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

export const socialInsuranceReasonCodes = [
  'CHILD_TOO_OLD',
  'NOT_ELIGIBLE',
  'ALREADY_PAID',
  'CONFIRMATIONS_MISSING',
  'PERSON_NOT_FOUND',
  'INFORMATION_NOT_SUPPLIED',
  'REJECTED_BY_OFFICER',
] as const;

/** Issue the state-paid under-6 health-insurance card (rule 3). */
export const IssueHealthInsuranceCard = CommandBase.extend({
  birthRegistration: BirthRegistrationResult,
  child: Child,
  residence: ResidenceRequest,
});
export type IssueHealthInsuranceCard = z.infer<typeof IssueHealthInsuranceCard>;

/** Decide the funeral allowance (rule 8). */
export const DecideFuneralAllowance = CommandBase.extend({
  deathRegistration: DeathRegistrationResult,
  deceased: Deceased,
  applicant: DeathApplicant,
});
export type DecideFuneralAllowance = z.infer<typeof DecideFuneralAllowance>;

/** Decide the survivor benefit (rule 9). */
export const DecideSurvivorBenefit = CommandBase.extend({
  deathRegistration: DeathRegistrationResult,
  deceased: Deceased,
  survivors: z.array(SurvivorConfirmation).min(1),
  representativeIdNumber: PersonalIdNumber,
});
export type DecideSurvivorBenefit = z.infer<typeof DecideSurvivorBenefit>;

export const HealthInsuranceCardIssued = EventBase.extend({
  socialInsuranceNumber: personal(z.string().regex(/^\d{10}$/)),
  cardNumber: z.string().min(1),
  validFrom: IsoDate,
  validTo: IsoDate,
});
export const HealthInsuranceCardRejected = rejection(socialInsuranceReasonCodes);
export const FuneralAllowanceDecided = EventBase.extend({ decisionNumber: z.string().min(1), amountVnd: Vnd });
export const FuneralAllowanceRejected = rejection(socialInsuranceReasonCodes);
export const SurvivorBenefitDecided = EventBase.extend({
  decisionNumber: z.string().min(1),
  representativeIdNumber: PersonalIdNumber,
});
export const SurvivorBenefitRejected = rejection(socialInsuranceReasonCodes);

export const socialInsuranceCommands = {
  'IssueHealthInsuranceCard.v1': IssueHealthInsuranceCard,
  'DecideFuneralAllowance.v1': DecideFuneralAllowance,
  'DecideSurvivorBenefit.v1': DecideSurvivorBenefit,
  'CancelCase.v1': CancelCase,
};
export const socialInsuranceEvents = {
  'CommandReceived.v1': CommandReceived,
  'HealthInsuranceCardIssued.v1': HealthInsuranceCardIssued,
  'HealthInsuranceCardRejected.v1': HealthInsuranceCardRejected,
  'FuneralAllowanceDecided.v1': FuneralAllowanceDecided,
  'FuneralAllowanceRejected.v1': FuneralAllowanceRejected,
  'SurvivorBenefitDecided.v1': SurvivorBenefitDecided,
  'SurvivorBenefitRejected.v1': SurvivorBenefitRejected,
  'AdditionalInformationRequested.v1': AdditionalInformationRequested,
  'CaseCancelled.v1': CaseCancelled,
};
