import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { agencyDatabase, type AgencyId } from '../../contracts/agencies';
import { workingDaysCalendar } from '../../contracts/calendar';
import type { CloudEvent } from '../../contracts/cloudevents';
import { commandTopic, deadLetterTopic, eventTopic, topicSpec, type TopicSpec } from '../../contracts/topics';
import { startAgency, type AgencyOptions, type RunningAgency } from '../../agencies';
import { loadPopulation } from '../../agencies/reference';
import { demoCitizens } from '../../contracts/population-generator';
import { demoPeople } from '../../contracts/demo-citizens';
import type { Citizen } from '../../contracts/population';
import { createOwnedDatabase } from '../../infra/postgres-roles';
import { createPublisher, decodeEvent, openMessage, type EventPublisher } from '../../platform/bus';
import { testKeyring } from './bus-keys';
import { createPool, type Pool } from '../../platform/database';
import type { Endpoints } from '../../platform/endpoints';
import { consumerFetchMaxWaitMs, ensureTopics } from '../../platform/kafka';
import type { Logger } from '../../platform/logger';
import { isolatedRegistry } from './registry-fixtures';

/**
 * Citizens the rule tables need beyond the demo ones (valid ID numbers: province 001, century/sex
 * digit, birth year). None of them exist in the generated population.
 */
/** A boy born this year in Lan's household (the demo mother), whose birth the registry has recorded. */
const newbornAt = (personalId: string): Citizen => ({
  ...demoPeople.lan,
  personalId,
  fullName: 'Trần Minh Khang',
  sex: 'male',
  birthDate: '2026-11-01',
  householdHead: false,
  owner: false,
  contributionMonths: 0,
  pensioner: false,
});

export const ruleCitizens = {
  deceasedFather: {
    personalId: '001070222333',
    fullName: 'Đỗ Văn Tâm',
    sex: 'male',
    birthDate: '1970-05-05',
    provinceCode: '001',
    commune: 'Phường Ba Đình',
    street: '3 Phố Liễu Giai',
    householdId: 'HK-001-RULE001',
    householdHead: true,
    owner: true,
    contributionMonths: 200,
    pensioner: false,
    alive: false,
  },
  fewContributions: {
    personalId: '001062333444',
    fullName: 'Vũ Văn Hải',
    sex: 'male',
    birthDate: '1962-02-11',
    provinceCode: '001',
    commune: 'Phường Cầu Giấy',
    street: '9 Phố Duy Tân',
    householdId: 'HK-001-RULE002',
    householdHead: true,
    owner: true,
    contributionMonths: 3,
    pensioner: false,
    alive: true,
  },
  injuredAtWork: {
    personalId: '001063444555',
    fullName: 'Bùi Văn Lực',
    sex: 'male',
    birthDate: '1963-08-19',
    provinceCode: '001',
    commune: 'Phường Cầu Giấy',
    street: '11 Phố Duy Tân',
    householdId: 'HK-001-RULE003',
    householdHead: true,
    owner: true,
    contributionMonths: 3,
    pensioner: false,
    alive: true,
  },
  alreadyDead: {
    personalId: '001045555666',
    fullName: 'Hoàng Văn Cường',
    sex: 'male',
    birthDate: '1945-12-01',
    provinceCode: '001',
    commune: 'Phường Ba Đình',
    street: '5 Phố Kim Mã',
    householdId: 'HK-001-RULE004',
    householdHead: true,
    owner: true,
    contributionMonths: 360,
    pensioner: true,
    alive: false,
  },
  tenantMother: {
    personalId: '001192666777',
    fullName: 'Phan Thị Thu',
    sex: 'female',
    birthDate: '1992-06-30',
    provinceCode: '001',
    commune: 'Phường Ba Đình',
    street: '8 Phố Kim Mã',
    householdId: 'HK-001-RULE005',
    householdHead: false,
    owner: false,
    contributionMonths: 60,
    pensioner: false,
    alive: true,
  },
  pensioner: {
    personalId: '001048777888',
    fullName: 'Ngô Văn Quý',
    sex: 'male',
    birthDate: '1948-03-03',
    provinceCode: '001',
    commune: 'Phường Ba Đình',
    street: '20 Phố Kim Mã',
    householdId: 'HK-001-RULE006',
    householdHead: true,
    owner: true,
    contributionMonths: 0,
    pensioner: true,
    alive: true,
  },
  /** The newborn the rule tests' residence and card commands name, as the registry knows him once born. */
  newborn: newbornAt('001226999999'),
  /** The newborn the reliability tests' commands name. */
  anotherNewborn: newbornAt('001226999998'),
} satisfies Record<string, Citizen>;

/** A valid ID number that belongs to nobody in any test population. */
export const unknownIdNumber = '001191999888';

/** The agency's topic pair cloned under a unique name, with dead-letter topics. */
export async function isolatedTopics(
  kafka: Kafka,
  agency: AgencyId,
): Promise<{ commands: TopicSpec; events: TopicSpec }> {
  const run = randomUUID().slice(0, 8);
  const commands = { ...topicSpec(commandTopic(agency)), name: `test-${run}.${commandTopic(agency)}` };
  const events = { ...topicSpec(eventTopic(agency)), name: `test-${run}.${eventTopic(agency)}` };
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [commands.name, events.name, deadLetterTopic(commands.name)], 1, 1);
  await admin.disconnect();
  return { commands, events };
}

