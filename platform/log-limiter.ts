import type { Logger } from './logger';

/**
 * Logs a repeated failure once, then a summary per interval with how often it happened, so an
 * outage of a dependency leaves a readable log (a few lines a minute) rather than a stack trace
 * per attempt. Each `kind` (e.g. "database unavailable in the decider") is limited on its own.
 */
export function createLogLimiter(log: Logger, intervalMs = 30_000) {
  const kinds = new Map<string, { since: number; suppressed: number; last: string }>();
  return {
    /** Logs at warn the first failure of a kind in an interval; counts the others. */
    warn(kind: string, err: unknown, fields: Record<string, unknown> = {}): void {
      const now = Date.now();
      const message = err instanceof Error ? err.message : String(err);
      const entry = kinds.get(kind);
      if (entry && now - entry.since < intervalMs) {
        entry.suppressed += 1;
        entry.last = message;
        return;
      }
      if (entry && entry.suppressed > 0)
        log.warn(
          {
            kind,
            failures: entry.suppressed,
            seconds: Math.round((now - entry.since) / 1000),
            lastError: entry.last,
            ...fields,
          },
          `${kind}: still failing`,
        );
      else log.warn({ kind, error: message, ...fields }, kind);
      kinds.set(kind, { since: now, suppressed: 0, last: message });
    },
    /** The failure is over: says so once if it had been reported, with how many were suppressed. */
    recovered(kind: string): void {
      const entry = kinds.get(kind);
      if (!entry) return;
      kinds.delete(kind);
      log.info({ kind, suppressedFailures: entry.suppressed }, `${kind}: recovered`);
    },
  };
}
export type LogLimiter = ReturnType<typeof createLogLimiter>;
