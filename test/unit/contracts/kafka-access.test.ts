import { describe, expect, it } from 'vitest';
import { agencyIds } from '../../../contracts/agencies';
import { aclGrants, kafkaAccess } from '../../../contracts/kafka-access';
import { kafkaServices, operationsService, type KafkaService } from '../../../contracts/principals';
import {
  allTopicNames,
  commandTopic,
  deadLetterTopic,
  eventTopic,
  notificationsTopic,
  populationChangesTopic,
} from '../../../contracts/topics';

const access = kafkaAccess();
const writers = (topic: string) => kafkaServices.filter((service) => access[service].write.includes(topic));
const readers = (topic: string) => kafkaServices.filter((service) => access[service].read.includes(topic));

describe('Kafka access derived from the topic contracts', () => {
  it.each(agencyIds)('lets %s read only its commands and the population, and write only its events', (agency) => {
    expect(access[agency].read).toEqual([commandTopic(agency), populationChangesTopic].sort());
    // Its dead-letter topics are where its consumers put what they cannot handle.
    expect(access[agency].write).toEqual(
      [eventTopic(agency), deadLetterTopic(commandTopic(agency)), deadLetterTopic(populationChangesTopic)].sort(),
    );
  });

  it.each(agencyIds)("lets no other service publish %s's results (operations only redrives them)", (agency) => {
    expect(writers(eventTopic(agency)).sort()).toEqual([operationsService, agency].sort());
    expect(readers(eventTopic(agency))).toEqual(['event-bridge']);
  });

  it('lets the orchestrator write commands and notifications and read nothing', () => {
    expect(access.orchestrator.write).toEqual([...agencyIds.map(commandTopic), notificationsTopic].sort());
    expect(access.orchestrator.read).toEqual([]);
    expect(access.orchestrator.groups).toEqual([]);
  });

  it('lets the bridge read every agency event topic and dead-letter there, in its own group only', () => {
    expect(access['event-bridge'].read).toEqual(agencyIds.map(eventTopic).sort());
    expect(access['event-bridge'].write).toEqual(agencyIds.map((a) => deadLetterTopic(eventTopic(a))).sort());
    expect(access['event-bridge'].groups).toEqual([
      { name: 'lienthong-event-bridge', pattern: 'literal', operations: ['read'] },
    ]);
  });

  it('lets the registry write population.changes and nothing else', () => {
    expect(access.registry).toEqual({ write: [populationChangesTopic], read: [], groups: [] });
  });

  it('lets operations read every dead-letter topic and redrive to the original topics', () => {
    const originals = allTopicNames().filter((topic) => !topic.endsWith('.dlq'));
    expect(access.operations.read).toEqual(originals.map(deadLetterTopic).sort());
    expect(access.operations.write).toEqual(originals.sort());
    expect(access.operations.groups.map((g) => g.name)).toEqual([
      'lienthong-dlq-recorder',
      'lienthong-dlq-reader-',
      'lienthong-event-bridge',
    ]);
    // The api itself reads its notifications and dead-letters what it cannot handle there, nothing more.
    expect(access.api.read).toEqual([notificationsTopic]);
    expect(access.api.write).toEqual([deadLetterTopic(notificationsTopic)]);
  });

  it('names only topics the system creates, and gives every topic a writer and a reader', () => {
    const topics = new Set(allTopicNames());
    for (const service of kafkaServices) {
      for (const topic of [...access[service].write, ...access[service].read]) expect(topics).toContain(topic);
    }
    for (const topic of topics) {
      expect(writers(topic).length, topic).toBeGreaterThan(0);
      expect(readers(topic).length, topic).toBeGreaterThan(0);
    }
  });

  it('gives no two services the same consumer group', () => {
    const names = kafkaServices.flatMap((service) =>
      access[service].groups.filter((g) => g.operations.includes('read')).map((g) => g.name),
    );
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('aclGrants', () => {
  const usernames = Object.fromEntries(kafkaServices.map((s) => [s, `lt-${s}`])) as Record<KafkaService, string>;
  const grants = aclGrants(usernames);

  it("grants each service's access to its username, one ACL per operation", () => {
    const residence = grants.filter((g) => g.username === 'lt-residence');
    expect(residence).toContainEqual({
      username: 'lt-residence',
      resource: 'topic',
      name: eventTopic('residence'),
      pattern: 'literal',
      operation: 'write',
    });
    expect(residence.filter((g) => g.resource === 'topic' && g.operation === 'write')).toHaveLength(
      access.residence.write.length,
    );
    expect(residence.some((g) => g.name === eventTopic('civil-status'))).toBe(false);
  });

  it('grants nothing to a name that is not a service username and never a wildcard', () => {
    expect(new Set(grants.map((g) => g.username))).toEqual(new Set(Object.values(usernames)));
    expect(grants.every((g) => g.name !== '*' && g.name.length > 0)).toBe(true);
  });

  it('grants the dead-letter reader groups by prefix, with delete to clean them up', () => {
    expect(grants.filter((g) => g.pattern === 'prefixed' && g.operation === 'delete')).toEqual([
      {
        username: 'lt-operations',
        resource: 'group',
        name: 'lienthong-dlq-reader-',
        pattern: 'prefixed',
        operation: 'delete',
      },
    ]);
  });
});
