import { describe, expect, it } from 'vitest';
import { resolveMode, testcontainersProbe } from '../../infra/select';

const engine = await testcontainersProbe();

describe('containers mode selection against this machine', () => {
  it('uses containers exactly when a Docker engine answers', async () => {
    const mode = resolveMode('containers', testcontainersProbe);
    if (engine.reachable) await expect(mode).resolves.toBe('containers');
    else await expect(mode).rejects.toThrow(/needs a reachable Docker engine/);
  });
});
