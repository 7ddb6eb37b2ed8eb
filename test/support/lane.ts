import { inject } from 'vitest';
import type { Endpoints } from '../../platform/endpoints';

/** One independent set of servers of the global setup, and the folders that belong to it. */
export interface Lane {
  endpoints: Endpoints;
  /** The lane's bus keys (signing keys per service, data keys per topic), as DATA_DIR/bus-keys holds them locally. */
  busKeysDir: string;
  /** The lane's server data folder: Kafka's segment files and the servers' logs, for the no-clear-text test. */
  dataDir: string;
}

/**
 * The lane of the vitest worker running this file. Vitest numbers the workers running at one time
 * 1..maxWorkers (VITEST_POOL_ID) and the integration project runs as many as there are lanes, so
 * two files running together never share servers, consumer groups, databases or keys.
 */
export function lane(): Lane {
  const lanes = inject('lanes');
  const poolId = Number(process.env.VITEST_POOL_ID);
  const found = lanes[poolId - 1];
  if (!found)
    throw new Error(
      `no test lane for vitest worker ${process.env.VITEST_POOL_ID ?? '(none)'}: the global setup started ${lanes.length} (TEST_LANES); the integration project's maxWorkers must not exceed it`,
    );
  return found;
}
