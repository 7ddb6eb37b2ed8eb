import pino, { type Logger as PinoLogger } from 'pino';
import type { Logger as TemporalLogger, LogLevel as TemporalLogLevel, LogMetadata } from '@temporalio/common';
import { logLevel as KafkaLogLevel, type logCreator as KafkaLogCreator } from 'kafkajs';
import type { Config } from './config';

export type Logger = PinoLogger;

/**
 * Fields that may carry personal data. pino replaces them before a line is written, wherever they
 * sit in the first levels of a log object (dossier inputs, agency payloads, api bodies).
 */
export const redactedPaths = [
  'name',
  'fullName',
  'givenName',
  'familyName',
  'surname',
  'personalId',
  'personalIdNumber',
  'idNumber',
  'citizenId',
  'address',
  'street',
  'phone',
  'email',
  'password',
  'token',
  'authorization',
].flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

export interface LoggerOptions {
  level: Config['log']['level'];
  format: Config['log']['format'];
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was logged. */
  destination?: pino.DestinationStream;
}

/** The process's one root logger; modules take children of it. */
export function createLogger(options: LoggerOptions, base: Record<string, unknown> = {}): Logger {
  const pretty =
    options.format === 'pretty' || (options.format === 'auto' && process.stdout.isTTY === true && !options.destination);
  const pinoOptions: pino.LoggerOptions = {
    level: options.level,
    base: { pid: process.pid, ...base },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  if (pretty) {
    return pino({
      ...pinoOptions,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } },
    });
  }
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}

const temporalToPino: Record<TemporalLogLevel, pino.Level> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Adapts pino to the Temporal SDK logger interface, for Runtime.install({ logger }). */
export function temporalLogger(log: Logger): TemporalLogger {
  const child = log.child({ module: 'temporal-sdk' });
  const write = (level: TemporalLogLevel, message: string, meta?: LogMetadata) => {
    // The SDK passes failures as `error`; pino serialises only `err`, so an Error elsewhere logged as {}.
    const fields = Object.fromEntries(
      Object.entries(meta ?? {}).map(([key, value]) => [
        key,
        value instanceof Error ? pino.stdSerializers.err(value) : value,
      ]),
    );
    child[temporalToPino[level]](fields, message);
  };
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}

/** A kafkajs logCreator that writes every kafkajs line through pino. */
export function kafkaLogCreator(log: Logger): KafkaLogCreator {
  const child = log.child({ module: 'kafkajs' });
  return () =>
    ({ namespace, level, log: entry }) => {
      const { message, timestamp: _timestamp, ...rest } = entry;
      const fields = { kafkaNamespace: namespace, ...rest };
      const reported =
        level === KafkaLogLevel.ERROR && formingGroupErrors.has(String(rest.error)) ? KafkaLogLevel.WARN : level;
      switch (expectedNotices.has(message) ? KafkaLogLevel.DEBUG : reported) {
        case KafkaLogLevel.ERROR:
          child.error(fields, message);
          break;
        case KafkaLogLevel.WARN:
          child.warn(fields, message);
          break;
        case KafkaLogLevel.INFO:
          child.info(fields, message);
          break;
        default:
          child.debug(fields, message);
      }
    };
}

/**
 * kafkajs notices that describe a choice made on purpose, kept at debug so they do not read as
 * problems: the bus bounds producer retries (a publish must fail within an activity's timeout) and
 * relies on idempotent consumers, not on exactly-once delivery.
 */
const expectedNotices = new Set(['Limiting retries for the idempotent producer may invalidate EoS guarantees']);

/**
 * Broker answers that only mean the group coordinator is still forming (at start-up or after a
 * broker restart); kafkajs retries them by itself and logs them as errors: a warning says it better.
 */
const formingGroupErrors = new Set([
  'The group coordinator is not available',
  "The coordinator is loading and hence can't process requests for this group",
]);

/** The kafkajs level matching a pino level, so kafkajs does not build lines pino would drop. */
export function kafkaLogLevel(level: Config['log']['level']): KafkaLogLevel {
  switch (level) {
    case 'silent':
      return KafkaLogLevel.NOTHING;
    case 'fatal':
    case 'error':
      return KafkaLogLevel.ERROR;
    case 'warn':
      return KafkaLogLevel.WARN;
    case 'info':
      return KafkaLogLevel.INFO;
    default:
      return KafkaLogLevel.DEBUG;
  }
}
