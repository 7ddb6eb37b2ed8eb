import { z } from 'zod';
import { agencyIds, type AgencyId } from './agencies';

/**
 * The services that talk to Kafka, each as its own principal: an agency is known to the others
 * only by what its principal may read and write (contracts/kafka-access.ts).
 */
export const kafkaServices = ['orchestrator', 'event-bridge', 'api', 'registry', ...agencyIds] as const;
export const KafkaService = z.enum(kafkaServices);
export type KafkaService = z.infer<typeof KafkaService>;

/** Every principal: the services, and the admin that alone creates topics, ACLs and users. */
export const kafkaPrincipals = [...kafkaServices, 'admin'] as const;
export type KafkaPrincipal = (typeof kafkaPrincipals)[number];

/** The service that runs the operator tools (dead letters, redrive): the api process. */
export const operationsService = 'api' satisfies KafkaService;

/** The consumer groups of each service; the ACLs grant a service its own groups and no other. */
export const consumerGroups = {
  eventBridge: 'lienthong-event-bridge',
  /** Its command consumer; the population read model uses `<group>-population`. */
  agency: (agency: AgencyId) => `lienthong-agency-${agency}` as const,
  agencyPopulation: (agency: AgencyId) => `lienthong-agency-${agency}-population` as const,
  dossierArchive: 'lienthong-dossier-archive',
  /** A prefix: each api instance's event-stream feed has a group of its own. */
  apiStreamPrefix: 'lienthong-api-stream-',
  /** A prefix: each dead-letter listing reads with a throw-away group. */
  deadLetterReaderPrefix: 'lienthong-dlq-reader-',
} as const;

/** The environment suffix of a principal's credential variables: `event-bridge` → `EVENT_BRIDGE`. */
export function principalVariableSuffix(principal: KafkaPrincipal): string {
  return principal.toUpperCase().replaceAll('-', '_');
}
