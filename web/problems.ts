import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import type { Problem } from '../contracts/api';
import { AuditWriteError } from '../platform/audit';
import { AuthenticationError } from '../platform/auth';
import { PayloadDecryptionError } from '../platform/codec';
import { retryAfterSeconds, unavailableDependency } from '../platform/unavailable';
import {
  DossierClosedError,
  InvalidRequestError,
  NotFoundError,
  OperationConflictError,
  OperationUnavailableError,
} from '../ops/operations/errors';

/** An error the api answers with a given status as RFC 9457 problem details. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail?: string,
    readonly errors?: Problem['errors'],
    /** RFC 9457 extension members, such as the dossier a conflict is about. */
    readonly extensions: Pick<Problem, 'dossierId' | 'state'> = {},
  ) {
    super(detail ?? title);
  }
}

export const badRequest = (detail: string, errors?: Problem['errors']) =>
  new HttpProblem(400, 'Bad Request', detail, errors);
export const forbidden = (detail: string) => new HttpProblem(403, 'Forbidden', detail);
export const notFound = (detail: string) => new HttpProblem(404, 'Not Found', detail);
export const conflict = (detail: string) => new HttpProblem(409, 'Conflict', detail);
export const unprocessable = (detail: string, errors?: Problem['errors']) =>
  new HttpProblem(422, 'Unprocessable Content', detail, errors);
export const unavailable = (detail: string) => new HttpProblem(503, 'Service Unavailable', detail);

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const pathOf = (path: readonly PropertyKey[], prefix?: string) =>
  [prefix, ...path.map(String)].filter(Boolean).join('.');

/** Turns any error into problem details; only what is really our fault is a 5xx, and it is logged. */
export function toProblem(err: unknown, request: FastifyRequest): Problem {
  const instance = request.url.split('?')[0];
  const make = (status: number, detail?: string, errors?: Problem['errors']): Problem => ({
    type: `https://lienthong.dev/problems/${status}`,
    title: titles[status] ?? 'Error',
    status,
    detail,
    instance,
    ...(errors ? { errors } : {}),
  });
  if (err instanceof HttpProblem)
    return { ...make(err.status, err.message, err.errors), title: err.title, ...err.extensions };
  if (hasZodFastifySchemaValidationErrors(err)) {
    const errors = err.validation.map((v) => ({
      path: pathOf(v.instancePath.split('/').filter(Boolean), err.validationContext),
      message: v.message ?? 'is invalid',
    }));
    return make(
      400,
      `invalid ${err.validationContext ?? 'request'}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      errors,
    );
  }
  if (err instanceof ZodError)
    return make(
      422,
      'the input does not fit its schema',
      err.issues.map((i) => ({ path: pathOf(i.path), message: i.message })),
    );
  if (err instanceof AuthenticationError) return make(401, err.message);
  if (err instanceof DossierClosedError)
    return { ...make(409, err.message), dossierId: err.dossierId, state: err.state };
  if (err instanceof NotFoundError) return make(404, err.message);
  if (err instanceof InvalidRequestError) return make(422, err.message, [{ path: err.field, message: err.rule }]);
  if (err instanceof OperationConflictError) return make(409, err.message);
  if (err instanceof OperationUnavailableError) return make(503, err.message);
  // A payload sent to the codec endpoint that does not decrypt: the caller's input, not our fault.
  if (err instanceof PayloadDecryptionError) return make(422, err.message);
  // A server or service that is down is not our bug: 503 naming it, and `sendProblem` adds Retry-After.
  const dependency = unavailableDependency(err);
  if (err instanceof AuditWriteError)
    return {
      ...make(503, 'the action could not be recorded in the audit log, so it was not carried out; try again later'),
      ...(dependency ? { dependency } : {}),
    };
  if (dependency)
    return { ...make(503, `${dependency} is unavailable; try again in ${retryAfterSeconds} seconds`), dependency };
  if (err instanceof WorkflowNotFoundError) return make(404, 'no such dossier');
  if (err instanceof WorkflowExecutionAlreadyStartedError) return make(409, 'a dossier with this id already exists');
  if (err instanceof WorkflowUpdateFailedError)
    return make(422, (err.cause as Error | undefined)?.message ?? err.message);
  const fastifyError = err as FastifyError;
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500)
    return make(fastifyError.statusCode, fastifyError.message);
  return make(500, 'something went wrong on our side; it has been logged');
}

export async function sendProblem(reply: FastifyReply, problem: Problem): Promise<void> {
  if (problem.status === 503) reply.header('retry-after', String(retryAfterSeconds));
  await reply.code(problem.status).type('application/problem+json').send(problem);
}
