import { condition } from '@temporalio/workflow';
import { publishDossierNotification, publishDossierNotificationsCheaply } from './activities';
import type { DossierState } from './dossier-state';
import { batchSettled, publishInBatches } from './publishing';

/** Publishes the dossier's queued status changes in order; runs beside the stages until `done`. */
export async function notifyLoop(state: DossierState, done: () => boolean): Promise<void> {
  if (state.batched) {
    await Promise.all([publishInBatches(state, done), upsertOncePerTask(state, done)]);
    return;
  }
  if (state.cheap) {
    await Promise.all([notifyInBatches(state, done), upsertOncePerTask(state, done)]);
    return;
  }
  for (;;) {
    await condition(() => state.notifications.length > 0 || done());
    const notification = state.notifications.shift();
    if (notification === undefined) return;
    await publishDossierNotification(notification);
  }
}

/**
 * A cheap dossier publishes, once the workflow task's commands are out (no local activity in
 * flight), every status change queued so far in one go, in order.
 */
async function notifyInBatches(state: DossierState, done: () => boolean): Promise<void> {
  for (;;) {
    await condition(() => state.localCalls === 0 && (state.notifications.length > 0 || done()));
    if (state.notifications.length === 0) return;
    await publishDossierNotificationsCheaply(state.notifications.splice(0), state.counted);
  }
}

/**
 * A cheap dossier upserts its search attributes when its workflow task's work is done (no local
 * activity in flight), and only if they changed: one upsert per workflow task at most.
 */
async function upsertOncePerTask(state: DossierState, done: () => boolean): Promise<void> {
  for (;;) {
    // Under 'batched-publish' also once the batch is out: its commands change the steps again.
    const settled = () => (state.batched ? batchSettled(state) : state.localCalls === 0);
    await condition(() => settled() && (state.searchAttributesChanged || done()));
    if (!state.searchAttributesChanged) return;
    state.flushSearchAttributes();
  }
}
