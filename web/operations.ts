import type { FastifyBaseLogger } from 'fastify';
import { cachedSource, deadLetterRecordSource, deadLetterTopicSource, type OperationsDeps } from '../ops/operations';
import type { ApiContext } from './context';

/**
 * What the operations module runs on in an api process, built once for the api routes and the
 * pages alike, so both see the same stuck list (the same open dead letters) and the same rates.
 */
export function operationsDepsOf(ctx: ApiContext, log: FastifyBaseLogger): OperationsDeps {
  return {
    dossiers: ctx.dossiers,
    audit: ctx.audit,
    namespace: ctx.namespace,
    codec: ctx.codec,
    kafka: ctx.kafka,
    backOffices: ctx.backOffices,
    // Open dead letters from their records where this process keeps them, else from the topics.
    openDeadLetters:
      ctx.openDeadLetters ??
      (ctx.deadLetters
        ? cachedSource(deadLetterRecordSource(ctx.deadLetters.list), 2_000)
        : ctx.kafka
          ? cachedSource(deadLetterTopicSource(ctx.kafka), 5_000)
          : undefined),
    temporalUiUrl: ctx.temporalUiUrl,
    stepTimings: ctx.stepTimings,
    log,
  };
}
