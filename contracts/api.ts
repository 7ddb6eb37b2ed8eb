import { z } from 'zod';
import { AgencyId } from './agencies';
import { TaskQuery, TaskStatus } from './back-office';
import { DossierStatus, DossierStatusView, StepView } from './dossier-status';
import { SkipStepInput } from './dossier-workflow';
import { procedureIds } from './procedures';
import { Labels } from './procedures/define';
import { LineText, PlainText } from './values';

/**
 * Bodies, params and queries of the portal api, defined once here: the routes validate with them
 * and the OpenAPI document is generated from them.
 */

/** Dossier ids as the portal issues them: HS-<yyyymmdd>-<10 base32 characters>. */
export const DossierIdParam = z.strictObject({
  dossierId: z.string().regex(/^HS-[A-Z0-9-]{4,60}$/, 'must be a dossier id such as HS-20261123-7KQ2M9XZ4A'),
});

export const Reason = PlainText.trim().min(3, 'give a reason of at least 3 characters').max(500);

/** RFC 9457 problem details, with the failing field paths for validation problems. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  /** The dossier the problem is about, e.g. the one that already holds an application for the same birth. */
  dossierId: z.string().optional(),
  /** With a 503: the server or service that is down (postgres, temporal, kafka, back office, population registry). */
  dependency: z.string().optional(),
  /** The state the dossier is in, when an action conflicts with it (a finished dossier cannot be retried). */
  state: z.string().optional(),
});
export type Problem = z.infer<typeof Problem>;

export const DevLoginBody = z.strictObject({
  user: z
    .string()
    .min(1, 'name a demo user')
    .max(100)
    .regex(/^[a-z0-9-]+$/, 'must be a demo user name such as citizen-lan'),
});
export const DevLoginReply = z.object({
  token: z.string(),
  expiresInSeconds: z.number().int(),
  principal: z.record(z.string(), z.unknown()),
});

/** One dossier as the api returns it: the workflow's view, labelled from the catalogue in Vietnamese and English. */
export const DossierView = DossierStatusView.extend({
  procedureLabel: Labels,
  statusLabel: Labels,
  /** Steps past their legal due date while the dossier is open: where it is late, and since when. */
  overdueSteps: z.array(z.object({ stepId: z.string(), agency: AgencyId, agencyLabel: Labels, dueAt: z.string() })),
  steps: z.array(
    StepView.extend({
      /** Past its legal due date and not settled (a re-sent step keeps its legal date). */
      overdue: z.boolean(),
      label: Labels,
      agencyLabel: Labels,
      statusLabel: Labels,
      /** Why the step waits for an agency worker, in words (from its review flags). */
      reviewLabels: z.array(Labels).optional(),
      rejection: z.object({ reasonCode: z.string(), message: z.string(), label: Labels }).optional(),
      informationRequest: z
        .object({ fields: z.array(z.string()), message: z.string(), fieldLabels: z.record(z.string(), Labels) })
        .optional(),
    }),
  ),
});
export type DossierView = z.infer<typeof DossierView>;

export const Submitted = z.object({ dossierId: z.string(), status: z.string(), created: z.boolean() });

/** One line of a dossier list, read from Temporal visibility. */
export const DossierSummary = z.object({
  dossierId: z.string(),
  procedure: z.string().optional(),
  status: z.string().optional(),
  workflowStatus: z.string(),
  startedAt: z.string().optional(),
  closedAt: z.string().optional(),
  currentSteps: z.array(z.string()),
  agenciesWaitedOn: z.array(z.string()),
  earliestDueAt: z.string().optional(),
  overdue: z.boolean(),
  failing: z.boolean(),
});
export type DossierSummary = z.infer<typeof DossierSummary>;

const flag = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');
const limit = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(500, 'must be at most 500')
  .default(50);

export const CitizenListQuery = z.strictObject({ limit });

