import { z } from 'zod';
import { PersonalIdNumber } from '../values';

/** Routing fields every agency command carries; the command id is deterministic (dossier/step/attempt). */
export const CommandBase = z.strictObject({
  dossierId: z.string().min(1),
  stepId: z.string().min(1),
  commandId: z.string().min(1),
  attempt: z.number().int().min(1),
  /** Information the citizen supplied after the agency asked for it. */
  supplement: z.record(z.string(), z.string()).optional(),
});

/** Routing fields every agency event carries: the command it answers. */
export const EventBase = z.strictObject({
  dossierId: z.string().min(1),
  stepId: z.string().min(1),
  commandId: z.string().min(1),
});

/** The agency accepted the command into its queue; `manual` means an agency worker must decide. */
export const CommandReceived = EventBase.extend({
  handling: z.enum(['automatic', 'manual']),
  /** Why the rules left the case to a worker (the agency's task flags), so the citizen sees it too. */
  flags: z.array(z.string().min(1).max(100)).max(20).optional(),
  receivedAt: z.iso.datetime({ offset: true }),
  dueAt: z.iso.datetime({ offset: true }).optional(),
});

/** The agency needs more from the citizen before it can decide (rule 10: 7 working days to answer). */
export const AdditionalInformationRequested = EventBase.extend({
  fields: z.array(z.string().min(1)).min(1),
  message: z.string().min(1),
  answerBy: z.iso.datetime({ offset: true }).optional(),
});

/** Stop work on a case: the dossier was withdrawn or rejected elsewhere. */
export const CancelCase = CommandBase.extend({ cancelsCommandId: z.string().min(1), reason: z.string().min(1) });

/** The agency stopped work on a case after a CancelCase. */
export const CaseCancelled = EventBase.extend({ cancelsCommandId: z.string().min(1) });

/** A rejection with a machine-readable reason code from the agency's own list. */
export const rejection = <T extends readonly [string, ...string[]]>(codes: T) =>
  EventBase.extend({ reasonCode: z.enum(codes), message: z.string().min(1) });

/** The result of the birth registration that later steps need. */
export const BirthRegistrationResult = z.strictObject({
  birthCertificateNumber: z.string().min(1),
  childPersonalIdNumber: PersonalIdNumber,
});

/** The result of the death registration that later steps need. */
export const DeathRegistrationResult = z.strictObject({ deathExtractNumber: z.string().min(1) });
