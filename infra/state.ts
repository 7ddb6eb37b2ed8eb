import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Endpoints } from '../platform/endpoints';
import type { StartedProcess } from './process';
import type { ServerName } from './stack';

/** What `infra:up` started, written to `<DATA_DIR>/infra.json` so `infra:status` and `infra:down` find it. */
export interface InfraState {
  startedAt: string;
  endpoints: Endpoints;
  processes: Record<ServerName, StartedProcess>;
  versions: Record<ServerName, string>;
}

export const stateFile = (dataDir: string) => join(resolve(dataDir), 'infra.json');

export function readState(dataDir: string): InfraState | undefined {
  const file = stateFile(dataDir);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as InfraState;
  } catch {
    return undefined;
  }
}

/** Owner-only: it holds the database administrator's and the services' passwords. */
export function writeState(dataDir: string, state: InfraState): void {
  writeFileSync(stateFile(dataDir), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  chmodSync(stateFile(dataDir), 0o600);
}

export function removeState(dataDir: string): void {
  rmSync(stateFile(dataDir), { force: true });
}
