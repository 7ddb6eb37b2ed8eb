import { condition } from '@temporalio/workflow';
import { publishDossierNotification } from './activities';
import type { DossierState } from './dossier-state';

/** Publishes the dossier's queued status changes in order; runs beside the stages until `done`. */
export async function notifyLoop(state: DossierState, done: () => boolean): Promise<void> {
  for (;;) {
    await condition(() => state.notifications.length > 0 || done());
    const notification = state.notifications.shift();
    if (notification === undefined) return;
    await publishDossierNotification(notification);
  }
}
