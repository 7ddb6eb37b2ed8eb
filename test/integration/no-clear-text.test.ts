import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { IHeaders, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoContacts } from '../../contracts/demo-citizens';
import { orchestratorTaskQueue } from '../../contracts/dossier-workflow';
import type { DossierStatusView } from '../../contracts/dossier-status';
import type { Citizen } from '../../contracts/population';
import { catalogue, type DossierInput } from '../../contracts/procedures';
import { allTopicNames, commandTopic, eventTopic } from '../../contracts/topics';
import { kafkaFor } from '../../platform/kafka';
import { createLogger } from '../../platform/logger';
import { citizenKeyer } from '../../platform/pseudonym';
import { birthInput, deathInput } from '../fixtures/dossiers';
import { startSystem } from '../support/system';
import { listDeadLetters } from '../../ops/dead-letters/topic';

/**
 * After a full run of both bundles, no citizen's name, ID number or address is in clear anywhere
 * the system leaves data outside its databases: on any topic (dead letters included), in Kafka's
 * segment files on disk, in Temporal histories and visibility, or in the logs.
 */
const endpoints = inject('endpoints');
const dataDir = inject('dataDir');
const logLines: string[] = [];
const log = createLogger({
  level: 'debug',
  format: 'json',
  destination: { write: (line: string) => void logLines.push(line) },
});
const citizenKey = citizenKeyer(new TextEncoder().encode('integration-citizen-search-secret'));
let system: Awaited<ReturnType<typeof startSystem>>;

/** This test's own deceased, so the shared population's demo deaths do not get in the way. */
const deceased: Citizen = {
  personalId: '001053456789',
  fullName: 'Hoàng Văn Khải',
  sex: 'male',
  birthDate: '1953-03-09',
  provinceCode: '001',
  commune: 'Phường Ba Đình',
  street: '19 Phố Quán Thánh',
  householdId: 'HK-001-PII0001',
  householdHead: true,
  owner: true,
  contributionMonths: 300,
  pensioner: true,
  alive: true,
};

beforeAll(async () => {
  system = await startSystem(endpoints, log);
  await system.addCitizens([deceased]);
});
afterAll(async () => {
  await system?.stop();
});

async function run(input: DossierInput): Promise<{ dossierId: string; view: DossierStatusView }> {
  const dossierId = `HS-20261130-${randomBytes(5).toString('hex').toUpperCase()}`;
  const handle = await system.client.workflow.start(catalogue.procedureOf(input).workflowType, {
    taskQueue: orchestratorTaskQueue,
    workflowId: dossierId,
    args: [{ dossierId, input, citizenKey: citizenKey(input.applicant.personalIdNumber) }],
  });
  return { dossierId, view: await handle.result() };
}

