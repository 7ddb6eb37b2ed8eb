import { z } from 'zod';
import { AgencyId } from './agencies';

/** The task queue the orchestrator worker polls for dossier workflows and their activities. */
export const orchestratorTaskQueue = 'lienthong-orchestrator';

/** One workflow execution per dossier: its workflow id is the dossier id. */
export const dossierWorkflowId = (dossierId: string) => dossierId;

/** Dossier ids as the portal shows them: HS-<yyyymmdd>-<10 base-32 characters>. */
export const DossierId = z.string().regex(/^HS-\d{8}-[0-9A-Z]{10}$/, 'must look like HS-20261123-7K3M9Q2XAB');
export type DossierId = z.infer<typeof DossierId>;

/** Names of the dossier workflows' signals, queries and updates (definitions live in workflows/). */
export const dossierMessageNames = {
  agencyEvent: 'agencyEvent',
  status: 'status',
  supplyInformation: 'supplyInformation',
  withdraw: 'withdraw',
  retryStep: 'retryStep',
  skipStep: 'skipStep',
} as const;

/** An agency event as the event bridge hands it to the dossier workflow (already validated on the bus). */
export const AgencyEventDelivery = z.strictObject({
  eventId: z.string().min(1),
  type: z.string().min(1),
  agency: AgencyId,
  stepId: z.string().min(1),
  commandId: z.string().min(1),
  occurredAt: z.iso.datetime({ offset: true }),
  data: z.record(z.string(), z.unknown()),
});
export type AgencyEventDelivery = z.infer<typeof AgencyEventDelivery>;

const reason = z.string().trim().min(3, 'give a reason of at least 3 characters').max(500);
const actor = z.string().trim().min(1, 'must name who acts').max(100);

/** A citizen's answer to an agency's request for more information. */
export const SupplyInformationInput = z.strictObject({
  stepId: z.string().min(1),
  fields: z
    .record(z.string().min(1).max(100), z.string().trim().min(1, 'must not be empty').max(2000))
    .refine((fields) => Object.keys(fields).length > 0, 'must supply at least one field'),
});
export type SupplyInformationInput = z.infer<typeof SupplyInformationInput>;

/** A citizen withdrawing the dossier before it completes. */
export const WithdrawInput = z.strictObject({ reason, requestedBy: actor });
export type WithdrawInput = z.infer<typeof WithdrawInput>;

/** An operator re-sending a step's command now. */
export const RetryStepInput = z.strictObject({ stepId: z.string().min(1), operator: actor, reason });
export type RetryStepInput = z.infer<typeof RetryStepInput>;

/** An operator closing a step by hand with a manual result. */
export const SkipStepInput = z.strictObject({
  stepId: z.string().min(1),
  operator: actor,
  reason,
  result: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});
export type SkipStepInput = z.infer<typeof SkipStepInput>;

/** Tunable timing of a dossier workflow; defaults follow the legal rules, tests and demos shrink them. */
export const DossierSettings = z.strictObject({
  /** Sends of one step's command before it fails and waits for an operator. */
  maxAttempts: z.number().int().min(1).max(20).default(3),
  /** Backoff before re-sending an overdue command, doubled each time. */
  resendBackoffSeconds: z.number().min(0).max(86_400).default(60),
  /** The scaled clock shared with the agencies: simulated time runs `factor` times faster from the epochs. */
  clock: z
    .strictObject({
      realEpochMs: z.number().int().min(0),
      simulatedEpochMs: z.number().int().min(0),
      factor: z.number().min(1).max(1_000_000),
    })
    .default({ realEpochMs: 0, simulatedEpochMs: 0, factor: 1 }),
  /** Public holidays (ISO dates) in addition to the calendar's defaults. */
  extraHolidays: z.array(z.iso.date()).default([]),
  /** Continue as new once the history has this many events; unset = when Temporal suggests it. */
  continueAsNewAfterEvents: z.number().int().min(20).max(50_000).optional(),
});
export type DossierSettings = z.infer<typeof DossierSettings>;
