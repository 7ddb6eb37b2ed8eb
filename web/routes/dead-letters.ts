import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DeadLetterQuery, Problem, RedriveBody } from '../../contracts/api';
import { allTopicNames } from '../../contracts/topics';
import { listDeadLetters, redriveDeadLetters } from '../../ops/dead-letters/topic';
import { principalOf } from '../auth';
import { unavailable, unprocessable } from '../problems';
import type { ApiContext } from '../context';

const problems = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem, 503: Problem };
const readers = ['operator', 'auditor'] as const;
const actors = ['operator'] as const;

const DeadLetterRow = z.object({
  id: z.string().optional(),
  type: z.string().optional(),
  key: z.string().optional(),
  reason: z.string().optional(),
  error: z.string().optional(),
  originalTopic: z.string(),
  originalPartition: z.number().optional(),
  originalOffset: z.string().optional(),
  deadLetteredAt: z.string().optional(),
});

/** Operators' dead letters: list and redrive (the logic is in ops/dead-letters). */
export const deadLetterRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, ctx) => {
  const knownTopic = (topic: string) => {
    if (!allTopicNames().includes(topic))
      throw unprocessable(`unknown topic ${topic}`, [
        { path: 'topic', message: `must be one of ${allTopicNames().join(', ')}` },
      ]);
  };
  const kafka = () => {
    if (!ctx.kafka) throw unavailable('Kafka is not reachable from this api process');
    return ctx.kafka;
  };

  app.get(
    '/api/operator/dead-letters',
    {
      config: { roles: readers },
      schema: {
        tags: ['operator'],
        summary: "A topic's dead letters with their reasons",
        querystring: DeadLetterQuery,
        response: { 200: z.array(DeadLetterRow), ...problems },
      },
    },
    async (request) => {
      knownTopic(request.query.topic);
      return (await listDeadLetters(kafka(), request.query.topic)).map(
        ({ dlqPartition: _p, dlqOffset: _o, ...row }) => row,
      );
    },
  );

  app.post(
    '/api/operator/dead-letters/redrive',
    {
      config: { roles: actors },
      schema: {
        tags: ['operator'],
        summary: 'Re-publish chosen dead letters to their original topic; dry run (the default) only lists them',
        body: RedriveBody,
        response: { 200: z.object({ dryRun: z.boolean(), messages: z.array(DeadLetterRow) }), ...problems },
      },
    },
    async (request) => {
      const { topic, ids, reason, all, dryRun, why } = request.body;
      knownTopic(topic);
      if (!all && !ids?.length && !reason)
        throw unprocessable('choose what to redrive', [{ path: 'ids', message: 'give ids, a reason, or all: true' }]);
      // Recorded before anything is re-published: the row names the dead letters chosen now, and
      // only those are redriven (where each has an id).
      const chosen = await redriveDeadLetters(kafka(), topic, { ids, reason, all }, { dryRun: true });
      let rows = chosen;
      if (!dryRun && chosen.length > 0) {
        const chosenIds = chosen.map((r) => r.id);
        await ctx.audit.append({
          actor: principalOf(request).subject,
          role: 'operator',
          action: 'dead-letters.redrive',
          reason: why,
          details: { topic, count: chosen.length, ids: chosenIds },
        });
        const selection = chosenIds.every((id) => id !== undefined)
          ? { ids: chosenIds as string[] }
          : { ids, reason, all };
        rows = await redriveDeadLetters(kafka(), topic, selection, { dryRun: false });
      }
      return { dryRun, messages: rows.map(({ dlqPartition: _p, dlqOffset: _o, ...row }) => row) };
    },
  );
};
