import { existsSync, readFileSync, rmSync } from 'node:fs';
import { writePrivateFile } from '../platform/files';
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

/** Readable by its owner only: the endpoints hold the database password. */
export function writeState(dataDir: string, state: InfraState): void {
  writePrivateFile(stateFile(dataDir), `${JSON.stringify(state, null, 2)}\n`);
}

export function removeState(dataDir: string): void {
  rmSync(stateFile(dataDir), { force: true });
}
