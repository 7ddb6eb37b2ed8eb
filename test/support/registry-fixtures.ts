import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { registryDatabase } from '../../contracts/agencies';
import type { AccessContext } from '../../contracts/data-access';
import type { Citizen } from '../../contracts/population';
import { demoRelations } from '../../contracts/demo-citizens';
import { demoCitizens } from '../../contracts/population-generator';
import { deadLetterTopic, populationChangesTopic, topicSpec, type TopicSpec } from '../../contracts/topics';
import { createOwnedDatabase } from '../../infra/postgres-roles';
import { createPool } from '../../platform/database';
import type { Endpoints } from '../../platform/endpoints';
import { ensureTopics } from '../../platform/kafka';
import type { Logger } from '../../platform/logger';
import { citizenKeyer } from '../../platform/pseudonym';
import { startRegistry } from '../../registry';
import { testKeyring } from './bus-keys';

/** The pseudonymous citizen key the tests' registries key population changes by (the api tests' secret). */
export const testCitizenKey = citizenKeyer(new TextEncoder().encode('integration-citizen-search-secret'));

/** `population.changes` cloned under a unique name, with its dead-letter topic, so runs never see each other's changes. */
export async function isolatedChangesTopic(kafka: Kafka): Promise<TopicSpec> {
  const spec = {
    ...topicSpec(populationChangesTopic),
    name: `test-${randomUUID().slice(0, 8)}.${populationChangesTopic}`,
  };
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [spec.name, deadLetterTopic(spec.name)], 1, 1);
  await admin.disconnect();
  return spec;
}

/** A registry on a fresh database and its own changes topic, seeded with the demo citizens and `citizens`. */
export async function isolatedRegistry(kafka: Kafka, endpoints: Endpoints, log: Logger, citizens: Citizen[] = []) {
  const topic = await isolatedChangesTopic(kafka);
  const name = `${registryDatabase}_test_${randomUUID().slice(0, 8)}`.replaceAll('-', '_');
  const pool = createPool(await createOwnedDatabase(endpoints, name), { max: 5 });
  const running = await startRegistry({
    pool,
    kafka,
    keyring: testKeyring('registry', topic),
    citizenKey: testCitizenKey,
    log,
    population: [...demoCitizens, ...citizens],
    relations: demoRelations,
    topic,
  });
  return {
    ...running,
    pool,
    topic,
    async stop() {
      await running.stop();
      await pool.end();
    },
  };
}

/** Who reads in a test that looks a citizen up in the registry: logged like any read. */
export const testAccess: AccessContext = { actor: 'test', organisation: 'test', purpose: 'case-decision' };
