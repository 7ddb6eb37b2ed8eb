/** Errors of the event bus, each with a stable `type` and whether trying again can help. */
export abstract class BusError extends Error {
  abstract readonly type: string;
  abstract readonly retriable: boolean;
}

/** An event that does not fit its topic's schema; sending it again will not help. */
export class InvalidMessageError extends BusError {
  readonly type = 'InvalidMessage';
  readonly retriable = false;
}

/** A CloudEvents type the topic does not carry. */
export class UnknownMessageTypeError extends BusError {
  readonly type = 'UnknownMessageType';
  readonly retriable = false;
}

/**
 * Thrown by a handler that knows a message can never be handled (an unknown dossier, a closed
 * workflow): the runner dead-letters it at once with this reason instead of retrying.
 */
export class DeadLetterError extends BusError {
  readonly type = 'DeadLetter';
  readonly retriable = false;
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}
