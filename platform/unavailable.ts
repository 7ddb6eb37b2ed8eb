import { isDatabaseUnavailable } from './database';

/** How long a caller is asked to wait before trying again when a dependency is down (the `Retry-After` header). */
export const retryAfterSeconds = 5;

/**
 * A dependency (a server or another service) could not be reached or said it is unavailable:
 * nothing was done, and asking again later can succeed. `dependency` names it for the caller.
 */
export class DependencyUnavailableError extends Error {
  readonly type = 'DependencyUnavailableError';
  readonly retriable = true;
  constructor(
    readonly dependency: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DependencyUnavailableError';
  }
}

/** gRPC status codes of a Temporal call that never reached a healthy server: UNAVAILABLE, DEADLINE_EXCEEDED. */
const temporalUnreachable = new Set([14, 4]);
/** kafkajs errors that mean the cluster could not be reached or did not answer in time. */
const kafkaUnreachable =
  /^KafkaJS(ConnectionError|ConnectionClosedError|RequestTimeoutError|BrokerNotFound|NumberOfRetriesExceeded|LockTimeout|TopicMetadataNotLoaded|ServerDoesNotSupportApiKey)$/;

/**
 * Which dependency an error says is down (`postgres`, `temporal`, `kafka`, or a service named by a
 * {@link DependencyUnavailableError}), looking through its causes; undefined when the error is about
 * the work itself. The api answers the first with 503 and `Retry-After` rather than 500.
 */
export function unavailableDependency(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth += 1) {
    if (current instanceof DependencyUnavailableError) return current.dependency;
    const e = current as { name?: unknown; code?: unknown; cause?: unknown };
    if (typeof e.code === 'number' && temporalUnreachable.has(e.code)) return 'temporal';
    if (typeof e.name === 'string' && kafkaUnreachable.test(e.name)) return 'kafka';
    if (isDatabaseUnavailable(current)) return 'postgres';
    current = e.cause;
  }
  return undefined;
}
