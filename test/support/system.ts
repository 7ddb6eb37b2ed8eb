import { Client, Connection } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import { inject } from 'vitest';
import { agencyDatabase, agencyIds, registryDatabase, type AgencyId } from '../../contracts/agencies';
import { workingDaysCalendar } from '../../contracts/calendar';
import type { Catalogue } from '../../contracts/procedures';
import { loadPopulation } from '../../agencies/reference';
import { demoContacts, demoRelations } from '../../contracts/demo-citizens';
import { demoCitizens, generatePopulation } from '../../contracts/population-generator';
import { startAgency, type DecisionPolicy, type Faults, type RunningAgency } from '../../agencies';
import type { RunningConsumer } from '../../platform/bus';
import { createPool, type Pool } from '../../platform/database';
import { databaseUrl, type Endpoints } from '../../platform/endpoints';
import { kafkaFor } from '../../platform/kafka';
import type { Logger } from '../../platform/logger';
import type { Citizen } from '../../contracts/population';
import type { KafkaService } from '../../contracts/principals';
import { startRegistry } from '../../registry';
import { insertCitizens } from '../../registry/seed';
import { startEventBridge } from '../../services/event-bridge';
import { startOrchestrator, type RunningOrchestrator } from '../../services/orchestrator';
import { testDataConverter } from './workflow-env';
import { testKeyring } from './bus-keys';
import { testCitizenKey } from './registry-fixtures';
import { catalogue as productionCatalogue } from '../../contracts/procedures';
import { startNotifications, type RunningNotifications } from '../../notify/service';
import { createNotificationStore } from '../../notify/store';
import { outboxTransport } from '../../notify/transports';

