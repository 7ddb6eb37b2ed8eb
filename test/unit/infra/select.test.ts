import { describe, expect, it } from 'vitest';
import { InfraError } from '../../../infra/process';
import { resolveMode, type EngineProbe } from '../../../infra/select';

const noEngine: EngineProbe = async () => ({
  reachable: false,
  reason: 'Could not find a working container runtime strategy',
});
const engine: EngineProbe = async () => ({ reachable: true });
const unprobed: EngineProbe = async () => {
  throw new Error('the engine must not be probed unless containers were asked for');
};

describe('resolveMode', () => {
  it('keeps local and external without probing for an engine', async () => {
    await expect(resolveMode('local', unprobed)).resolves.toBe('local');
    await expect(resolveMode('external', unprobed)).resolves.toBe('external');
  });

  it('uses containers when asked and an engine answers', async () => {
    await expect(resolveMode('containers', engine)).resolves.toBe('containers');
    await expect(resolveMode('auto', engine)).resolves.toBe('containers');
  });

  it('falls back to local processes in auto mode without an engine', async () => {
    await expect(resolveMode('auto', noEngine)).resolves.toBe('local');
  });

  it('refuses containers without an engine, saying why and what to use instead', async () => {
    const failure = resolveMode('containers', noEngine);
    await expect(failure).rejects.toBeInstanceOf(InfraError);
    await expect(failure).rejects.toThrow(
      /INFRA_MODE=containers needs a reachable Docker engine.*Could not find a working container runtime.*INFRA_MODE=local/s,
    );
  });
});
