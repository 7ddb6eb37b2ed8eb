export {
  runConsumer,
  backoffMs,
  deadLetterHeaders,
  type EventHandler,
  type MessageCoordinates,
  type RunningConsumer,
} from './consumer';
export { decodeEvent, encodeEvent, type OutgoingEvent } from './envelope';
export {
  BusError,
  DeadLetterError,
  InvalidMessageError,
  isBusError,
  PublishFailedError,
  UnknownMessageTypeError,
} from './errors';
export { migrateProcessedEvents, withIdempotency } from './idempotency';
export { createPublisher, type EventPublisher } from './publisher';
export { listDeadLetters, redriveDeadLetters, type DeadLetter, type RedriveSelection } from './redrive';
export { createOutboxRelay } from './outbox-relay';
