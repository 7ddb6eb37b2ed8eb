import { Writable } from 'node:stream';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { credentialsFile } from '../../infra/kafka-credentials';
import { freeServerPorts } from '../../infra/process';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../infra/stack';
import { kafkaFor } from '../../platform/kafka';
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

  let options: LocalStackOptions;

  it('keeps workflows and messages across a restart', async () => {
    options = {
      cacheDir: resolve(process.env.INFRA_CACHE_DIR ?? '.infra'),
      dataDir,
      persistent: true,
      ports: await freeServerPorts(),
      ui: false,
      namespace: 'default',
      partitions: 1,
      log,
    };
    stack = await startLocalStack(options);
    const workflowId = 'persisted-dossier';
    const kafka = kafkaFor(stack.endpoints.kafka, 'admin', { clientId: 'persistence-test' }, log);

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

  it('rebuilds Kafka data formatted without SCRAM users by an earlier version, saying so', async () => {
    await stack!.stop();
    stack = undefined;
    // What an earlier version left: formatted storage, no record of SCRAM users.
    rmSync(join(dataDir, 'kafka', 'scram-users.json'));
    const lines: string[] = [];
    const capture = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    stack = await startLocalStack({
      ...options,
      log: createLogger({ level: 'warn', format: 'json', destination: capture }),
    });
    const warning = lines.map((line) => JSON.parse(line) as { msg: string; reason?: string }).find((l) => l.reason);
    expect(warning?.reason).toBe('it was formatted by an earlier Lienthong without SASL/SCRAM users');
    expect(warning?.msg).toContain('Kafka data is rebuilt empty with authentication on');
    const admin = kafkaFor(stack.endpoints.kafka, 'admin', { clientId: 'persistence-test' }, log).admin();
    await admin.connect();
    // Recreated empty: the message the first test kept is gone (the partition may take a moment to lead).
    await expect
      .poll(async () =>
        (await admin.fetchTopicOffsets('dossier.notifications').catch(() => undefined))?.map((o) => o.high),
      )
      .toEqual(['0']);
    await admin.disconnect();
  });

  it("creates a principal's SCRAM user again when its password under DATA_DIR changed", async () => {
    await stack!.stop();
    stack = undefined;
    const stored = JSON.parse(readFileSync(credentialsFile(dataDir), 'utf8')) as Record<string, string>;
    writeFileSync(credentialsFile(dataDir), JSON.stringify({ ...stored, residence: 'a-new-password-for-residence' }));
    stack = await startLocalStack(options);
    expect(stack.endpoints.kafka.sasl?.credentials.residence?.password).toBe('a-new-password-for-residence');
    const admin = kafkaFor(stack.endpoints.kafka, 'residence', { clientId: 'persistence-test' }, log).admin();
    await admin.connect();
    expect(await admin.fetchTopicOffsets('agency.residence.commands')).toHaveLength(1);
    await admin.disconnect();
  });
});