/** The whole system in one test process, on the real servers of the global setup. */
export async function startSystem(
  endpoints: Endpoints,
  log: Logger,
  policies: Partial<Record<AgencyId, DecisionPolicy>> = {},
  /** The procedures it runs: a catalogue and the workflows of its procedures (production by default). */
  procedures: { catalogue?: Catalogue; workflowsPath?: string } = {},
  /** The notifications service (outbox transports) runs unless a test turns it off. */
  options: { notifications?: boolean } = {},
) {
  // The production workflows, bundled once by the global setup (a bundle costs seconds of CPU).
  const workflowBundle = { codePath: inject('workflowBundlePath') };
  // The services log in as their own principals, so every system test runs under the real ACLs;
  // `kafka` (the admin) is for the tests' own probes.
  const kafka: Kafka = kafkaFor(endpoints.kafka, 'admin', { clientId: 'e2e' }, log);
  const kafkaOf = (service: KafkaService) => kafkaFor(endpoints.kafka, service, { clientId: 'e2e' }, log);
  const codec = testDataConverter.payloadCodecs[0]!;
  const pools = Object.fromEntries(
    agencyIds.map((a) => [a, createPool(databaseUrl(endpoints, agencyDatabase[a]))]),
  ) as Record<AgencyId, Pool>;
  const population = [...generatePopulation(2_000, 7), ...demoCitizens];
  await Promise.all(agencyIds.map((a) => loadPopulation(pools[a], population, log)));
  // The registry starts from the same generated population as the agencies' read models.
  const registryPool = createPool(databaseUrl(endpoints, registryDatabase));
  const registry = await startRegistry({
    pool: registryPool,
    kafka: kafkaOf('registry'),
    keyring: testKeyring('registry'),
    citizenKey: testCitizenKey,
    log,
    population,
    relations: demoRelations,
    contacts: demoContacts,
  });
  const calendar = workingDaysCalendar();
  const clock = { realEpochMs: 0, simulatedEpochMs: 0, factor: 1 };
  const agencies = {} as Record<AgencyId, RunningAgency>;
  const startOne = async (agency: AgencyId, policy: DecisionPolicy, faults?: Faults, relay = true) => {
    agencies[agency] = await startAgency({
      agency,
      pool: pools[agency],
      kafka: kafkaOf(agency),
      keyring: testKeyring(agency),
      log,
      policy,
      processingDelayMs: 0,
      // As the services run it (AGENCY_RECEIPT_LINGER_MS): a receipt the rules' decision overtakes is never sent.
      receiptLingerMs: 1000,
      clock,
      calendar,
      pollIntervalMs: 50,
      registry: registry.service,
      faults,
      relay,
    });
  };
  for (const agency of agencyIds) await startOne(agency, policies[agency] ?? 'auto');
  const connection = await Connection.connect({ address: endpoints.temporal.address });
  const client = new Client({ connection, namespace: endpoints.temporal.namespace, dataConverter: testDataConverter });
  let orchestrator: RunningOrchestrator = await startOrchestrator({
    address: endpoints.temporal.address,
    namespace: endpoints.temporal.namespace,
    codec,
    kafka: kafkaOf('orchestrator'),
    keyring: testKeyring('orchestrator'),
    log,
    workflowsPath: procedures.workflowsPath,
    workflowBundle,
  });
  const bridge: RunningConsumer = await startEventBridge({
    kafka: kafkaOf('event-bridge'),
    keyring: testKeyring('event-bridge'),
    client,
    log,
    catalogue: procedures.catalogue,
  });
  // Every system test tells its citizens too: the delivery table dedupes whichever test's consumer takes a change.
  const platformPool = createPool(endpoints.postgres.url);
  const notificationStore = createNotificationStore(platformPool, codec);
  await notificationStore.migrate();
  const startNotifier = (groupId?: string) =>
    startNotifications({
      kafka: kafkaOf('notifications'),
      keyring: testKeyring('notifications'),
      store: notificationStore,
      registry: registry.service,
      transports: { email: outboxTransport(), sms: outboxTransport() },
      catalogue: procedures.catalogue ?? productionCatalogue,
      calendar,
      portalUrl: 'http://127.0.0.1:8080/',
      log,
      groupId,
      pollIntervalMs: 200,
    });
  let notifications: RunningNotifications | undefined =
    options.notifications === false ? undefined : await startNotifier();
  return {
    kafka,
    notificationStore,
    /** Stops the notifications service and starts it again (in its group, or another to re-read the topic). */
    async restartNotifications(groupId?: string) {
      await notifications?.stop();
      notifications = await startNotifier(groupId);
    },
    /** A service's own connection, under its principal's ACLs. */
    kafkaOf,
    client,
    pools,
    agencies,
    registry,
    registryPool,
    /** Seeds citizens a test needs into the registry and every agency's read model alike. */
    async addCitizens(citizens: Citizen[]) {
      await insertCitizens(registryPool, citizens);
      await Promise.all(agencyIds.map((a) => loadPopulation(pools[a], citizens, log)));
    },
    /** Restarts an agency; `relay: false` leaves its results in the outbox (a relay that is down). */
    async restartAgency(agency: AgencyId, policy: DecisionPolicy, faults?: Faults, options: { relay?: boolean } = {}) {
      await agencies[agency].stop();
      await startOne(agency, policy, faults, options.relay ?? true);
    },
    async restartOrchestrator() {
      await orchestrator.stop();
      orchestrator = await startOrchestrator({
        address: endpoints.temporal.address,
        namespace: endpoints.temporal.namespace,
        codec,
        kafka: kafkaOf('orchestrator'),
        keyring: testKeyring('orchestrator'),
        log,
        workflowsPath: procedures.workflowsPath,
        workflowBundle,
      });
    },
    async stopOrchestrator() {
      await orchestrator.stop();
    },
    async stop() {
      await notifications?.stop();
      await bridge.stop();
      await orchestrator.stop();
      await Promise.all(agencyIds.map((a) => agencies[a].stop()));
      await registry.stop();
      await registryPool.end();
      await connection.close();
      await Promise.all(Object.values(pools).map((p) => p.end()));
      await platformPool.end();
    },
  };
}
