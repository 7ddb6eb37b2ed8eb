import { defaultPayloadConverter, type PayloadCodec } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { InvalidRequestError } from './errors';

type History = temporal.api.history.v1.IHistory;

/** Where a reset goes back to: just before a step sent its first command, or the last workflow task before a bad deploy. */
export type ResetTarget = { beforeStep: string } | { lastGoodBefore: string };

const seconds = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : undefined;

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Payload = temporal.api.common.v1.IPayload;

const decoded = async (codec: PayloadCodec, payload: Payload | undefined) =>
  payload ? (defaultPayloadConverter.fromPayload((await codec.decode([payload]))[0]!) as unknown) : undefined;

/**
 * The steps whose agency commands the event sent: a scheduled `sendAgencyCommand` activity names
 * its step in its input; a local one (the 'local-commands' patch) in its marker's result, and a
 * workflow task's batch (the 'batched-publish' patch) lists every step it sent a command for.
 * Core writes a local activity's marker data itself, as plain JSON.
 */
async function stepsSent(event: HistoryEvent, codec: PayloadCodec): Promise<string[]> {
  const scheduled = event.activityTaskScheduledEventAttributes;
  if (scheduled?.activityType?.name === 'sendAgencyCommand') {
    const input = (await decoded(codec, scheduled.input?.payloads?.[0])) as { stepId?: string } | undefined;
    return input?.stepId ? [input.stepId] : [];
  }
  const marker = event.markerRecordedEventAttributes;
  if (marker?.markerName !== 'core_local_activity') return [];
  const data = marker.details?.data?.payloads?.[0];
  const activity = data ? (defaultPayloadConverter.fromPayload(data) as { activity_type?: string }) : {};
  if (activity.activity_type !== 'sendAgencyCommand' && activity.activity_type !== 'publishDossierBatch') return [];
  const result = (await decoded(codec, marker.details?.result?.payloads?.[0])) as
    { stepId?: string; sent?: { stepId: string }[] } | undefined;
  if (result?.sent) return result.sent.map((s) => s.stepId);
  return result?.stepId ? [result.stepId] : [];
}

/**
 * The workflow-task-completed event id to reset to. For a step: the task that sent its first
 * command (the step then runs again). For a bad deploy: the last workflow task that
 * completed before the deploy time, so every decision the bad worker took is undone.
 */
export async function findResetPoint(history: History, codec: PayloadCodec, target: ResetTarget): Promise<number> {
  const events = history.events ?? [];
  if ('beforeStep' in target) {
    // A command's events follow the completion of the workflow task that sent it.
    let completed: number | undefined;
    for (const event of events) {
      if (event.workflowTaskCompletedEventAttributes) completed = Number(event.eventId);
      else if (completed !== undefined && (await stepsSent(event, codec)).includes(target.beforeStep)) return completed;
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
