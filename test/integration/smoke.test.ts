import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { allDatabases, platformDatabase } from '../../contracts/agencies';
import { allTopicNames } from '../../contracts/topics';
import { databaseUrl } from '../../platform/endpoints';
import { kafkaFor } from '../../platform/kafka';
import { createLogger } from '../../platform/logger';
import { createSmokeActivities } from '../fixtures/smoke-activities';

const endpoints = inject('endpoints');
const log = createLogger({ level: 'warn', format: 'json' });

describe('real Temporal', () => {
  let connection: Connection;
  beforeAll(async () => {
    connection = await Connection.connect({ address: endpoints.temporal.address });
  });
  afterAll(async () => {
    await connection?.close();
  });

  it('runs a workflow on a real worker', async () => {
    const taskQueue = `smoke-${randomUUID()}`;
    const workerConnection = await NativeConnection.connect({ address: endpoints.temporal.address });
    const worker = await Worker.create({
      connection: workerConnection,
      namespace: endpoints.temporal.namespace,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('../fixtures/workflows/smoke.ts', import.meta.url)),
      activities: createSmokeActivities(),
    });
    try {
      const client = new Client({ connection, namespace: endpoints.temporal.namespace });
      const result = await worker.runUntil(
        client.workflow.execute('smokeWorkflow', {
          taskQueue,
          workflowId: `smoke-${randomUUID()}`,
          args: ['Nguyễn Văn An'],
        }),
      );
      expect(result).toBe('xin chào, Nguyễn Văn An');
    } finally {
      await workerConnection.close();
    }
  });

  it('has the custom search attributes registered', async () => {
    const response = await connection.operatorService.listSearchAttributes({ namespace: endpoints.temporal.namespace });
    expect(Object.keys(response.customAttributes ?? {})).toEqual(
      expect.arrayContaining(['DossierStatus', 'CitizenId', 'Overdue', 'EarliestDueTime']),
    );
  });
});

describe('real Kafka', () => {
  it('delivers a produced message to a consumer', async () => {
    const kafka = kafkaFor(endpoints.kafka, 'admin', { clientId: 'smoke' }, log);
    const admin = kafka.admin();
    const topic = `smoke-${randomUUID()}`;
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    expect(await admin.listTopics()).toEqual(expect.arrayContaining(allTopicNames()));
    await admin.disconnect();

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const consumer = kafka.consumer({
      groupId: `smoke-${randomUUID()}`,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
    });
    try {
      await producer.connect();
      await producer.send({ topic, acks: -1, messages: [{ key: 'dossier-1', value: 'hồ sơ' }] });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = await new Promise<{ key: string; value: string }>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => resolve({ key: String(message.key), value: String(message.value) }),
        });
      });
      expect(received).toEqual({ key: 'dossier-1', value: 'hồ sơ' });
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }
  });
});

describe('real PostgreSQL', () => {
  it('runs a query in every project database', async () => {
    for (const database of allDatabases) {
      const client = new pg.Client({ connectionString: databaseUrl(endpoints, database) });
      await client.connect();
      try {
        const { rows } = await client.query<{ db: string; sum: number }>(
          'select current_database() as db, 40 + 2 as sum',
        );
        expect(rows).toEqual([{ db: database, sum: 42 }]);
      } finally {
        await client.end();
      }
    }
    expect(allDatabases).toContain(platformDatabase);
  });
});