interface RawMessage {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

/** Every message of a topic from its start to its current end, as bytes. */
async function readTopic(kafka: Kafka, topic: string): Promise<RawMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const pending = new Map(
    offsets.filter((o) => Number(o.high) > Number(o.low)).map((o) => [o.partition, Number(o.high)]),
  );
  const messages: RawMessage[] = [];
  if (pending.size === 0) return messages;
  const consumer = kafka.consumer({ groupId: `no-clear-text-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            messages.push({ topic, key: message.key, value: message.value, headers: message.headers ?? {} });
            if (Number(message.offset) + 1 >= (pending.get(partition) ?? 0)) pending.delete(partition);
            if (pending.size === 0) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

const messageText = (m: RawMessage) =>
  [
    m.key?.toString('utf8') ?? '',
    m.value?.toString('utf8') ?? '',
    ...Object.entries(m.headers).map(([name, value]) => `${name}=${String(value)}`),
  ].join('\n');

/** Every file under a folder (Kafka's log.dirs: segments, indexes, checkpoints). */
function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Temporal's raw bytes as text: every byte field read as UTF-8. */
const rawText = (value: unknown): string => {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (Array.isArray(value)) return value.map(rawText).join('\n');
  if (value && typeof value === 'object')
    return Object.entries(value)
      .map(([k, v]) => `${k}=${rawText(v)}`)
      .join('\n');
  return String(value);
};

describe('no personal data in clear outside the databases', () => {
  it('after a birth and a death bundle: not on any topic or dead letter, in segment files, Temporal, or logs', async () => {
    const birth = birthInput(9);
    const deathBase = deathInput(4, 2);
    const death: DossierInput = {
      ...deathBase,
      deceased: {
        ...deathBase.deceased,
        personalIdNumber: deceased.personalId,
        fullName: deceased.fullName,
        birthDate: deceased.birthDate,
      },
    };
    const born = await run(birth);
    const died = await run(death);
    expect(born.view.status).toBe('result-returned');
    expect(died.view.status).toBe('result-returned');
    const childId = String(born.view.steps[0]?.result?.childPersonalIdNumber);
    expect(childId).toMatch(/^\d{12}$/);

    const secrets = [
      birth.applicant.fullName,
      birth.applicant.personalIdNumber,
      birth.child.fullName,
      birth.child.birthPlace.street,
      birth.father!.fullName,
      birth.father!.personalIdNumber,
      birth.residence.address.street,
      childId,
      death.applicant.fullName,
      death.applicant.personalIdNumber,
      death.deceased.fullName,
      death.deceased.personalIdNumber,
      death.deceased.placeOfDeath.street,
      ...death.survivors.flatMap((s) => [s.fullName, s.personalIdNumber]),
      deceased.street,
      // The notifications service reads the demo people's contact details: never in clear outside the databases either.
      ...Object.values(demoContacts).flatMap((contact) => [contact.phone, contact.email].filter((c) => c !== null)),
    ];
    const leaks = (text: string) => secrets.filter((secret) => text.includes(secret));

    // A dead letter that carries personal data: the birth's real command, copied by operations (which may
    // write event topics, to redrive) onto the civil-status events topic, where it is not the agency's.
    const admin = system.kafka;
    const command = (await readTopic(admin, commandTopic('civil-status'))).find(
      (m) => m.headers.ce_id?.toString() === `${born.dossierId}/register-birth/1`,
    );
    expect(command).toBeDefined();
    const api = kafkaFor(endpoints.kafka, 'operations', { clientId: 'no-clear-text' }, log);
    const producer = api.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic: eventTopic('civil-status'),
      acks: -1,
      messages: [{ key: command!.key, value: command!.value, headers: command!.headers }],
    });
    await producer.disconnect();
    await expect
      .poll(
        async () =>
          (await listDeadLetters(admin, eventTopic('civil-status'))).find(
            (l) => l.id === `${born.dossierId}/register-birth/1`,
          )?.reason,
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe('bad-signature');

    // Every topic, dead letters included, byte for byte.
    let ours = 0;
    for (const topic of allTopicNames()) {
      for (const message of await readTopic(admin, topic)) {
        const text = messageText(message);
        if (text.includes(born.dossierId) || text.includes(died.dossierId)) ours += 1;
        expect(leaks(text), `${topic}: ${message.headers.ce_type?.toString()}`).toEqual([]);
      }
    }
    // Commands, acknowledgements, results, notifications and the dead letter of both dossiers.
    expect(ours).toBeGreaterThan(20);

    // Kafka's files on disk: the same bytes as the topics, and the dossier ids show they were read.
    const segments = filesUnder(join(dataDir, 'kafka'));
    const onDisk = segments.map((file) => readFileSync(file).toString('latin1'));
    const inLatin1 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
    expect(onDisk.some((bytes) => bytes.includes(inLatin1(born.dossierId)))).toBe(true);
    for (const [i, bytes] of onDisk.entries())
      expect(
        secrets.filter((secret) => bytes.includes(inLatin1(secret))),
        segments[i],
      ).toEqual([]);

    // Temporal: raw histories, the search attributes, and visibility.
    for (const dossierId of [born.dossierId, died.dossierId]) {
      const history = await system.client.workflowService.getWorkflowExecutionHistory({
        namespace: endpoints.temporal.namespace,
        execution: { workflowId: dossierId },
      });
      const text = rawText(history.history);
      expect(text).toContain(dossierId);
      expect(leaks(text), `history of ${dossierId}`).toEqual([]);
      const described = await system.client.workflow.getHandle(dossierId).describe();
      expect(leaks(rawText(described.raw)), `description of ${dossierId}`).toEqual([]);
    }
    const visibility = await system.client.workflowService.listWorkflowExecutions({
      namespace: endpoints.temporal.namespace,
      query: `WorkflowId = '${born.dossierId}' OR WorkflowId = '${died.dossierId}'`,
    });
    expect(visibility.executions).toHaveLength(2);
    expect(leaks(rawText(visibility.executions))).toEqual([]);

    // The logs: this process's (every service at debug level) and the servers'.
    const logs = logLines.join('');
    expect(logs).toContain(born.dossierId);
    expect(leaks(logs), 'service logs').toEqual([]);
    for (const name of readdirSync(dataDir).filter((n) => n.endsWith('.log')))
      expect(leaks(readFileSync(join(dataDir, name), 'utf8')), name).toEqual([]);
  });
});
