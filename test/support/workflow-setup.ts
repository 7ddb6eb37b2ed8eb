import { resolve } from 'node:path';
import { ensureTemporalTestServer } from '../../infra/cache';
import { createLogger } from '../../platform/logger';

/**
 * Fetches the time-skipping test server once before the workflow files run: they run side by side
 * (a lane each), and the cache fills an entry in place, not for two processes at once.
 */
export async function setup(): Promise<void> {
  const log = createLogger({ level: 'warn', format: 'json' }, { process: 'workflow-tests' });
  await ensureTemporalTestServer(resolve(process.env.INFRA_CACHE_DIR ?? '.infra'), log);
}
