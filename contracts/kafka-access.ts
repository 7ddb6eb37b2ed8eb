import { agencyIds } from './agencies';
import { consumerGroups, kafkaServices, operationsService, type KafkaService } from './principals';
import { deadLetterTopic, topicSpecs, type TopicSpec } from './topics';

/** A consumer group a service may use: one name, or every name that starts with a prefix. */
export interface GroupGrant {
  name: string;
  pattern: 'literal' | 'prefixed';
  /** Read joins the group and commits its offsets; describe and delete are for operator tools. */
  operations: readonly ('read' | 'describe' | 'delete')[];
}

/** What one service's principal may do on Kafka; anything not listed is refused by the broker. */
export interface KafkaAccess {
  write: string[];
  read: string[];
  groups: GroupGrant[];
}

const literal = (name: string, operations: GroupGrant['operations'] = ['read']): GroupGrant => ({
  name,
  pattern: 'literal',
  operations,
});
const prefixed = (name: string, operations: GroupGrant['operations'] = ['read']): GroupGrant => ({
  name,
  pattern: 'prefixed',
  operations,
});

/** The consumer groups each service consumes with (the modules take their default group ids from consumerGroups). */
const groupsOf: Record<KafkaService, GroupGrant[]> = {
  orchestrator: [],
  'event-bridge': [literal(consumerGroups.eventBridge)],
  api: [prefixed(consumerGroups.apiStreamPrefix), literal(consumerGroups.dossierArchive)],
  registry: [],
  // Prefixed: a test re-reads the topic with a group of its own (`lienthong-notifications-…`), never another service's.
  notifications: [prefixed(consumerGroups.notifications)],
  operations: [
    literal(consumerGroups.deadLetterRecorder),
    prefixed(consumerGroups.deadLetterReaderPrefix, ['read', 'delete']),
    // The api's metrics show the bridge's lag through operations: the bridge group's committed offsets, nothing else of it.
    literal(consumerGroups.eventBridge, ['describe']),
  ],
  ...(Object.fromEntries(
    agencyIds.map((agency) => [
      agency,
      [literal(consumerGroups.agency(agency)), literal(consumerGroups.agencyPopulation(agency))],
    ]),
  ) as Record<(typeof agencyIds)[number], GroupGrant[]>),
};

/**
 * Each service's access, derived from the topic declarations: a producer writes its topic; a
 * consumer reads it and writes its dead-letter topic; the operations service reads every
 * dead-letter topic and writes back to the original topics (redrives, and fixed copies it signs).
 */
export function kafkaAccess(specs: readonly TopicSpec[] = topicSpecs): Record<KafkaService, KafkaAccess> {
  const access = Object.fromEntries(
    kafkaServices.map((service): [KafkaService, KafkaAccess] => [
      service,
      {
        write: specs.filter((spec) => spec.producers.includes(service)).map((spec) => spec.name),
        read: specs.filter((spec) => spec.consumers.includes(service)).map((spec) => spec.name),
        groups: groupsOf[service],
      },
    ]),
  ) as Record<KafkaService, KafkaAccess>;
  for (const spec of specs) {
    for (const consumer of spec.consumers) access[consumer].write.push(deadLetterTopic(spec.name));
    access[operationsService].read.push(deadLetterTopic(spec.name));
    access[operationsService].write.push(spec.name);
  }
  for (const entry of Object.values(access)) {
    entry.write = [...new Set(entry.write)].sort();
    entry.read = [...new Set(entry.read)].sort();
  }
  return access;
}

/** One ACL to create: ALLOW `operation` on a resource for the principal `User:<username>`. */
export interface AclGrant {
  username: string;
  resource: 'topic' | 'group';
  name: string;
  pattern: 'literal' | 'prefixed';
  operation: 'read' | 'write' | 'describe' | 'delete';
}

/** The ACLs that give each service (known to Kafka by its username) exactly its access. */
export function aclGrants(
  usernames: Record<KafkaService, string>,
  access: Record<KafkaService, KafkaAccess> = kafkaAccess(),
): AclGrant[] {
  return kafkaServices.flatMap((service) => {
    const username = usernames[service];
    const { write, read, groups } = access[service];
    return [
      ...write.map((name): AclGrant => ({ username, resource: 'topic', name, pattern: 'literal', operation: 'write' })),
      ...read.map((name): AclGrant => ({ username, resource: 'topic', name, pattern: 'literal', operation: 'read' })),
      ...groups.flatMap((group) =>
        group.operations.map((operation): AclGrant => ({
          username,
          resource: 'group',
          name: group.name,
          pattern: group.pattern,
          operation,
        })),
      ),
    ];
  });
}