/** A fresh database for one agency, loaded with the demo and rule citizens. */
export async function isolatedDatabase(
  endpoints: Endpoints,
  agency: AgencyId,
  log: Logger,
  citizens: Citizen[] = [],
): Promise<Pool> {
  const name = `${agencyDatabase[agency]}_test_${randomUUID().slice(0, 8)}`.replaceAll('-', '_');
  const pool = createPool(await createOwnedDatabase(endpoints, name), { max: 5 });
  await loadPopulation(pool, [...demoCitizens, ...Object.values(ruleCitizens), ...citizens], log);
  return pool;
}

/** Reads every event of a topic from the start, decoded, for assertions. */
export async function collectEvents(kafka: Kafka, spec: TopicSpec) {
  // Read as the topic's consumer would, with its keys: signed by the agency, then decrypted.
  const keyring = testKeyring(spec.consumers[0]!, spec);
  const seen: CloudEvent[] = [];
  const consumer = kafka.consumer({ groupId: `collector-${randomUUID()}`, maxWaitTimeInMs: consumerFetchMaxWaitMs });
  await consumer.connect();
  await consumer.subscribe({ topic: spec.name, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const opened = openMessage(spec, message, keyring);
      const decoded = opened.ok && decodeEvent(spec, { ...message, value: opened.value });
      if (decoded && decoded.ok) seen.push(decoded.event);
    },
  });
  const of = (commandId: string) => seen.filter((e) => (e.data as { commandId?: string }).commandId === commandId);
  return {
    seen,
    of,
    /** Resolves with the command's events once one of the given type arrived. */
    async waitFor(commandId: string, type: string | RegExp, timeoutMs = 30_000): Promise<CloudEvent[]> {
      const deadline = Date.now() + timeoutMs;
      const matches = (e: CloudEvent) =>
        typeof type === 'string' ? e.attributes.type === type : type.test(e.attributes.type);
      while (Date.now() < deadline) {
        if (of(commandId).some(matches)) return of(commandId);
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(
        `no ${String(type)} for ${commandId} within ${timeoutMs} ms; saw ${
          of(commandId)
            .map((e) => e.attributes.type)
            .join(', ') || 'nothing'
        }`,
      );
    },
    stop: () => consumer.disconnect(),
  };
}

/** One agency on its own topics and database, plus a way to send it commands and read its answers. */
export async function isolatedAgency(
  kafka: Kafka,
  endpoints: Endpoints,
  agency: AgencyId,
  log: Logger,
  options: Partial<AgencyOptions> = {},
) {
  const topics = await isolatedTopics(kafka, agency);
  const pool = await isolatedDatabase(endpoints, agency, log);
  const registry = await isolatedRegistry(kafka, endpoints, log, Object.values(ruleCitizens));
  // Commands come from the orchestrator, signed with its key.
  const publisher: EventPublisher = await createPublisher(kafka, log, testKeyring('orchestrator', topics.commands));
  const events = await collectEvents(kafka, topics.events);
  const base = {
    agency,
    pool,
    kafka,
    keyring: testKeyring(agency, topics.commands, topics.events, registry.topic),
    log,
    policy: 'auto',
    processingDelayMs: 0,
    clock: { realEpochMs: 0, simulatedEpochMs: 0, factor: 1 },
    calendar: workingDaysCalendar(),
    pollIntervalMs: 50,
    topics,
    registry: registry.service,
    populationChanges: registry.topic,
    groupId: `agency-${topics.commands.name}`,
  } as const;
  const start = (overrides: Partial<AgencyOptions> = {}) => startAgency({ ...base, ...options, ...overrides });
  let running: RunningAgency | undefined = await start();
  return {
    pool,
    topics,
    events,
    registry,
    get agency(): RunningAgency {
      if (!running) throw new Error('the agency is stopped');
      return running;
    },
    /** Publishes a command the way the orchestrator does; returns its command id. */
    async send(
      type: string,
      data: Record<string, unknown>,
      dossierId = `HS-TEST-${randomUUID().slice(0, 8)}`,
      stepId = 'step',
      commandId = `${dossierId}/${stepId}/1`,
    ): Promise<string> {
      await publisher.publish(topics.commands, {
        id: commandId,
        type,
        subject: dossierId,
        source: 'lienthong/test',
        data: { ...data, dossierId, stepId, commandId, attempt: Number(commandId.split('/').at(-1)) || 1 },
      });
      return commandId;
    },
    /** Another process of the same agency on the same topics and database: its decider races this one's. */
    startAnother: (overrides: Partial<AgencyOptions> = {}) => start(overrides),
    async restart(overrides: Partial<AgencyOptions> = {}) {
      await running?.stop();
      running = undefined;
      running = await start(overrides);
    },
    async stopAgency() {
      await running?.stop();
      running = undefined;
    },
    async stop() {
      await running?.stop();
      await events.stop();
      await publisher.disconnect();
      await registry.stop();
      await pool.end();
    },
  };
}
