import type { FastifyRequest } from 'fastify';
import type { FieldErrors, FormBody } from './forms';
import { messages } from './i18n';

/** Reading the operator pages' requests: forms, queries, and schema problems as field errors. */

export const hidden = { schema: { hide: true } };
export const bodyOf = (request: FastifyRequest) => (request.body ?? {}) as FormBody;
export const queryOf = (request: FastifyRequest) => (request.query ?? {}) as Record<string, unknown>;

/** The non-empty string values of a query or form, as the page shows them back. */
export const valuesOf = (source: Record<string, unknown>, names: readonly string[]) =>
  Object.fromEntries(
    names.flatMap((name) => {
      const value = source[name];
      return typeof value === 'string' && value.trim() !== '' ? [[name, value.trim()]] : [];
    }),
  ) as Record<string, string>;

/** Each schema problem next to its field, in the reader's language. */
export const errorsOf = (issues: { path: PropertyKey[] }[], prefix = '') =>
  Object.fromEntries(
    issues.map((issue) => [prefix + issue.path.filter((p) => p !== 'query').join('.'), messages.invalid]),
  ) as FieldErrors;
