import { Runtime } from '@temporalio/worker';
import type { Config } from './config';
import { temporalLogger, type Logger } from './logger';

const coreLevel: Record<Config['log']['level'], 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR'> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'WARN',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
  silent: 'ERROR',
};

/**
 * Routes the Temporal SDK's logs (worker, workflow and activity loggers, and the native core's,
 * forwarded) into the process's pino root. Call once, before creating any worker.
 */
export function installTemporalRuntime(log: Logger, level: Config['log']['level']): void {
  Runtime.install({
    logger: temporalLogger(log),
    telemetryOptions: { logging: { filter: { core: coreLevel[level], other: 'ERROR' }, forward: {} } },
  });
}
