import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Partitioners, type Kafka } from 'kafkajs';
import { z } from 'zod';
import { loadPopulation } from '../agencies/reference';
import { followPopulationChanges } from '../agencies/runtime/population-changes';
import { agencyDatabase, agencyIds, registryDatabase, type AgencyId } from '../contracts/agencies';
import { cloudEventHeaders } from '../contracts/cloudevents';
import { demoPeople, demoRelations } from '../contracts/demo-citizens';
import { demoCitizens, generatePopulation } from '../contracts/population-generator';
import { populationChangesTopic, topicSpec } from '../contracts/topics';
import { loadBusKeyring, type BusKeySettings, type RunningConsumer } from '../platform/bus';
import { citizenKeyer } from '../platform/pseudonym';
import { createPool, type Pool } from '../platform/database';
import { databaseUrl, type Endpoints } from '../platform/endpoints';
import { kafkaFor } from '../platform/kafka';
import { createLogger, type Logger } from '../platform/logger';
import { startRegistry } from '../registry';
import { benchStack, printTable, type BenchRow } from './stack';

/**
 * How long a change at the population registry takes to reach every agency's read model: N births
 * registered at the registry (transaction + outbox), relayed onto `population.changes`, applied by
 * each agency's read-model consumer; then the deaths of the same N people, the change that must
 * reach every agency before it registers or pays anything more for them. Latency runs from the registry call to the change being
 * committed in a read model. The baseline is raw kafkajs publish→consume on the same topic.
 */
const Flags = z.strictObject({
  count: z.coerce
    .number({ error: '--count: must be a number' })
    .int('--count: must be whole')
    .min(100, '--count: at least 100')
    .max(200_000, '--count: at most 200000')
    .default(2_000),
  concurrency: z.coerce
    .number({ error: '--concurrency: must be a number' })
    .int('--concurrency: must be whole')
    .min(1, '--concurrency: at least 1')
    .max(500, '--concurrency: at most 500')
    .default(20),
});

/** Logs progress every 2 s until stopped. */
function progress(log: Logger, what: () => Record<string, number | string>) {
  const timer = setInterval(() => log.info(what(), 'progress'), 2_000);
  return () => clearInterval(timer);
}

async function propagation(
  endpoints: Endpoints,
  busKeys: BusKeySettings,
  kafka: Kafka,
  flags: z.infer<typeof Flags>,
  log: Logger,
) {
  const citizenKey = citizenKeyer(randomBytes(32));
  const population = [...generatePopulation(1_000, 1), ...demoCitizens];
  const registryPool = createPool(databaseUrl(endpoints, registryDatabase));
  const pools = Object.fromEntries(
    agencyIds.map((a) => [a, createPool(databaseUrl(endpoints, agencyDatabase[a]))]),
  ) as Record<AgencyId, Pool>;
  await Promise.all(agencyIds.map((a) => loadPopulation(pools[a], population, log)));
  const registry = await startRegistry({
    pool: registryPool,
    kafka,
    keyring: loadBusKeyring(busKeys, 'registry'),
    citizenKey,
    log,
    population,
    relations: demoRelations,
    pollIntervalMs: 10,
  });

  /** When each change was asked for, by `type|personal ID`; its lag runs until a read model has it. */
  const askedAt = new Map<string, number>();
  type Phase = { latencies: Record<AgencyId, number[]>; everywhere: number[]; done: () => void };
  let phase: Phase | undefined;
  const reached = new Map<string, number>();
  const followers: RunningConsumer[] = [];
  for (const agency of agencyIds)
    followers.push(
      await followPopulationChanges({
        agency,
        pool: pools[agency],
        kafka,
        keyring: loadBusKeyring(busKeys, agency),
        log: log.child({ level: 'warn' }),
        topic: topicSpec(populationChangesTopic),
        groupId: `bench-population-${agency}`,
        onApplied(event) {
          const key = `${event.attributes.type}|${event.attributes.subject}`;
          const started = askedAt.get(key);
          if (started === undefined || !phase) return;
          const now = Date.now();
          phase.latencies[agency].push(now - started);
          const times = (reached.get(key) ?? 0) + 1;
          reached.set(key, times);
          if (times === agencyIds.length) phase.everywhere.push(now - started);
          if (phase.everywhere.length === flags.count) phase.done();
        },
      }),
    );

  const { lan } = demoPeople;
  const run = randomUUID().slice(0, 8);
  const birth = (i: number | string) =>
    ({
      requestId: `bench-${run}-${i}`,
      birthKey: `GCS-BENCH-${run}-${i}`,
      child: { fullName: 'Trần Minh Khang', sex: 'male', birthDate: '2026-03-01' },
      registeredIn: '001',
      parentIdNumber: lan.personalId,
      birthPlace: { provinceCode: '001', commune: lan.commune, street: lan.street },
    }) as const;
  // One change through first and untimed: the read models' consumers have joined their groups after it.
  const warmUp = await registry.service.registerBirth(birth('warm-up'));
  if (!warmUp.ok) throw new Error(`registry refused the warm-up birth: ${warmUp.reasonCode}`);
  const inEveryReadModel = async (personalId: string) =>
    (
      await Promise.all(
        agencyIds.map(
          async (a) =>
            (await pools[a].query('select 1 from reference.citizens where personal_id = $1', [personalId])).rowCount,
        ),
      )
    ).every((n) => n === 1);
  while (!(await inEveryReadModel(warmUp.personalId))) await new Promise((r) => setTimeout(r, 50));
  log.info('read models caught up with the warm-up change; measuring');

  /** `count` changes, `concurrency` at a time, until each is in every read model. */
  const measure = async (name: string, type: string, change: (i: number) => Promise<string>): Promise<BenchRow[]> => {
    const latencies = Object.fromEntries(agencyIds.map((a) => [a, [] as number[]])) as Record<AgencyId, number[]>;
    const everywhere: number[] = [];
    const finished = new Promise<void>((done) => (phase = { latencies, everywhere, done }));
    let next = 0;
    const stopProgress = progress(log, () => ({
      phase: name,
      asked: next,
      inEveryReadModel: everywhere.length,
      of: flags.count,
    }));
    const started = Date.now();
    const worker = async () => {
      while (next < flags.count) {
        const i = (next += 1);
        const before = Date.now();
        // A change can only be applied after the answer commits; it is keyed by the person's citizen key.
        askedAt.set(`${type}|${citizenKey(await change(i))}`, before);
      }
    };
    await Promise.all(Array.from({ length: flags.concurrency }, worker));
    await finished;
    const seconds = (Date.now() - started) / 1000;
    stopProgress();
    const row = (label: string, values: number[]): BenchRow => ({
      name: label,
      count: values.length,
      seconds,
      latenciesMs: values,
    });
    return [
      ...agencyIds.map((a) => row(`${name}: registry → ${a}`, latencies[a])),
      row(`${name}: registry → every read model`, everywhere),
    ];
  };

  const born: string[] = [];
  const births = await measure('births', 'CitizenBorn.v1', async (i) => {
    const answer = await registry.service.registerBirth(birth(i));
    if (!answer.ok) throw new Error(`registry refused a birth: ${answer.reasonCode}`);
    born[i - 1] = answer.personalId;
    return answer.personalId;
  });
  // The same people die: the change an agency must see before it pays or registers anything more.
  const deaths = await measure('deaths', 'CitizenDied.v1', async (i) => {
    const personalId = born[i - 1]!;
    const answer = await registry.service.registerDeath({
      requestId: `bench-${run}-death-${i}`,
      personalId,
      diedOn: '2026-03-02',
    });
    if (!answer.ok) throw new Error(`registry refused a death: ${answer.reasonCode}`);
    return personalId;
  });
  await Promise.all(followers.map((f) => f.stop()));
  await registry.stop();
  await Promise.all([registryPool, ...Object.values(pools)].map((p) => p.end()));
  return [...births, ...deaths];
}

