import { z } from 'zod';
import { AgencyId } from './agencies';
import { ProcedureId } from './procedures/define';

/** A step's status inside a dossier: more detail than the portal shows, which is the point. */
export const StepStatus = z.enum([
  'pending',
  'sent',
  'in-progress',
  'awaiting-agency-worker',
  'awaiting-citizen',
  'overdue',
  'retrying',
  'completed',
  'rejected',
  'failed',
  'skipped',
  'cancelled',
]);
export type StepStatus = z.infer<typeof StepStatus>;

/**
 * The portal statuses of domain.md, plus `partially-completed` for a dossier whose later parallel
 * step was rejected while the others completed.
 */
export const DossierStatus = z.enum([
  'submitted',
  'received',
  'processing',
  'additional-info-requested',
  'processed',
  'result-returned',
  'partially-completed',
  'not-accepted',
  'withdrawn',
  'rejected',
]);
export type DossierStatus = z.infer<typeof DossierStatus>;

/** The statuses a dossier ends in: nothing changes after them. */
export const closedDossierStatuses: readonly DossierStatus[] = [
  'result-returned',
  'partially-completed',
  'withdrawn',
  'rejected',
  'not-accepted',
];

/** One step as the status query and notifications show it. */
export const StepView = z.object({
  stepId: z.string(),
  agency: AgencyId,
  status: StepStatus,
  attempts: z.number().int().min(0),
  commandId: z.string().optional(),
  sentAt: z.string().optional(),
  acknowledgedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  dueAt: z.string().optional(),
  lastError: z.string().optional(),
  result: z.record(z.string(), z.unknown()).optional(),
  rejection: z.object({ reasonCode: z.string(), message: z.string() }).optional(),
  informationRequest: z.object({ fields: z.array(z.string()), message: z.string() }).optional(),
  /** Why the agency's rules left this step to one of its workers (its task flags). */
  reviewFlags: z.array(z.string()).optional(),
});
export type StepView = z.infer<typeof StepView>;

/** An operator's action on the dossier, kept in its status so the history explains itself. */
export const OperatorActionRecord = z.object({
  action: z.string(),
  stepId: z.string(),
  actor: z.string(),
  reason: z.string(),
  at: z.string(),
});

/** The whole picture of one dossier: what the `status` query returns. */
export const DossierStatusView = z.object({
  dossierId: z.string(),
  procedure: ProcedureId,
  citizenId: z.string(),
  status: DossierStatus,
  submittedAt: z.string(),
  updatedAt: z.string(),
  steps: z.array(StepView),
  operatorActions: z.array(OperatorActionRecord),
  ignoredEvents: z.number().int().min(0),
  /** What the citizen applied for, shown back to them; absent in dossiers started before it was kept. */
  application: z.record(z.string(), z.unknown()).optional(),
});
export type DossierStatusView = z.infer<typeof DossierStatusView>;

/**
 * Published on the notifications topic at every dossier status change. The citizen is named by
 * their pseudonymous key (`c-…`, as in Temporal visibility), never by ID number; absent for
 * dossiers started without one.
 */
export const DossierStatusChanged = z.object({
  dossierId: z.string(),
  procedure: ProcedureId,
  citizenKey: z
    .string()
    .regex(/^c-[a-z2-7]{26}$/)
    .optional(),
  status: DossierStatus,
  changedAt: z.string(),
  steps: z.array(StepView),
});
export type DossierStatusChanged = z.infer<typeof DossierStatusChanged>;
