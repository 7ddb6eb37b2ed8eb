/**
 * The operations module's errors: a small typed tree with a stable `type` and a `retriable` flag.
 * The api maps them to problem details, the command line to a one-line reason and an exit code.
 */
export abstract class OperationError extends Error {
  abstract readonly type: string;
  abstract readonly retriable: boolean;
}

/** No dossier (or job, or task) with this id. */
export class NotFoundError extends OperationError {
  readonly type = 'not-found';
  readonly retriable = false;
}

/** The dossier is finished: nothing can be retried, skipped, reset, supplied or withdrawn any more. */
export class DossierClosedError extends OperationError {
  readonly type = 'dossier-closed';
  readonly retriable = false;
  constructor(
    readonly dossierId: string,
    /** The dossier's status, or the workflow's when the dossier status cannot be read. */
    readonly state: string,
  ) {
    super(`dossier ${dossierId} is ${state}; it has ended, so nothing can be done to it any more`);
  }
}

/** The request names something that does not fit: which field, and the rule it breaks. */
export class InvalidRequestError extends OperationError {
  readonly type = 'invalid-request';
  readonly retriable = false;
  constructor(
    detail: string,
    readonly field: string,
    readonly rule: string,
  ) {
    super(detail);
  }
}

/** A dependency this process needs for the operation is not there (Kafka, a back office). */
export class OperationUnavailableError extends OperationError {
  readonly type = 'unavailable';
  readonly retriable = true;
}

/** The action conflicts with the current state of something other than a closed dossier (a job already running). */
export class OperationConflictError extends OperationError {
  readonly type = 'conflict';
  readonly retriable = false;
}
