import type { Kafka } from 'kafkajs';
import type { Citizen, Relations } from '../contracts/population';
import { populationChangesTopic, topicSpec, type TopicSpec } from '../contracts/topics';
import { createOutboxRelay, createPublisher, outboxRelayBatch, type BusKeyring } from '../platform/bus';
import type { Pool } from '../platform/database';
import { createIdleLoop, wakingAfter } from '../platform/idle-loop';
import { createLogLimiter } from '../platform/log-limiter';
import type { Logger } from '../platform/logger';
import type { CitizenKeyer } from '../platform/pseudonym';
import { createRegistryService } from './registry';
import { migrateRegistryDatabase } from './schema';
import { insertContacts, seedRegistry } from './seed';
import type { ContactDetails } from '../contracts/registry';

export interface RegistryOptions {
  pool: Pool;
  kafka: Kafka;
  /** The registry's bus keys: it signs and encrypts what it publishes on population.changes. */
  keyring: BusKeyring;
  /**
   * The pseudonymous citizen key: changes are keyed by it on the bus (one person's changes stay in
   * order) so no personal ID number travels in clear in a Kafka key or header.
   */
  citizenKey: CitizenKeyer;
  log: Logger;
  /** The population it starts from when its database is empty (the deterministic generated one). */
  population: Citizen[];
  /** The families among them (the demo people's). */
  relations: Relations;
  /** Contact details some of them gave, by ID number (the demo people's); none by default. */
  contacts?: Record<string, ContactDetails>;
  pollIntervalMs?: number;
  /** Where changes are published; `population.changes` by default (tests give each run its own). */
  topic?: TopicSpec;
}

/** The national population registry: migrates and seeds its database, serves its operations, relays its outbox. */
export async function startRegistry(options: RegistryOptions) {
  const log = options.log.child({ module: 'registry' });
  await migrateRegistryDatabase(options.pool);
  await seedRegistry(options.pool, options.population, options.relations, log);
  await insertContacts(options.pool, options.contacts ?? {}, options.citizenKey);
  const publisher = await createPublisher(options.kafka, options.log, options.keyring);
  const relay = createOutboxRelay({
    pool: options.pool,
    publisher,
    topic: options.topic ?? topicSpec(populationChangesTopic),
    source: 'lienthong/registry',
    subjectOf: options.citizenKey,
  });
  // While its database or Kafka is down: one warning per interval with a count, and a slower poll
  // (it logged an error with a stack every 50 ms: about 240 during a 17-second PostgreSQL outage).
  // A registration wakes the relay; otherwise it polls, more slowly the longer nothing comes.
  const outage = createLogLimiter(log);
  const pollMs = options.pollIntervalMs ?? 50;
  const relaying = createIdleLoop({
    batchSize: outboxRelayBatch,
    minMs: pollMs,
    maxMs: Math.max(pollMs, 1_000),
    failedMs: 1_000,
    pass: async () => {
      try {
        const published = await relay();
        outage.recovered('registry outbox relay waiting for a dependency');
        return published;
      } catch (err) {
        outage.warn('registry outbox relay waiting for a dependency', err);
        throw err;
      }
    },
  });
  log.info('registry running');
  return {
    service: wakingAfter(createRegistryService(options.pool), relaying.wake),
    /** Publishes what is waiting in the outbox now (tests use it to be deterministic). */
    relayOnce: relay,
    async stop() {
      await relaying.stop();
      await publisher.disconnect();
      log.info('registry stopped');
    },
  };
}

export type RunningRegistry = Awaited<ReturnType<typeof startRegistry>>;
export { buildRegistryServer, httpRegistry } from './http';
