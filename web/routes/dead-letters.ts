import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Problem } from '../../contracts/api';
import {
  DeadLetterDetail,
  DeadLetterDiscardBody,
  DeadLetterFixBody,
  DeadLetterIdParam,
  DeadLetterListQuery,
  DeadLetterRedriveBody,
  DeadLetterRedriveOneBody,
  DeadLetterRow,
  RedriveOutcome,
  RedriveReply,
} from '../../contracts/dead-letters';
import { DeadLetterRefusal, type DeadLetterOperations } from '../../ops/dead-letters/service';
import { principalOf } from '../auth';
import { conflict, notFound, unavailable, unprocessable } from '../problems';
import type { ApiContext } from '../context';

const problems = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem, 503: Problem };
const readers = ['operator', 'auditor'] as const;
const actors = ['operator'] as const;

/** An operations refusal as the problem the api answers. */
function asProblem(err: unknown): unknown {
  if (!(err instanceof DeadLetterRefusal)) return err;
  if (err.type === 'not-found') return notFound(err.message);
  if (err.type === 'closed' || err.type === 'obsolete') return conflict(err.message);
  return unprocessable(err.message, err.errors);
}

/**
 * Operators' dead letters, kept as records (ops/dead-letters): list across topics, show one
 * opened, fix, redrive, discard. Auditors may list; only operators open or act.
 */
export const deadLetterRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, ctx) => {
  const operations = (): DeadLetterOperations => {
    if (!ctx.deadLetters) throw unavailable('dead letters are not kept by this api process (no Kafka)');
    return ctx.deadLetters;
  };
  const refusing = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      throw asProblem(err);
    }
  };

  app.get(
    '/api/operator/dead-letters',
    {
      config: { roles: readers },
      schema: {
        tags: ['operator'],
        summary:
          'Dead letters of every topic, open ones by default, oldest first; filter by topic, state, dossier, reason',
        querystring: DeadLetterListQuery,
        response: { 200: z.array(DeadLetterRow), ...problems },
      },
    },
    async (request) => operations().list(request.query),
  );

  app.get(
    '/api/operator/dead-letters/:deadLetterId',
    {
      config: { roles: actors },
      schema: {
        tags: ['operator'],
        summary: 'One dead letter opened: its attributes, signer and data (personal data; the read is audited)',
        params: DeadLetterIdParam,
        response: { 200: DeadLetterDetail, ...problems },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const shown = await refusing(() =>
        operations().show(request.params.deadLetterId, { subject: principal.subject, role: 'operator' }),
      );
      reply.header('cache-control', 'no-store');
      return shown;
    },
  );

  app.post(
    '/api/operator/dead-letters/:deadLetterId/fix',
    {
      config: { roles: actors },
      schema: {
        tags: ['operator'],
        summary:
          "Publish a corrected copy: validated against the topic's contract, signed by operations, naming the dead letter",
        params: DeadLetterIdParam,
        body: DeadLetterFixBody,
        response: { 200: DeadLetterRow, ...problems },
      },
    },
    async (request) =>
      refusing(() =>
        operations().fix(request.params.deadLetterId, request.body.payload, {
          subject: principalOf(request).subject,
          reason: request.body.reason,
        }),
      ),
  );

  app.post(
    '/api/operator/dead-letters/:deadLetterId/redrive',
    {
      config: { roles: actors },
      schema: {
        tags: ['operator'],
        summary: 'Re-publish one dead letter as it was; 409 when closed, or obsolete unless force',
        params: DeadLetterIdParam,
        body: DeadLetterRedriveOneBody,
        response: { 200: RedriveOutcome, ...problems },
      },
    },
    async (request) =>
      refusing(() =>
        operations().redriveOne(request.params.deadLetterId, {
          force: request.body.force,
          actor: { subject: principalOf(request).subject, reason: request.body.reason },
        }),
      ),
  );

  app.post(
    '/api/operator/dead-letters/:deadLetterId/discard',
    {
      config: { roles: actors },
      schema: {
        tags: ['operator'],
        summary: 'Close a dead letter without sending it; a reason is required',
        params: DeadLetterIdParam,
        body: DeadLetterDiscardBody,
        response: { 200: DeadLetterRow, ...problems },
      },
    },
    async (request) =>
      refusing(() =>
        operations().discard(request.params.deadLetterId, {
          subject: principalOf(request).subject,
          reason: request.body.reason,
        }),
      ),
  );

  app.post(
    '/api/operator/dead-letters/redrive',
    {
      config: { roles: actors },
      schema: {
        tags: ['operator'],
        summary:
          'Re-publish open dead letters by ids or filter; closed ones never, obsolete ones only with force; dry run (the default) says what would happen',
        body: DeadLetterRedriveBody,
        response: { 200: RedriveReply, ...problems },
      },
    },
    async (request) => {
      const { deadLetterIds, topic, deadLetterReason, dossierId, all, dryRun, force, reason } = request.body;
      const outcomes = await refusing(() =>
        operations().redrive(
          { deadLetterIds, topic, reason: deadLetterReason, dossierId, all },
          { dryRun, force, actor: { subject: principalOf(request).subject, reason } },
        ),
      );
      return { dryRun, outcomes };
    },
  );
};
