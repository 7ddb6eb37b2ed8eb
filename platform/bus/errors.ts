/**
 * Errors of the event bus, each with a stable `type` and whether trying again can help. The cause
 * (a zod issue, a kafkajs error) rides along as the ES2022 `cause`.
 */
export abstract class BusError extends Error {
  abstract readonly type: string;
  abstract readonly retriable: boolean;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** Tells bus errors from everything else a send or a handler can throw (kafkajs has its own `retriable`). */
export function isBusError(err: unknown): err is BusError {
  return err instanceof BusError;
}

/** An event that does not fit its topic's schema; sending it again will not help. */
export class InvalidMessageError extends BusError {
  override readonly name = 'InvalidMessageError';
  readonly type = 'InvalidMessage';
  readonly retriable = false;
}

/** A CloudEvents type the topic does not carry. */
export class UnknownMessageTypeError extends BusError {
  override readonly name = 'UnknownMessageTypeError';
  readonly type = 'UnknownMessageType';
  readonly retriable = false;
}

/**
 * The broker did not take a valid event, after kafkajs's own retries. Retriable: an outage or a
 * leader election ends, and the event is the same when sent again.
 */
export class PublishFailedError extends BusError {
  override readonly name = 'PublishFailedError';
  readonly type = 'PublishFailed';
  readonly retriable = true;
}

/**
 * Thrown by a handler that knows a message can never be handled (an unknown dossier, a closed
 * workflow): the runner dead-letters it at once with this reason instead of retrying.
 */
export class DeadLetterError extends BusError {
  override readonly name = 'DeadLetterError';
  readonly type = 'DeadLetter';
  readonly retriable = false;
  constructor(
    readonly reason: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A service asked to publish on a topic whose key it does not hold: a wiring or configuration error. */
export class MissingBusKeyError extends BusError {
  override readonly name = 'MissingBusKeyError';
  readonly type = 'MissingBusKey';
  readonly retriable = false;
}
