import { condition, isCancellation } from '@temporalio/workflow';
import {
  publishDossierBatchLocally,
  publishDossierNotifications,
  sendAgencyCommand,
  sendAgencyCommandCheaply,
  type CommandRequest,
} from './activities';
import type { DossierState } from './dossier-state';

/** A step's command waiting for the workflow task's batch. */
export interface OutgoingCommand {
  request: CommandRequest;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Sends a step's command. Under the 'batched-publish' patch it joins the workflow task's batch, so
 * the commands of parallel steps and the status changes before them cost one local activity
 * marker; while a failed batch falls back to regular activities, a command goes on its own, as a
 * regular activity too.
 */
export function sendCommand(state: DossierState, request: CommandRequest): Promise<void> {
  if (!state.batched) return sendAgencyCommandCheaply(request, state.counted);
  // Not a second local activity beside the batch's: concurrent local activities resolve in another
  // order on replay than when they ran, and the dossier's workflow tasks would not replay.
  if (state.degraded) return sendAgencyCommand(request).then(() => undefined);
  return new Promise((resolve, reject) => state.outbox.push({ request, resolve, reject }));
}

/**
 * The publishing loop of a dossier under 'batched-publish': once the workflow task's work is done
 * (no local activity in flight), everything queued (commands, then status changes in order) goes
 * out in one local activity. When it gives up, each part falls back to its regular activity:
 * commands with their retry policy (a failure leaves the step to an operator), notifications for
 * as long as the bus is down; meanwhile new commands go out on their own, not behind them.
 */
export async function publishInBatches(state: DossierState, done: () => boolean): Promise<void> {
  for (;;) {
    await condition(
      () => state.localCalls === 0 && (state.notifications.length > 0 || state.outbox.length > 0 || done()),
    );
    if (state.notifications.length === 0 && state.outbox.length === 0) return;
    const notifications = state.notifications.splice(0);
    const commands = state.outbox.splice(0);
    try {
      await publishDossierBatchLocally({ notifications, commands: commands.map((c) => c.request) }, state.counted);
      for (const command of commands) command.resolve();
    } catch (err) {
      if (isCancellation(err)) {
        for (const command of commands) command.reject(err);
        throw err;
      }
      state.degraded = true;
      const sends = commands.map((command) =>
        sendAgencyCommand(command.request).then(() => command.resolve(), command.reject),
      );
      try {
        // The status changes may count the commands as sent ('sent-with-command'): they follow them.
        if (state.sentWithCommand) await Promise.all(sends);
        if (notifications.length > 0) await publishDossierNotifications(notifications);
      } finally {
        state.degraded = false;
      }
    }
  }
}

/** Nothing is queued for the next batch: the workflow task may upsert its search attributes. */
export const batchSettled = (state: DossierState) =>
  state.localCalls === 0 && state.notifications.length === 0 && state.outbox.length === 0;
