import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { createActivities } from '../activities';

// Publishing to Kafka is quick; a broker outage is retried for minutes, then the step fails and
// waits for an operator instead of hiding the problem in endless retries.
const publishing: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 12,
    nonRetryableErrorTypes: ['InvalidMessage', 'UnknownMessageType'],
  },
};

/** The dossier workflows' side effects: agency commands and status notifications. */
export const { sendAgencyCommand, publishDossierNotification } =
  proxyActivities<ReturnType<typeof createActivities>>(publishing);
