import {
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  type ActivityOptions,
  type LocalActivityOptions,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';

const neverRetried = ['InvalidMessage', 'UnknownMessageType'];

// Publishing to Kafka is quick; a broker outage is retried for minutes, then the step fails and
// waits for an operator instead of hiding the problem in endless retries.
const publishing: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 12,
    nonRetryableErrorTypes: neverRetried,
  },
};

// What must reach the bus once the dossier has decided it (a status change, a cancellation) has no
// operator decision to wait for: it is retried for as long as the outage lasts, once a minute at
// most, so a long Kafka outage delays it but never fails the dossier. Only the retry policy
// differs, which Temporal keeps on the server: histories replay as before.
const untilDelivered: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: Number.POSITIVE_INFINITY,
    nonRetryableErrorTypes: neverRetried,
  },
};

/** The dossier workflows' side effects: agency commands, given up to an operator when the bus stays down. */
export const { sendAgencyCommand } = proxyActivities<ReturnType<typeof createActivities>>(publishing);

/** Status notifications and cancellations: delivered however long the bus is down. */
export const { publishDossierNotification, sendAgencyCommand: sendCancellation } =
  proxyActivities<ReturnType<typeof createActivities>>(untilDelivered);

// Since the 'cheap-dossier' patch status notifications run first as a local activity: one marker
// in the history instead of scheduled, started and completed events and a workflow task of their
// own. Safe because every publish is idempotent (deterministic command and notification ids,
// agencies dedupe their inbox). A local activity holds its workflow task open while it retries,
// so it gets a couple of quick attempts only; then the regular activity above takes over with its
// own retry policy (an outage costs what it cost before, nothing is dropped).
const locally: LocalActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: {
    initialInterval: '500 milliseconds',
    backoffCoefficient: 2,
    maximumAttempts: 3,
    nonRetryableErrorTypes: neverRetried,
  },
};

const local = proxyLocalActivities<ReturnType<typeof createActivities>>(locally);
const { publishDossierNotifications } = proxyActivities<ReturnType<typeof createActivities>>(untilDelivered);

/** Runs `first` (a local activity); if it gives up, `then` (the regular activity). Cancellation is not retried. */
async function localFirst(first: () => Promise<void>, then: () => Promise<void>): Promise<void> {
  try {
    await first();
  } catch (err) {
    if (isCancellation(err)) throw err;
    await then();
  }
}

type Notifications = Parameters<typeof publishDossierNotifications>[0];
type CommandRequest = Parameters<typeof sendAgencyCommand>[0];
/** Counts a local activity in flight (the dossier's flush loop waits for them). */
type Counted = <T>(call: () => Promise<T>) => Promise<T>;

/**
 * A step's command under the 'local-commands' patch: a local activity first (one marker, no
 * workflow task of its own; its result names the step, where the operator's reset finds it), then
 * the regular activity with its retry policy, whose failure leaves the step to an operator.
 */
export const sendAgencyCommandCheaply = (request: CommandRequest, counted: Counted) =>
  localFirst(
    async () => {
      await counted(() => local.sendAgencyCommand(request));
    },
    async () => {
      await sendAgencyCommand(request);
    },
  );

/** A workflow task's status notifications in one go, locally first, then however long the bus is down. */
export const publishDossierNotificationsCheaply = (notifications: Notifications, counted: Counted) =>
  localFirst(
    () => counted(() => local.publishDossierNotifications(notifications)),
    () => publishDossierNotifications(notifications),
  );

/** A workflow task's status changes and agency commands in one local activity ('batched-publish'). */
export const publishDossierBatchLocally = (batch: Parameters<typeof local.publishDossierBatch>[0], counted: Counted) =>
  counted(() => local.publishDossierBatch(batch));

/** Status changes however long the bus is down: what a failed batch's notifications fall back to. */
export { publishDossierNotifications };
export type { CommandRequest, Counted };
