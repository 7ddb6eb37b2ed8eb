import type { z } from 'zod';
import { agencyIds, type AgencyId } from './agencies';
import { agencyMessages } from './agency-messages';
import { DossierStatusChanged } from './dossier-status';
import { populationChanges } from './population-changes';
import type { KafkaService } from './principals';

/** Commands for one agency, published by orchestrator activities; keyed by dossier id. */
export const commandTopic = (agency: AgencyId) => `agency.${agency}.commands` as const;
/** Results and acknowledgements from one agency, published by its outbox relay; keyed by dossier id. */
export const eventTopic = (agency: AgencyId) => `agency.${agency}.events` as const;
/** Citizen-facing dossier status changes; keyed by dossier id. */
export const notificationsTopic = 'dossier.notifications';
/** Every change to the national population, published by the registry's outbox; keyed by the pseudonymous citizen key. */
export const populationChangesTopic = 'population.changes';
/** Where a consumer puts what it cannot parse, validate or handle. */
export const deadLetterTopic = (topic: string) => `${topic}.dlq`;

/**
 * One Kafka topic and the messages it may carry: CloudEvents `type` (versioned, e.g.
 * `BirthRegistered.v1`) → zod schema of the event's data. Every message is keyed by its subject: the
 * dossier id, or the pseudonymous citizen key (never the ID number) on `population.changes`.
 */
export interface TopicSpec {
  name: string;
  description: string;
  /**
   * Who publishes and who consumes: the AsyncAPI document names them, and the Kafka ACLs let
   * exactly these services write and read the topic (contracts/kafka-access.ts).
   */
  producers: readonly KafkaService[];
  consumers: readonly KafkaService[];
  messages: Record<string, z.ZodType>;
}

/** Every topic with the messages it may carry. */
export const topicSpecs: TopicSpec[] = [
  ...agencyIds.flatMap((agency): TopicSpec[] => [
    {
      name: commandTopic(agency),
      description: `Commands for the ${agency} agency, one per step attempt (the command id is the CloudEvent id).`,
      producers: ['orchestrator'],
      consumers: [agency],
      messages: agencyMessages[agency].commands,
    },
    {
      name: eventTopic(agency),
      description: `Results, acknowledgements and information requests from the ${agency} agency, published through its outbox.`,
      producers: [agency],
      consumers: ['event-bridge'],
      messages: agencyMessages[agency].events,
    },
  ]),
  {
    name: notificationsTopic,
    description:
      'Every dossier status change, for citizens following their dossier (the api) and for the messages that tell them (notifications).',
    producers: ['orchestrator'],
    consumers: ['api', 'notifications'],
    messages: { 'DossierStatusChanged.v1': DossierStatusChanged },
  },
  {
    name: populationChangesTopic,
    description:
      'Every change the national population registry makes (births, deaths, permanent residences), keyed by the pseudonymous citizen key of the person; each agency keeps its read model of the population from it.',
    producers: ['registry'],
    consumers: [...agencyIds],
    messages: populationChanges,
  },
];

const byName = new Map(topicSpecs.map((spec) => [spec.name, spec]));

/** The spec of a topic by name; throws for a topic the contracts do not define. */
export function topicSpec(name: string): TopicSpec {
  const spec = byName.get(name);
  if (!spec) throw new Error(`unknown topic ${name}`);
  return spec;
}

/** Every topic the system uses (dead-letter topics included); created at start-up. */
export function allTopicNames(): string[] {
  const base = [
    ...agencyIds.flatMap((agency) => [commandTopic(agency), eventTopic(agency)]),
    notificationsTopic,
    populationChangesTopic,
  ];
  return [...base, ...base.map(deadLetterTopic)];
}
