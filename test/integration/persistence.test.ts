import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/process';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../infra/stack';
import { createKafka } from '../../platform/kafka';
import { createLogger } from '../../platform/logger';

const log = createLogger({ level: 'warn', format: 'json' });

// The same guarantee `npm run infra:down && npm run infra:up` relies on: a stack restarted on its
// data directory keeps every workflow and every Kafka message.
describe('persistent local infrastructure', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lienthong-persist-'));
  let stack: LocalStack | undefined;
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps workflows and messages across a restart', async () => {
    const options: LocalStackOptions = {
      cacheDir: resolve(process.env.INFRA_CACHE_DIR ?? '.infra'),
      dataDir,
      persistent: true,
      ports: {
        temporal: await freePort(),
        temporalUi: await freePort(),
        kafka: await freePort(),
        kafkaController: await freePort(),
        postgres: await freePort(),
      },
      ui: false,
      namespace: 'default',
      partitions: 1,
      log,
    };
    stack = await startLocalStack(options);
    const workflowId = 'persisted-dossier';
    const kafka = createKafka(stack.endpoints.kafka.brokers, { clientId: 'persistence-test' }, log);

    let connection = await Connection.connect({ address: stack.endpoints.temporal.address });
    // No worker polls this queue: the workflow simply stays open, as a dossier waiting for weeks would.
    await new Client({ connection }).workflow.start('notRegistered', { taskQueue: 'nobody-polls', workflowId });
    await connection.close();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'dossier.notifications', acks: -1, messages: [{ key: workflowId, value: 'kept' }] });
    await producer.disconnect();

    await stack.stop();
    stack = await startLocalStack(options);

    connection = await Connection.connect({ address: stack.endpoints.temporal.address });
    const description = await new Client({ connection }).workflow.getHandle(workflowId).describe();
    await connection.close();
    expect(description.status.name).toBe('RUNNING');

    const consumer = kafka.consumer({ groupId: 'persistence-test', sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'dossier.notifications', fromBeginning: true });
    const value = await new Promise<string>((resolveValue) => {
      void consumer.run({ eachMessage: async ({ message }) => resolveValue(String(message.value)) });
    });
    await consumer.disconnect();
    expect(value).toBe('kept');
  });
});
