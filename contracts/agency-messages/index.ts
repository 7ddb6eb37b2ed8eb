import type { z } from 'zod';
import type { AgencyId } from '../agencies';
import { civilStatusCommands, civilStatusEvents } from './civil-status';
import { residenceCommands, residenceEvents } from './residence';
import { socialInsuranceCommands, socialInsuranceEvents } from './social-insurance';

/** Each agency's message contract: the commands it takes and the events it publishes, by CloudEvents type. */
export const agencyMessages = {
  'civil-status': { commands: civilStatusCommands, events: civilStatusEvents },
  residence: { commands: residenceCommands, events: residenceEvents },
  'social-insurance': { commands: socialInsuranceCommands, events: socialInsuranceEvents },
} satisfies Record<AgencyId, { commands: Record<string, z.ZodType>; events: Record<string, z.ZodType> }>;
export type AgencyMessages = typeof agencyMessages;
