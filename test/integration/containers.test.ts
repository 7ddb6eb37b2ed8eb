import { describe, expect, it } from 'vitest';
import { startContainerStack } from '../../infra/containers';
import { probeServers } from '../../infra/bring-up';
import { resolveMode, testcontainersProbe } from '../../infra/select';
import { createLogger } from '../../platform/logger';

const engine = await testcontainersProbe();

describe('containers mode selection against this machine', () => {
  it('uses containers exactly when a Docker engine answers', async () => {
    const mode = resolveMode('containers', testcontainersProbe);
    if (engine.reachable) await expect(mode).resolves.toBe('containers');
    else await expect(mode).rejects.toThrow(/needs a reachable Docker engine/);
  });
});

// The only conditional test: it needs a Docker engine, which this team's machines do not have.
describe.runIf(engine.reachable)('containers mode with a Docker engine', () => {
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