/** Raw kafkajs on `population.changes`: a bare producer and consumer, the floor any propagation sits on. */
async function rawBaseline(kafka: Kafka, count: number, log: Logger): Promise<BenchRow> {
  const run = randomUUID();
  const topic = populationChangesTopic;
  const latencies: number[] = [];
  let resolveDone: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const consumer = kafka.consumer({ groupId: `bench-raw-${run}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.headers?.[cloudEventHeaders.source]?.toString() !== run) return;
      latencies.push(Date.now() - Number(message.value?.toString()));
      if (latencies.length === count) resolveDone();
    },
  });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const stopProgress = progress(log, () => ({ rawConsumed: latencies.length, of: count }));
  const started = Date.now();
  for (let i = 0; i < count; i += 1)
    await producer.send({
      topic,
      acks: -1,
      messages: [{ key: `raw-${i}`, value: String(Date.now()), headers: { [cloudEventHeaders.source]: run } }],
    });
  await done;
  const seconds = (Date.now() - started) / 1000;
  stopProgress();
  await consumer.disconnect();
  await producer.disconnect();
  return { name: 'raw publish→consume', count, seconds, latenciesMs: latencies };
}

async function main(): Promise<number> {
  let flags;
  try {
    flags = Flags.parse(
      parseArgs({ options: { count: { type: 'string' }, concurrency: { type: 'string' } }, strict: true }).values,
    );
  } catch (err) {
    const message = err instanceof z.ZodError ? err.issues.map((i) => i.message).join('\n') : (err as Error).message;
    process.stderr.write(`${message}\nusage: npm run bench:population -- [--count 2000] [--concurrency 20]\n`);
    return 2;
  }
  const log = createLogger(
    { level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'info', format: 'json' },
    { process: 'bench-population' },
  );
  const stack = await benchStack(log);
  try {
    const kafka = kafkaFor(stack.endpoints.kafka, 'admin', { clientId: 'bench' }, log.child({ level: 'warn' }));
    const rows = await propagation(stack.endpoints, stack.busKeys, kafka, flags, log);
    // After the read models stopped, so they never see (and dead-letter) the baseline's messages.
    const raw = await rawBaseline(kafka, flags.count, log);
    printTable(
      `population changes: ${flags.count} births, then their deaths, at the registry, ${flags.concurrency} at a time, until in each agency's read model`,
      [raw, ...rows],
      raw.name,
    );
    return 0;
  } finally {
    await stack.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
