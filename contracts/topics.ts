import type { z } from 'zod';
import { agencyIds, type AgencyId } from './agencies';

/** Commands for one agency, published by orchestrator activities; keyed by dossier id. */
export const commandTopic = (agency: AgencyId) => `agency.${agency}.commands` as const;
/** Results and acknowledgements from one agency, published by its outbox relay; keyed by dossier id. */
export const eventTopic = (agency: AgencyId) => `agency.${agency}.events` as const;
/** Citizen-facing dossier status changes; keyed by dossier id. */
export const notificationsTopic = 'dossier.notifications';
/** Where a consumer puts what it cannot parse, validate or handle. */
export const deadLetterTopic = (topic: string) => `${topic}.dlq`;

/**
 * One Kafka topic and the messages it may carry: CloudEvents `type` (versioned, e.g.
 * `BirthRegistered.v1`) → zod schema of the event's data. Every message is keyed by dossier id.
 */
export interface TopicSpec {
  name: string;
  description: string;
  /** Who publishes and who consumes, for the AsyncAPI document. */
  producer: string;
  consumer: string;
  messages: Record<string, z.ZodType>;
}

/** Every topic the system uses (dead-letter topics included); created at start-up. */
export function allTopicNames(): string[] {
  const base = [...agencyIds.flatMap((agency) => [commandTopic(agency), eventTopic(agency)]), notificationsTopic];
  return [...base, ...base.map(deadLetterTopic)];
}
