import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { orchestratorTaskQueue } from '../../contracts/dossier-workflow';
import { eventTopic, topicSpec } from '../../contracts/topics';
import { createPublisher, sealMessage, type EventPublisher, type RunningConsumer } from '../../platform/bus';
import { kafkaFor } from '../../platform/kafka';
import { createLogger } from '../../platform/logger';
import { startEventBridge } from '../../services/event-bridge';
import { birthBundle } from '../../contracts/procedures/birth-bundle';
import { birthInput } from '../fixtures/dossiers';
import { testDataConverter } from '../support/workflow-env';
import { testKeyring } from '../support/bus-keys';
import { listDeadLetters } from '../../ops/dead-letters/topic';

/** What the event bridge cannot route goes to the dead-letter topic with a reason, and the bridge moves on. */
const endpoints = inject('endpoints');
const log = createLogger({ level: 'error', format: 'json' });
const kafka = kafkaFor(endpoints.kafka, 'admin', { clientId: 'bridge-test' }, log);
const events = topicSpec(eventTopic('civil-status'));
let connection: Connection;
let client: Client;
let bridge: RunningConsumer;
let publisher: EventPublisher;

beforeAll(async () => {
  connection = await Connection.connect({ address: endpoints.temporal.address });
  client = new Client({ connection, namespace: endpoints.temporal.namespace, dataConverter: testDataConverter });
  // The agency's results, signed with its key, as its outbox relay would publish them.
  publisher = await createPublisher(kafka, log, testKeyring('civil-status'));
  bridge = await startEventBridge({
    kafka,
    keyring: testKeyring('event-bridge'),
    client,
    log,
    groupId: `bridge-test-${randomUUID()}`,
  });
});
afterAll(async () => {
  await bridge?.stop();
  await publisher?.disconnect();
  await connection?.close();
});

const registered = (dossierId: string) => ({
  id: `${dossierId}/register-birth/1/decided`,
  type: 'BirthRegistered.v1',
  subject: dossierId,
  source: 'lienthong/agency/civil-status',
  data: {
    dossierId,
    stepId: 'register-birth',
    commandId: `${dossierId}/register-birth/1`,
    birthCertificateNumber: '001/2026/KS-000001',
    childPersonalIdNumber: '001226000001',
    registeredAt: new Date().toISOString(),
  },
});

async function deadLetterOf(id: string) {
  let found: Awaited<ReturnType<typeof listDeadLetters>>[number] | undefined;
  await expect
    .poll(async () => (found = (await listDeadLetters(kafka, events.name)).find((d) => d.id === id)), {
      timeout: 30_000,
      interval: 500,
    })
    .toBeDefined();
  return found!;
}

describe('event bridge dead letters', () => {
  it('dead-letters an event for a dossier that does not exist', async () => {
    const event = registered(`HS-NONE-${randomUUID().slice(0, 8)}`);
    await publisher.publish(events, event);
    expect(await deadLetterOf(event.id)).toMatchObject({
      reason: 'unknown-dossier',
      originalTopic: events.name,
      type: 'BirthRegistered.v1',
      key: event.subject,
    });
  });

  it('dead-letters an event that arrives after its dossier closed', async () => {
    const dossierId = `HS-CLOSED-${randomUUID().slice(0, 8)}`;
    const handle = await client.workflow.start(birthBundle.workflowType, {
      taskQueue: `${orchestratorTaskQueue}-nobody`,
      workflowId: dossierId,
      args: [{ dossierId, input: birthInput(3) }],
    });
    await handle.terminate('test: closed before the agency answered');
    const event = registered(dossierId);
    await publisher.publish(events, event);
    const dead = await deadLetterOf(event.id);
    expect(dead.reason).toBe('workflow-closed');
    expect(dead.error).toContain('TERMINATED');
  });

  it('dead-letters an event whose subject is not its dossier, and one that does not fit its schema', async () => {
    const mismatched = { ...registered(`HS-A-${randomUUID().slice(0, 8)}`), subject: 'HS-SOMEONE-ELSE' };
    await publisher.publish(events, mismatched);
    expect(await deadLetterOf(mismatched.id)).toMatchObject({ reason: 'subject-mismatch' });

    // Straight through kafkajs: the bus's own publisher refuses what does not fit.
    const raw = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await raw.connect();
    const id = `bad-${randomUUID()}`;
    await raw.send({
      topic: events.name,
      messages: [
        sealMessage(
          events.name,
          {
            key: 'HS-BAD',
            value: JSON.stringify({ dossierId: 'HS-BAD', stepId: 'register-birth' }),
            headers: {
              ce_id: id,
              ce_source: 'test',
              ce_type: 'BirthRegistered.v1',
              ce_specversion: '1.0',
              ce_subject: 'HS-BAD',
              ce_time: new Date().toISOString(),
              'content-type': 'application/json',
            },
          },
          testKeyring('civil-status'),
        ),
      ],
    });
    await raw.disconnect();
    const dead = await deadLetterOf(id);
    expect(dead.reason).toBe('schema-mismatch');
    expect(dead.error).toMatch(/commandId/);
  });

  it('dead-letters an event its step never receives, and one for a step the agency has no part in', async () => {
    const dossierId = `HS-WRONG-${randomUUID().slice(0, 8)}`;
    // A death registration answering a birth registration step: a real civil-status event, the wrong step.
    const birth = registered(dossierId);
    const { birthCertificateNumber: _number, childPersonalIdNumber: _id, ...routing } = birth.data;
    const wrongResult = {
      ...birth,
      type: 'DeathRegistered.v1',
      data: { ...routing, deathExtractNumber: '001/2026/TK-000001' },
    };
    await publisher.publish(events, wrongResult);
    const dead = await deadLetterOf(wrongResult.id);
    expect(dead.reason).toBe('unexpected-event');
    expect(dead.error).toContain('register-birth never receives DeathRegistered.v1');

    const otherAgency = {
      ...registered(dossierId),
      id: `${dossierId}/register-residence/1/decided`,
      data: { ...registered(dossierId).data, stepId: 'register-residence' },
    };
    await publisher.publish(events, otherAgency);
    expect(await deadLetterOf(otherAgency.id)).toMatchObject({ reason: 'unknown-step' });
  });
});
