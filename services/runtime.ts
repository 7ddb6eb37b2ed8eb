import { checkDatesOn } from '../contracts/dossiers';
import { Client } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import { agencyDatabase, agencyIds, registryDatabase, type AgencyId } from '../contracts/agencies';
import { workingDaysCalendar } from '../contracts/calendar';
import { loadPopulation } from '../agencies/reference';
import { demoContacts, demoRelations } from '../contracts/demo-citizens';
import { demoCitizens, generatePopulation } from '../contracts/population-generator';
import type { PopulationRegistryClient } from '../contracts/registry';
import { buildBackOfficeServer, httpBackOffice } from '../agencies/runtime/back-office-http';
import { startAgency, type RunningAgency } from '../agencies';
import { busKeySettings, loadBusKeyring, type BusKeyring, type RunningConsumer } from '../platform/bus';
import { payloadCodecFor } from '../platform/codec';
import type { Config } from '../platform/config';
import { createPool, type Pool } from '../platform/database';
import { databaseUrl, type Endpoints } from '../platform/endpoints';
import { kafkaFor } from '../platform/kafka';
import { provisionKafka } from '../platform/kafka-admin';
import type { Logger } from '../platform/logger';
import { citizenKeyerFor } from '../platform/pseudonym';
import type { KafkaService } from '../contracts/principals';
import { connectTemporal, type TemporalCaller } from '../platform/temporal';
import { buildRegistryServer, httpRegistry, startRegistry } from '../registry';
import { startApi, type RunningApi } from './api';
import { startEventBridge } from './event-bridge';
import { startNotificationService } from './notifications';
import { catalogue } from '../contracts/procedures';
import { startOrchestrator, type RunningOrchestrator } from './orchestrator';

export interface ServiceSelection {
  orchestrator?: boolean;
  bridge?: boolean;
  agencies?: AgencyId[];
  /** The portal api: back offices of agencies in this process directly, the others over HTTP. */
  api?: boolean;
  /** Serve each started agency's back office over HTTP (an agency in its own process). */
  backOfficeHttp?: boolean;
  /**
   * The national population registry in this process (agencies and api here call it directly);
   * without it, they reach the registry process at REGISTRY_URL.
   */
  registry?: boolean;
  /** Serve the registry's operations over HTTP (the registry in its own process). */
  registryHttp?: boolean;
  /** The notifications service: tells citizens by SMS and e-mail (the registry in this process, or at REGISTRY_URL). */
  notifications?: boolean;
}

/** How long one service may take to stop before the rest go on without it. */
const partStopMs = 3_000;

/**
 * The scaled clock everything shares: simulated time = real time at the epoch, running `factor` times
 * faster from there. The epoch is CLOCK_EPOCH when set (the same for every process, so one restarted
 * agency, api or worker keeps the others' simulated time), else this process's start.
 */
export function sharedClock(config: Pick<Config, 'clockFactor' | 'clockEpoch'>, nowMs = Date.now()) {
  const epoch = config.clockEpoch?.getTime() ?? nowMs;
  return { realEpochMs: epoch, simulatedEpochMs: epoch, factor: config.clockFactor };
}

/** Loads the simulated population into an agency database once (skipped when it is already there). */
async function ensurePopulation(pool: Pool, size: number, log: Logger): Promise<void> {
  const exists = await pool.query(
    "select count(*)::int as n from information_schema.tables where table_schema = 'reference' and table_name = 'citizens'",
  );
  if ((exists.rows[0] as { n: number }).n === 1) {
    const { rows } = await pool.query('select count(*)::int as n from reference.citizens');
    if ((rows[0] as { n: number }).n >= size + demoCitizens.length) return;
  }
  const started = Date.now();
  const citizens = [...generatePopulation(size, 1), ...demoCitizens];
  await loadPopulation(pool, citizens, log);
  log.info({ citizens: citizens.length, seconds: (Date.now() - started) / 1000 }, 'population loaded');
}