/** Operator search over visibility; every filter is optional and they combine with AND. */
export const SearchQuery = z.strictObject({
  status: DossierStatus.optional(),
  procedure: z.enum(procedureIds).optional(),
  agency: AgencyId.optional(),
  step: z
    .string()
    .regex(/^[a-z-]{3,60}$/, 'must be a step id such as register-birth')
    .optional(),
  overdue: flag.optional(),
  failing: flag.optional(),
  /** Temporal reports its workflow tasks failing (a worker that cannot run or replay it). */
  taskFailing: flag.optional(),
  running: flag.optional(),
  from: z.iso.datetime({ offset: true, error: 'must be an ISO date-time' }).optional(),
  to: z.iso.datetime({ offset: true, error: 'must be an ISO date-time' }).optional(),
  limit,
});
export type SearchQuery = z.infer<typeof SearchQuery>;

export const stuckReasons = [
  'overdue',
  'failed-awaiting-operator',
  'workflow-task-failing',
  'dead-lettered',
  'outbox-lag',
] as const;
export type StuckReason = (typeof stuckReasons)[number];
/** A running dossier that needs a look: why, in words, and the agencies it concerns. */
export const StuckDossier = DossierSummary.extend({
  reasons: z.array(z.enum(stuckReasons)),
  detail: z.array(z.string()),
  agencies: z.array(z.string()),
});
export type StuckDossier = z.infer<typeof StuckDossier>;
export const StuckQuery = z.strictObject({
  limit: z.coerce.number().int().min(1, 'must be at least 1').max(500, 'must be at most 500').default(50),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,4000}$/, 'must be the nextCursor of an earlier page')
    .optional(),
});
/** One page of the stuck list, with how many there are in all and by reason, and each agency's outbox and dead letters. */
export const StuckList = z.object({
  total: z.number().int(),
  counts: z.record(z.enum(stuckReasons), z.number().int()),
  agencies: z.array(
    z.object({
      agency: z.string(),
      outboxUnpublished: z.number().int().nullable(),
      outboxOldestAgeSeconds: z.number().nullable(),
      outboxLagging: z.boolean(),
      deadLetteredDossiers: z.number().int(),
      /** Why the figures are missing (its back office did not answer). */
      error: z.string().optional(),
    }),
  ),
  dossiers: z.array(StuckDossier),
  nextCursor: z.string().optional(),
});
export type StuckList = z.infer<typeof StuckList>;

export const SupplyInformationBody = z.strictObject({
  stepId: z.string().min(1),
  fields: z
    .record(LineText.min(1).max(100), PlainText.trim().min(1, 'must not be empty').max(2000))
    .refine((f) => Object.keys(f).length > 0, 'must supply at least one field'),
});
export const WithdrawBody = z.strictObject({ reason: Reason });
export const StepParam = DossierIdParam.extend({
  stepId: z.string().regex(/^[a-z-]{3,60}$/, 'must be a step id such as register-birth'),
});
export const RetryBody = z.strictObject({ reason: Reason });
export const SkipBody = z.strictObject({ reason: Reason, result: SkipStepInput.shape.result });
export const TerminateBody = z.strictObject({ reason: Reason });
/** Back to just before a step sent its first command, or to the last workflow task before a bad deploy. */
export const ResetBody = z
  .strictObject({
    reason: Reason,
    beforeStep: z
      .string()
      .regex(/^[a-z-]{3,60}$/, 'must be a step id such as register-residence')
      .optional(),
    lastGoodBefore: z.iso
      .datetime({ offset: true, error: 'must be an ISO date-time (when the bad worker was deployed)' })
      .optional(),
  })
  .refine((b) => (b.beforeStep === undefined) !== (b.lastGoodBefore === undefined), {
    path: ['beforeStep'],
    message: 'give exactly one of beforeStep or lastGoodBefore',
  });
