import { existsSync, readFileSync, rmSync } from 'node:fs';
import { writePrivateFile } from '../platform/files';
import { join, resolve } from 'node:path';
import { withoutCredentials, type Endpoints } from '../platform/endpoints';
import { credentialsFile, localKafkaCredentials } from './kafka-credentials';
import type { StartedProcess } from './process';
import type { ServerName } from './stack';

/**
 * What `infra:up` or `npm start` started, written to `<DATA_DIR>/infra.json` so `infra:status` and `infra:down`
 * find it. Kafka passwords stay in their own owner-only file and are joined back when it is read.
 */
export interface InfraState {
  startedAt: string;
  endpoints: Endpoints;
  processes: Record<ServerName, ServerRecord>;
  versions: Record<ServerName, string>;
}

/**
 * A server process and who is responsible for stopping it: `infra:up` (left running on purpose
 * until `infra:down`) or an `npm start` (its PID), which stops it on Ctrl-C. A record naming an
 * `npm start` that is no longer alive is a crash's leftover: the next start adopts it, saying so.
 */
export type ServerRecord = StartedProcess & { startedBy?: 'infra:up' | 'npm start'; ownerPid?: number };

export const stateFile = (dataDir: string) => join(resolve(dataDir), 'infra.json');

export function readState(dataDir: string): InfraState | undefined {
  const file = stateFile(dataDir);
  if (!existsSync(file)) return undefined;
  let state: InfraState;
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as InfraState;
  } catch {
    return undefined;
  }
  if (state.endpoints.kafka.sasl && existsSync(credentialsFile(dataDir)))
    state.endpoints.kafka.sasl = localKafkaCredentials(dataDir).sasl;
  return state;
}

/** Readable by its owner only: the endpoints hold the database password. */
export function writeState(dataDir: string, state: InfraState): void {
  const stored: InfraState = { ...state, endpoints: withoutCredentials(state.endpoints) };
  writePrivateFile(
    stateFile(dataDir),
    `${JSON.stringify(stored, null, 2)}
`,
  );
}

export function removeState(dataDir: string): void {
  rmSync(stateFile(dataDir), { force: true });
}
