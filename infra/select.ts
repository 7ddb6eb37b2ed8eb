import type { InfraMode } from '../platform/config';
import { InfraError } from './process';

export type ResolvedMode = Exclude<InfraMode, 'auto'>;

/** Whether a Docker engine answers; the `docker` client binary alone proves nothing. */
export type EngineProbe = () => Promise<{ reachable: true } | { reachable: false; reason: string }>;

/**
 * Chooses how infrastructure is provided. Containers are used only when asked for: `containers`
 * insists on an engine, `auto` falls back to local processes when none answers.
 */
export async function resolveMode(requested: InfraMode, probe: EngineProbe): Promise<ResolvedMode> {
  if (requested === 'local' || requested === 'external') return requested;
  const engine = await probe();
  if (engine.reachable) return 'containers';
  if (requested === 'auto') return 'local';
  throw new InfraError(
    `INFRA_MODE=containers needs a reachable Docker engine, and none answered (${engine.reason}). ` +
      'Use INFRA_MODE=local (the default) to run the servers as local processes, or INFRA_MODE=auto to fall back automatically.',
  );
}

/** Probes the container runtime through testcontainers, which fails fast when no engine is reachable. */
export const testcontainersProbe: EngineProbe = async () => {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return { reachable: true };
  } catch (err) {
    return { reachable: false, reason: (err as Error).message.split('\n')[0] ?? 'unknown error' };
  }
};
