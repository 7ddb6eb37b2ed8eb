import { describe, expect, it } from 'vitest';
import { startContainerStack } from '../../infra/containers';
import { probeServers } from '../../infra/bring-up';
import { createLogger } from '../../platform/logger';

/**
 * Needs a Docker engine, which this team's machines (and CI) do not have: the `containers`
 * project runs it only where one is configured (`npm run test:containers`).
 */
describe('containers mode with a Docker engine', () => {
  it('starts Kafka, Temporal and PostgreSQL containers that all answer', { timeout: 600_000 }, async () => {
    const stack = await startContainerStack('default', createLogger({ level: 'warn', format: 'json' }));
    try {
      const statuses = await probeServers(stack.endpoints);
      expect(statuses.map((s) => [s.server, s.up])).toEqual([
        ['temporal', true],
        ['kafka', true],
        ['postgres', true],
      ]);
    } finally {
      await stack.stop();
    }
  });
});
