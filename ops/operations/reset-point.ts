import { defaultPayloadConverter, type PayloadCodec } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { InvalidRequestError } from './errors';

type History = temporal.api.history.v1.IHistory;

/** Where a reset goes back to: just before a step sent its first command, or the last workflow task before a bad deploy. */
export type ResetTarget = { beforeStep: string } | { lastGoodBefore: string };

const seconds = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : undefined;

/**
 * The workflow-task-completed event id to reset to. For a step: the task that scheduled its first
 * `sendAgencyCommand` (the step then runs again). For a bad deploy: the last workflow task that
 * completed before the deploy time, so every decision the bad worker took is undone.
 */
export async function findResetPoint(history: History, codec: PayloadCodec, target: ResetTarget): Promise<number> {
  const events = history.events ?? [];
  if ('beforeStep' in target) {
    for (const event of events) {
      const scheduled = event.activityTaskScheduledEventAttributes;
      if (!scheduled || scheduled.activityType?.name !== 'sendAgencyCommand') continue;
      const payloads = await codec.decode((scheduled.input?.payloads ?? []) as temporal.api.common.v1.IPayload[]);
      const command = payloads[0] ? (defaultPayloadConverter.fromPayload(payloads[0]) as { stepId?: string }) : {};
      if (command.stepId === target.beforeStep) return Number(scheduled.workflowTaskCompletedEventId);
    }
    throw new InvalidRequestError(
      `step ${target.beforeStep} never sent a command in this dossier`,
      'beforeStep',
      'must be a step that has started',
    );
  }
  const deployedAt = Date.parse(target.lastGoodBefore);
  let last: number | undefined;
  for (const event of events) {
    if (!event.workflowTaskCompletedEventAttributes) continue;
    const at = seconds(event.eventTime as { seconds?: unknown; nanos?: number });
    if (at !== undefined && at >= deployedAt) break;
    last = Number(event.eventId);
  }
  if (last === undefined)
    throw new InvalidRequestError(
      `no workflow task of this dossier completed before ${target.lastGoodBefore}`,
      'lastGoodBefore',
      'must be after the dossier started',
    );
  return last;
}
