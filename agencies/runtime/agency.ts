import type { Kafka } from 'kafkajs';
import type { AgencyId } from '../../contracts/agencies';
import { simulatedNow, type ScaledClock, type WorkingDaysCalendar } from '../../contracts/calendar';
import { catalogue } from '../../contracts/procedures';
import type { PopulationRegistryClient } from '../../contracts/registry';
import { commandTopic, eventTopic, populationChangesTopic, topicSpec, type TopicSpec } from '../../contracts/topics';
import {
  createPublisher,
  isBusError,
  outboxRelayBatch,
  runConsumer,
  type BusKeyring,
  type RunningConsumer,
} from '../../platform/bus';
import { isDatabaseUnavailable, type Pool } from '../../platform/database';
import { createIdleLoop, wakingAfter } from '../../platform/idle-loop';
import { createLogLimiter } from '../../platform/log-limiter';
import type { Logger } from '../../platform/logger';
import { createPopulationReadModel } from '../reference';
import { createBackOffice } from './back-office';
import { createDecider, decideBatch } from './decider';
import { noFaults, type Faults } from './faults';
import type { AgencyModule } from './handlers';
import { createIntake, type DecisionPolicy } from './intake';
import { createRelay } from './outbox';
import { followPopulationChanges } from './population-changes';
import { migrateAgencyDatabase } from './schema';
import { consumerGroups } from '../../contracts/principals';

export interface AgencyOptions {
  agency: AgencyId;
  pool: Pool;
  kafka: Kafka;
  /** The agency's bus keys: it signs its events, reads its commands and the population changes. */
  keyring: BusKeyring;
  log: Logger;
  policy: DecisionPolicy;
  /** Simulated time the rules take on a case (auto and review policies). */
  processingDelayMs: number;
  clock: ScaledClock;
  calendar: WorkingDaysCalendar;
  /** Working days the agency has for a case of a command type (its due date); the catalogue's limit by default. */
  workingDaysFor?: (commandType: string) => number;
  /** The national population registry this agency asks to change the population. */
  registry: PopulationRegistryClient;
  /** Where the registry's changes arrive for the read model; `population.changes` by default. */
  populationChanges?: TopicSpec;
  faults?: Faults;
  groupId?: string;
  /** How soon an empty poll of the inbox and the outbox is repeated at first (default 100 ms)... */
  pollIntervalMs?: number;
  /** ...and at most, doubling while nothing comes (default 1 s); work taken in wakes the loops at once. */
  idlePollMs?: number;
  /**
   * The topics it consumes and publishes to; the agency's own topics by default. Tests give each
   * run its own pair so agencies of different tests never answer each other's commands.
   */
  topics?: { commands: TopicSpec; events: TopicSpec };
  /**
   * Whether this process runs the outbox relay (default true). Off, results wait in the outbox
   * until a process with a relay starts: how a crash between commit and publish looks from outside.
   */
  relay?: boolean;
  /**
   * How long a receipt (`CommandReceived`) waits in the outbox before it leaves; a decision taken
   * meanwhile withdraws it, so a case the rules decide at once costs its dossier one event, not two.
   * 0 (the default here) sends every receipt at once; the services' config sets 1 s.
   */
  receiptLingerMs?: number;
}

/**
 * A simulated ministry system: consumes its commands, decides through the agency module's handlers
 * (by rules or by its workers), publishes results through an outbox.
 */