/** The national population registry on its own database, seeded like the agencies' read models. */
async function startPopulationRegistry(
  endpoints: Endpoints,
  config: Config,
  kafka: Kafka,
  keyring: BusKeyring,
  log: Logger,
) {
  const pool = createPool(databaseUrl(endpoints, registryDatabase), { applicationName: 'lienthong-registry' });
  const running = await startRegistry({
    pool,
    kafka,
    keyring,
    citizenKey: citizenKeyerFor(config),
    log,
    population: [...generatePopulation(config.agencies.populationSize, 1), ...demoCitizens],
    relations: demoRelations,
    contacts: demoContacts,
  });
  return {
    service: running.service,
    async stop() {
      await running.stop();
      await pool.end();
    },
  };
}

/**
 * Starts the chosen services against the given endpoints and returns one stop() for all. Used by
 * every composition root in workers/, including the all-in-one `npm start`.
 */
export async function startServices(config: Config, endpoints: Endpoints, log: Logger, selection: ServiceSelection) {
  // Each service logs in as its own principal: the broker's ACLs, not this process, decide what it may touch.
  const kafkaLevel = config.log.level === 'debug' ? 'info' : 'warn';
  const kafka = (service: KafkaService) => kafkaFor(endpoints.kafka, service, config.kafka, log, kafkaLevel);
  // And signs and encrypts as itself, holding the keys of its own topics only.
  const busKeys = busKeySettings(config);
  const keyring = (service: KafkaService) => loadBusKeyring(busKeys, service);
  if (!endpoints.kafka.sasl || endpoints.kafka.sasl.credentials.admin) {
    await provisionKafka(endpoints.kafka, config.kafka, log);
  } else {
    log.info('no Kafka admin credentials: topics and ACLs are left to the cluster administrator');
  }
  const codec = payloadCodecFor(config);
  const stops: (() => Promise<void>)[] = [];
  const agencies: Partial<Record<AgencyId, RunningAgency>> = {};
  const clock = sharedClock(config);
  // On a scaled clock, "not in the future" means the simulated today every service decides on.
  if (config.clockFactor > 1) checkDatesOn(clock);
  const calendar = workingDaysCalendar();
  let api: RunningApi | undefined;
  try {
    // The registry's one store is its database; its request ids and unique keys keep it correct
    // however many processes serve it. Callers elsewhere reach it over HTTP.
    let registry: PopulationRegistryClient | undefined;
    const registryClient = () => (registry ??= httpRegistry(config.registry.url, config.registry.token));
    if (selection.registry) {
      const running = await startPopulationRegistry(endpoints, config, kafka('registry'), keyring('registry'), log);
      stops.push(running.stop);
      registry = running.service;
      if (selection.registryHttp) {
        const server = await buildRegistryServer(running.service, { log, token: config.registry.token });
        stops.push(() => server.close());
        log.info(
          { url: await server.listen({ host: config.registry.host, port: config.registry.port }) },
          'population registry listening',
        );
      }
    }
    // Agencies stop together (each waits out its consumer's fetch), then their pools.
    const agencyPools: Pool[] = [];
    stops.push(async () => {
      await Promise.all(Object.values(agencies).map((running) => running.stop()));
      await Promise.all(agencyPools.map((pool) => pool.end()));
    });
    for (const agency of selection.agencies ?? []) {
      const pool = createPool(databaseUrl(endpoints, agencyDatabase[agency]), {
        applicationName: `lienthong-${agency}`,
        onIdleError: (err) => log.warn({ error: err.message, agency }, 'idle database connection lost'),
      });
      agencyPools.push(pool);
      await ensurePopulation(pool, config.agencies.populationSize, log.child({ agency }));
      agencies[agency] = await startAgency({
        agency,
        pool,
        kafka: kafka(agency),
        keyring: keyring(agency),
        log,
        policy: config.agencies.policy[agency],
        processingDelayMs: config.agencies.processingDelayMs,
        receiptLingerMs: config.agencies.receiptLingerMs,
        clock,
        calendar,
        registry: registryClient(),
        faults: {
          latencyMs: config.agencies.latencyMs,
          failureRate: config.agencies.failureRate,
          outages: config.agencies.outages.filter((o) => o.agency === agency),
        },
      });
      if (selection.backOfficeHttp) {
        const server = await buildBackOfficeServer(agencies[agency].backOffice, {
          log,
          token: config.backOffice.token,
        });
        stops.push(() => server.close());
        log.info(
          { agency, url: await server.listen({ host: config.backOffice.host, port: config.backOffice.ports[agency] }) },
          'back office listening',
        );
      }
    }
    if (selection.notifications) {
      const notifications = await startNotificationService({
        config,
        databaseUrl: endpoints.postgres.url,
        kafka: kafka('notifications'),
        keyring: keyring('notifications'),
        codec,
        registry: registryClient(),
        catalogue,
        calendar,
        log,
      });
      stops.push(() => notifications.stop());
    }
    if (selection.orchestrator) {
      const orchestrator: RunningOrchestrator = await startOrchestrator({
        address: endpoints.temporal.address,
        namespace: endpoints.temporal.namespace,
        temporal: config.temporal,
        codec,
        kafka: kafka('orchestrator'),
        keyring: keyring('orchestrator'),
        log,
        maxCachedWorkflows: config.orchestrator.maxCachedWorkflows,
        workflowHeapMb: config.orchestrator.workflowHeapMb,
      });
      stops.push(() => orchestrator.stop());
    }
    if (selection.bridge || selection.api) {
      // The api's own connection gives up sooner than the bridge's (see TemporalCaller).
      const temporalClient = async (caller: TemporalCaller) => {
        const connection = await connectTemporal(endpoints.temporal.address, config.temporal, caller);
        stops.push(() => connection.close());
        return new Client({
          connection,
          namespace: endpoints.temporal.namespace,
          dataConverter: { payloadCodecs: [codec] },
        });
      };
      if (selection.bridge) {
        const client = await temporalClient('background');
        const bridge: RunningConsumer = await startEventBridge({
          kafka: kafka('event-bridge'),
          keyring: keyring('event-bridge'),
          client,
          log,
        });
        stops.push(() => bridge.stop());
      }
      if (selection.api) {
        const client = await temporalClient('interactive');
        const backOffices = Object.fromEntries(
          agencyIds.map((agency) => [
            agency,
            agencies[agency]?.backOffice ?? httpBackOffice(config.backOffice.urls[agency], config.backOffice.token),
          ]),
        );
        api = await startApi({
          config,
          endpoints,
          log,
          client,
          kafka: kafka('api'),
          keyring: keyring('api'),
          operations: { kafka: kafka('operations'), keyring: keyring('operations') },
          codec,
          backOffices,
          registry: registryClient(),
          clock,
        });
        stops.push(() => api!.stop());
      }
    }
  } catch (err) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw err;
  }
  return {
    agencies,
    api,
    /** Stops in reverse order of start (bridge and orchestrator before agencies and pools), past any that fails. */
    async stop() {
      const failures: unknown[] = [];
      // Each part gets a bounded time: with Kafka or PostgreSQL down a client's own retries would
      // hold the whole stop for minutes.
      const bounded = (stop: () => Promise<void>) =>
        Promise.race([
          stop(),
          new Promise<never>((_, reject) =>
            setTimeout(
              () => reject(new Error(`a service did not stop within ${partStopMs / 1000} s`)),
              partStopMs,
            ).unref(),
          ),
        ]);
      for (const stop of stops.reverse()) await bounded(stop).catch((err: unknown) => failures.push(err));
      if (failures.length > 0)
        log.warn({ failures: failures.map((f) => (f as Error).message) }, 'some services did not stop cleanly');
    },
  };
}
