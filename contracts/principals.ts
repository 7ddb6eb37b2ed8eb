import { z } from 'zod';
import { agencyIds, type AgencyId } from './agencies';

/**
 * The services that talk to Kafka, each as its own principal: an agency is known to the others
 * only by what its principal may read and write (contracts/kafka-access.ts).
 */
export const kafkaServices = [
  'orchestrator',
  'event-bridge',
  'api',
  'registry',
  'operations',
  'notifications',
  ...agencyIds,
] as const;
export const KafkaService = z.enum(kafkaServices);
export type KafkaService = z.infer<typeof KafkaService>;

/** Every principal: the services, and the admin that alone creates topics, ACLs and users. */
export const kafkaPrincipals = [...kafkaServices, 'admin'] as const;
export type KafkaPrincipal = (typeof kafkaPrincipals)[number];

/**
 * The operator tools' own principal (run inside the api process): it records dead letters, opens
 * them for operators, redrives them, and signs the copies operators fix. It is no topic's producer:
 * a message it signs is accepted only as the fixed copy of a dead letter.
 */
export const operationsService = 'operations' satisfies KafkaService;

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
  /** Operations' recorder: every message of the dead-letter topics becomes a record in PostgreSQL. */
  deadLetterRecorder: 'lienthong-dlq-recorder',
  /** The notifications service: tells citizens by SMS and e-mail (tests add a suffix for a group of their own). */
  notifications: 'lienthong-notifications',
} as const;

/** The environment suffix of a principal's credential variables: `event-bridge` → `EVENT_BRIDGE`. */
export function principalVariableSuffix(principal: KafkaPrincipal): string {
  return principal.toUpperCase().replaceAll('-', '_');
}