export async function runAgency(module: AgencyModule, options: AgencyOptions) {
  const { agency, pool, log: root } = options;
  const log = root.child({ module: 'agency', agency });
  await migrateAgencyDatabase(pool);
  if (module.tables) await pool.query(module.tables);
  const publisher = await createPublisher(options.kafka, root, options.keyring);
  const now = () => simulatedNow(options.clock, Date.now());
  const events = options.topics?.events ?? topicSpec(eventTopic(agency));
  const commands = options.topics?.commands ?? topicSpec(commandTopic(agency));

  const decider = createDecider({
    agency,
    module,
    pool,
    events,
    calendar: options.calendar,
    registry: options.registry,
    now,
    withdrawUnsentReceipts: (options.receiptLingerMs ?? 0) > 0,
  });
  const relay = createRelay({ agency, pool, publisher, events, receiptLingerMs: options.receiptLingerMs });
  const intake = createIntake({
    agency,
    pool,
    log,
    events,
    faults: options.faults ?? noFaults,
    policy: options.policy,
    handles: (commandType) => Object.hasOwn(module.handlers, commandType),
    workingDaysFor: options.workingDaysFor ?? ((type) => catalogue.serviceForCommand(type)?.workingDays ?? 2),
    calendar: options.calendar,
    now,
    decideAt: () => new Date(Date.now() + options.processingDelayMs / options.clock.factor),
  });

  // An outage of the database or the broker is a summary line per interval, not a stack trace per poll.
  const outages = createLogLimiter(log);
  const pollMs = options.pollIntervalMs ?? 100;
  const loop = (name: string, batchSize: number, work: () => Promise<number>, then?: () => void) => {
    let failing = false;
    return createIdleLoop({
      batchSize,
      minMs: pollMs,
      maxMs: Math.max(pollMs, options.idlePollMs ?? 1_000),
      failedMs: pollMs,
      pass: async () => {
        try {
          const done = await work();
          if (failing) outages.recovered(`${name} waiting for a dependency`);
          failing = false;
          if (done > 0) then?.();
          return done;
        } catch (err) {
          if (isDatabaseUnavailable(err) || isBusError(err)) {
            failing = true;
            outages.warn(`${name} waiting for a dependency`, err, { loop: name });
          } else log.error({ err, loop: name }, 'agency loop failed; will retry');
          throw err;
        }
      },
    });
  };
  // A command taken in wakes the decider; a decision wakes the relay (the slow poll is the fallback).
  const relaying = options.relay === false ? undefined : loop('outbox-relay', outboxRelayBatch, relay);
  const deciding = loop('decider', decideBatch, decider.decideDue, () => relaying?.wake());
  const wakeAll = () => {
    deciding.wake();
    relaying?.wake();
  };
  // A receipt taken in lingers in the outbox (receiptLingerMs): a relay woken at once finds nothing
  // it may send (an empty pass cost three round trips, about a third of all the relay's passes in
  // `npm run bench`). It is woken when the receipt may leave, one timer for all receipts of a
  // moment; the decision that withdraws the receipt wakes it sooner, and the slow poll covers the rest.
  const linger = options.receiptLingerMs ?? 0;
  let lingering: NodeJS.Timeout | undefined;
  const relayReceipt = () => {
    if (!relaying) return;
    if (linger <= 0) return relaying.wake();
    lingering ??= setTimeout(() => {
      lingering = undefined;
      relaying.wake();
    }, linger).unref();
  };
  const loops = [deciding, ...(relaying ? [relaying] : [])];

  const groupId = options.groupId ?? consumerGroups.agency(agency);
  // Its own group: every agency database keeps its own read model, so each reads every change.
  const readModel: RunningConsumer = await followPopulationChanges({
    agency,
    pool,
    kafka: options.kafka,
    keyring: options.keyring,
    log: root,
    topic: options.populationChanges ?? topicSpec(populationChangesTopic),
    groupId: options.groupId ? `${options.groupId}-population` : consumerGroups.agencyPopulation(agency),
  });
  const consumer: RunningConsumer = await runConsumer({
    kafka: options.kafka,
    groupId,
    topics: [commands],
    keyring: options.keyring,
    handler: async (event) => {
      await intake(event);
      deciding.wake();
      relayReceipt();
    },
    log: root,
  });
  log.info({ policy: options.policy }, 'agency running');

  return {
    agency,
    /** The read model as probes see it (tests, benchmarks): not a read of anyone's record, so not logged. */
    population: createPopulationReadModel(pool),
    backOffice: wakingAfter(createBackOffice({ agency, pool, decider }), wakeAll),
    /** Publishes what is waiting in the outbox now (tests use it to be deterministic). */
    relayOnce: relay,
    async stop() {
      clearTimeout(lingering);
      await Promise.all(loops.map((l) => l.stop()));
      await Promise.all([consumer.stop(), readModel.stop()]);
      await publisher.disconnect();
      log.info('agency stopped');
    },
  };
}

export type RunningAgency = Awaited<ReturnType<typeof runAgency>>;
