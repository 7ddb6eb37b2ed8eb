export {
  runConsumer,
  backoffMs,
  deadLetterHeaders,
  type EventHandler,
  type MessageCoordinates,
  type RunningConsumer,
} from './consumer';
export { decodeEvent, encodeEvent, headerText, type OutgoingEvent } from './envelope';
export {
  busKeySettings,
  ensureLocalBusKeys,
  loadBusKeyring,
  rotateBusKey,
  topicKeyHolders,
  type BusKeyring,
  type BusKeySettings,
} from './keys';
export { busSecurityHeaders, openMessage, sealBatch, sealMessage } from './seal';
export {
  BusError,
  DeadLetterError,
  InvalidMessageError,
  isBusError,
  MissingBusKeyError,
  PublishFailedError,
  UnknownMessageTypeError,
} from './errors';
export { migrateProcessedEvents, withIdempotency } from './idempotency';
export { createPublisher, type EventPublisher } from './publisher';
export { createOutboxRelay, outboxRelayBatch } from './outbox-relay';
