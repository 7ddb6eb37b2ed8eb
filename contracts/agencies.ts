import { z } from 'zod';

/** The simulated agency services; each owns its database and its pair of Kafka topics. */
export const agencyIds = ['civil-status', 'residence', 'social-insurance'] as const;
export const AgencyId = z.enum(agencyIds);
export type AgencyId = z.infer<typeof AgencyId>;

/** The PostgreSQL database each agency owns; nothing outside the agency reads it. */
export const agencyDatabase: Record<AgencyId, string> = {
  'civil-status': 'lienthong_civil_status',
  residence: 'lienthong_residence',
  'social-insurance': 'lienthong_social_insurance',
};

/** The platform's own database (processed events, audit log, read models). */
export const platformDatabase = 'lienthong';

/** The national population registry's database; only the registry writes it. */
export const registryDatabase = 'lienthong_registry';

export const allDatabases = [platformDatabase, registryDatabase, ...agencyIds.map((agency) => agencyDatabase[agency])];
