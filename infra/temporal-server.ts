import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { searchAttributes } from '../contracts/search-attributes';
import type { Logger } from '../platform/logger';
import { startProcess, waitUntilReady, type StartedProcess } from './process';

export const indexedValueType = {
  Text: 1,
  Keyword: 2,
  Int: 3,
  Double: 4,
  Bool: 5,
  Datetime: 6,
  KeywordList: 7,
} as const;

export interface TemporalServerOptions {
  binary: string;
  dataDir: string;
  port: number;
  uiPort: number;
  ui: boolean;
  namespace: string;
  /** Keep workflows in a SQLite file under dataDir (npm start) or only in memory (tests). */
  persistent: boolean;
  detached?: boolean;
  /** The api's remote codec, so the Web UI shows operators decrypted payloads. */
  uiCodecEndpoint?: string;
}

/** Starts the Temporal CLI dev server on loopback. */
export function startTemporalServer(options: TemporalServerOptions): StartedProcess {
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--namespace',
    options.namespace,
    '--log-level',
    'warn',
    // Update-with-start and multi-operations are used by the api's idempotent submission.
    '--dynamic-config-value',
    'frontend.enableExecuteMultiOperation=true',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
    // Temporal reports a workflow whose tasks fail twice in a row (TemporalReportedProblems, which the
    // stuck list and the failing-tasks alert read) instead of after five: a bad deploy shows at once.
    '--dynamic-config-value',
    'system.numConsecutiveWorkflowTaskProblemsToTriggerSearchAttribute=2',
  ];
  if (options.ui) args.push('--ui-port', String(options.uiPort));
  if (options.ui && options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  else args.push('--headless');
  if (options.persistent) args.push('--db-filename', join(options.dataDir, 'temporal.db'));
  return startProcess(options.binary, args, join(options.dataDir, 'temporal.log'), { detached: options.detached });
}

/** Answers with the server version once the frontend serves gRPC. */
export async function temporalVersion(address: string): Promise<string> {
  const connection = await Connection.connect({ address, connectTimeout: '3s' });
  try {
    const info = await connection.workflowService.getSystemInfo({});
    return info.serverVersion ?? 'unknown';
  } finally {
    await connection.close();
  }
}

export async function waitForTemporal(
  address: string,
  started: StartedProcess | undefined,
  log: Logger,
): Promise<string> {
  let version = '';
  await waitUntilReady('Temporal dev server', async () => (version = await temporalVersion(address)), {
    pid: started?.pid,
    logFile: started?.logFile,
    onWait: (ms) => log.info({ server: 'temporal', seconds: Math.round(ms / 1000) }, 'waiting for server'),
  });
  return version;
}

/**
 * Registers the project's custom search attributes that the namespace lacks. Works on a fresh
 * in-memory server and on an existing SQLite file alike (start-dev flags only apply to new files).
 */
export async function registerSearchAttributes(address: string, namespace: string): Promise<string[]> {
  const connection = await Connection.connect({ address, connectTimeout: '10s' });
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const known = new Set(Object.keys(existing.customAttributes ?? {}));
    const missing = Object.entries(searchAttributes).filter(([name]) => !known.has(name));
    if (missing.length > 0) {
      await connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, indexedValueType[type]])),
      });
    }
    return missing.map(([name]) => name);
  } finally {
    await connection.close();
  }
}

/**
 * How long Temporal keeps a closed dossier's history: long enough for operators to inspect and
 * replay recent ones. Results outlive it in the dossier records (PostgreSQL), not in Temporal.
 */
export const closedHistoryRetentionDays = 30;

/** Sets the namespace's retention of closed workflows explicitly, rather than trusting a server default. */
export async function setRetention(address: string, namespace: string, days: number): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: '10s' });
  try {
    const seconds = days * 86_400;
    const current = await connection.workflowService.describeNamespace({ namespace });
    if (Number(current.config?.workflowExecutionRetentionTtl?.seconds ?? 0) === seconds) return false;
    await connection.workflowService.updateNamespace({
      namespace,
      config: { workflowExecutionRetentionTtl: msToTs(seconds * 1000) },
    });
    return true;
  } finally {
    await connection.close();
  }
}
