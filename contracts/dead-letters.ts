import { z } from 'zod';
import { Reason } from './api';
import { allTopicNames } from './topics';
import { LineText } from './values';

/**
 * The operator api of dead letters (bodies, params, answers), defined once: the routes validate
 * with them, the OpenAPI document comes from them, the command line reads answers with them.
 */

export const deadLetterStates = ['open', 'redriven', 'discarded'] as const;
export const DeadLetterState = z.enum(deadLetterStates);

/** The topics a dead letter can come from: every topic but the dead-letter topics themselves. */
export const deadLetterSourceTopics = allTopicNames().filter((topic) => !topic.endsWith('.dlq'));
const Topic = z.enum(deadLetterSourceTopics as [string, ...string[]], {
  error: `must be one of ${deadLetterSourceTopics.join(', ')}`,
});
const DeadLetterId = z.uuid({ error: 'must be a dead-letter id (a UUID, as lists show it)' });

export const DeadLetterIdParam = z.strictObject({ deadLetterId: DeadLetterId });

export const DeadLetterListQuery = z.strictObject({
  topic: Topic.optional(),
  /** Open ones by default; `all` for every state. */
  state: z.enum([...deadLetterStates, 'all'], { error: 'must be open, redriven, discarded or all' }).default('open'),
  dossierId: LineText.min(1).max(100).optional(),
  reason: LineText.min(1).max(100).optional(),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(1000, 'must be at most 1000')
    .default(100),
});

/** One dead letter as lists show it: where it failed, why, and what became of it; never its data. */
export const DeadLetterRow = z.object({
  deadLetterId: z.string(),
  state: DeadLetterState,
  topic: z.string(),
  partition: z.number().nullable(),
  offset: z.string().nullable(),
  consumerGroup: z.string().nullable(),
  key: z.string().nullable(),
  eventId: z.string().nullable(),
  eventType: z.string().nullable(),
  dossierId: z.string().nullable(),
  stepId: z.string().nullable(),
  attempt: z.number().nullable(),
  reason: z.string(),
  error: z.string(),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
  timesSeen: z.number(),
  /** The dead letter this one is a redriven or fixed copy of. */
  redrivenFrom: z.string().nullable(),
  closedAt: z.string().nullable(),
  closedBy: z.string().nullable(),
  closeReason: z.string().nullable(),
  fix: z.object({ beforeSha256: z.string(), afterSha256: z.string(), changedPaths: z.array(z.string()) }).nullable(),
});
export type DeadLetterRow = z.infer<typeof DeadLetterRow>;

/** One dead letter opened: its CloudEvents attributes, who signed it, and its data (personal data: operators only, audited). */
export const DeadLetterDetail = DeadLetterRow.extend({
  signedBy: z.string().optional(),
  attributes: z.record(z.string(), z.string()),
  data: z.unknown().optional(),
  /** Why the data could not be opened or read, when it could not. */
  problem: z.string().optional(),
});
export type DeadLetterDetail = z.infer<typeof DeadLetterDetail>;

export const DeadLetterFixBody = z.strictObject({
  /** The corrected data, validated against the topic's schema for the dead letter's type. */
  payload: z.record(z.string(), z.unknown(), { error: 'must be a JSON object: the corrected data of the event' }),
  reason: Reason,
});
export const DeadLetterRedriveOneBody = z.strictObject({
  reason: Reason,
  /** Send it even when it is obsolete (an older attempt, or of a step already decided). */
  force: z.boolean().default(false),
});
export const DeadLetterDiscardBody = z.strictObject({ reason: Reason });

/** Redrive by ids or by filter; closed ones are never re-sent, obsolete ones only with `force`. */
export const DeadLetterRedriveBody = z.strictObject({
  deadLetterIds: z.array(DeadLetterId).min(1).max(1000).optional(),
  topic: Topic.optional(),
  /** The dead letters' reason, e.g. handler-failed. */
  deadLetterReason: LineText.min(1).max(100).optional(),
  dossierId: LineText.min(1).max(100).optional(),
  all: z.literal(true).optional(),
  dryRun: z.boolean().default(true),
  force: z.boolean().default(false),
  /** Why the operator redrives (audited). */
  reason: Reason,
});

export const RedriveOutcome = z.object({
  deadLetterId: z.string(),
  topic: z.string().nullable(),
  dossierId: z.string().nullable(),
  stepId: z.string().nullable(),
  attempt: z.number().nullable(),
  reason: z.string().nullable(),
  outcome: z.enum(['redriven', 'would-redrive', 'skipped', 'failed']),
  because: z.string().optional(),
  obsolete: z.string().optional(),
});
export type RedriveOutcome = z.infer<typeof RedriveOutcome>;
export const RedriveReply = z.object({ dryRun: z.boolean(), outcomes: z.array(RedriveOutcome) });
export type RedriveReply = z.infer<typeof RedriveReply>;