/** The same filters in a JSON body, with real booleans. */
export const BulkFilters = SearchQuery.omit({ limit: true }).extend({
  overdue: z.boolean().optional(),
  failing: z.boolean().optional(),
  taskFailing: z.boolean().optional(),
  running: z.boolean().optional(),
});
export type BulkFilters = z.infer<typeof BulkFilters>;
export const BulkBody = z.strictObject({
  query: BulkFilters,
  action: z.enum(['retry', 'terminate']),
  stepId: z
    .string()
    .regex(/^[a-z-]{3,60}$/)
    .optional(),
  reason: Reason,
  dryRun: z.boolean().default(true),
});

/** A bulk job: retry a step, reset, or terminate every running dossier a search matches; a dry run (the default) only counts. */
export const BulkJobBody = z
  .strictObject({
    query: BulkFilters,
    action: z.enum(['retry', 'reset', 'terminate']),
    stepId: z
      .string()
      .regex(/^[a-z-]{3,60}$/, 'must be a step id such as register-residence')
      .optional(),
    reset: z
      .union([
        z.strictObject({
          beforeStep: z.string().regex(/^[a-z-]{3,60}$/, 'must be a step id such as register-residence'),
        }),
        z.strictObject({
          lastGoodBefore: z.iso.datetime({
            offset: true,
            error: 'must be an ISO date-time (when the bad worker was deployed)',
          }),
        }),
      ])
      .optional(),
    reason: Reason,
    dryRun: z.boolean().default(true),
    concurrency: z.number().int().min(1, 'must be at least 1').max(32, 'must be at most 32').default(4),
  })
  .refine((b) => b.action !== 'retry' || b.stepId !== undefined, { path: ['stepId'], message: 'is required for retry' })
  .refine((b) => b.action !== 'reset' || b.reset !== undefined, {
    path: ['reset'],
    message: 'is required for reset: { beforeStep } or { lastGoodBefore }',
  });
export const BulkJobParam = z.strictObject({
  jobId: z.string().regex(/^job-[0-9a-f-]{36}$/, 'must be a job id such as job-0b6f…'),
});
export const BulkDryRun = z.object({ dryRun: z.literal(true), matched: z.number().int(), query: z.string() });
export const BulkJobProgress = z.object({
  jobId: z.string(),
  action: z.enum(['retry', 'reset', 'terminate']),
  state: z.enum(['running', 'done']),
  active: z.boolean(),
  matched: z.number().int(),
  pending: z.number().int(),
  done: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  outcomes: z.array(z.object({ dossierId: z.string(), state: z.string(), reason: z.string() })),
  createdAt: z.string(),
  finishedAt: z.string().optional(),
});

export const AgencyParam = z.strictObject({ agency: AgencyId });
export const TaskParam = AgencyParam.extend({ taskId: LineText.min(1).max(300) });
/** The back office's task query, with the api's defaults: tasks awaiting a worker, 50 at a time. */
export const TaskListQuery = TaskQuery.extend({ status: TaskStatus.default('awaiting-worker'), limit });
/** Tasks reach the api as the back office lists them. */
export { Task } from './back-office';
export const TaskDecisionBody = z.discriminatedUnion('decision', [
  z.strictObject({ decision: z.literal('approve'), reason: Reason.optional() }),
  z.strictObject({
    decision: z.literal('reject'),
    reasonCode: z.string().regex(/^[A-Z_]{3,60}$/, 'must be a reason code such as REJECTED_BY_OFFICER'),
    message: PlainText.trim().min(3).max(1000),
  }),
  z.strictObject({
    decision: z.literal('request-information'),
    fields: z.array(LineText.min(1).max(100)).min(1, 'name at least one field'),
    message: PlainText.trim().min(3).max(1000),
  }),
]);

export const AuditQueryParams = z.strictObject({
  dossierId: LineText.min(1).max(100).optional(),
  actor: LineText.min(1).max(100).optional(),
  since: z.iso.datetime({ offset: true, error: 'must be an ISO date-time' }).optional(),
  limit,
});
