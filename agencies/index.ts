import type { AgencyId } from '../contracts/agencies';
import { civilStatus } from './civil-status';
import { residence } from './residence';
import { socialInsurance } from './social-insurance';
import { runAgency, type AgencyOptions } from './runtime/agency';
import type { AgencyModule } from './runtime/handlers';

/** Every agency's module; a new agency is a contracts entry, a folder, and a line here. */
export const agencyModules = {
  'civil-status': civilStatus,
  residence,
  'social-insurance': socialInsurance,
} satisfies Record<AgencyId, AgencyModule>;

/** Starts the agency service of `options.agency` over the shared runtime. */
export const startAgency = (options: AgencyOptions) => runAgency(agencyModules[options.agency], options);

export type { AgencyOptions, RunningAgency } from './runtime/agency';
export type { Faults } from './runtime/faults';
export type { DecisionPolicy } from './runtime/intake';
