import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
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
