import { ApplicationFailure } from '@temporalio/activity';
import { KafkaJSNumberOfRetriesExceeded } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createActivities } from '../../../activities';
import { InvalidMessageError, PublishFailedError } from '../../../platform/bus';

const notification = {
  dossierId: 'HS-1',
  status: 'submitted',
  changedAt: '2026-11-23T09:00:00.000Z',
} as unknown as Parameters<ReturnType<typeof createActivities>['publishDossierNotification']>[0];

function activitiesFailingWith(err: unknown) {
  return createActivities({ publisher: { publish: () => Promise.reject(err) } });
}

describe('activities facing bus errors', () => {
  it('fail for good, under the error type, when the bus says trying again cannot help', async () => {
    const failure: unknown = await activitiesFailingWith(new InvalidMessageError('does not fit'))
      .publishDossierNotification(notification)
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'InvalidMessage', nonRetryable: true, message: 'does not fit' });
  });

  it.each([
    ['a retriable bus error', new PublishFailedError('broker away')],
    // kafkajs marks an exhausted retry `retriable: false`; a broker outage must still leave Temporal retrying.
    [
      'a kafkajs error',
      new KafkaJSNumberOfRetriesExceeded(new Error('Connection timeout'), { retryCount: 5, retryTime: 1 }),
    ],
  ])('rethrow %s as it is, so Temporal retries the activity', async (_, err) => {
    await expect(activitiesFailingWith(err).publishDossierNotification(notification)).rejects.toBe(err);
  });
});
