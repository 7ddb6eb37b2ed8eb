import type { NotificationChannel } from '../contracts/notifications';
import type { Logger } from '../platform/logger';
import type { NotificationStore } from './store';
import { DeliveryError, type Transport } from './transports';

/** Backoff before the retry after `attempts` failed attempts. */
export function deliveryBackoffMs(attempts: number, initialMs: number, maxMs: number): number {
  return Math.min(initialMs * 2 ** Math.max(0, attempts - 1), maxMs);
}

/** The error text kept on a row: never the recipient's number or address. */
export function redactedError(message: string, recipient: string, hint: string): string {
  return message.split(recipient).join(hint);
}

/**
 * Hands due deliveries to their channel's transport: sent, or tried again after a backoff that
 * doubles (a refusal the transport calls permanent, or the last attempt, marks the row failed, with
 * its attempts and last error for an operator to see). Nothing is deleted.
 */
export function createSender(options: {
  store: NotificationStore;
  transports: Record<NotificationChannel, Transport>;
  log: Logger;
  /** Tries of one delivery before it is marked failed (default 10). */
  maxAttempts?: number;
  /** First wait before a retry, doubled each time up to `maxBackoffMs` (defaults 5 s and 30 min). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}) {
  const { store, transports, log } = options;
  const maxAttempts = options.maxAttempts ?? 10;
  const initialBackoffMs = options.initialBackoffMs ?? 5_000;
  const maxBackoffMs = options.maxBackoffMs ?? 30 * 60_000;
  const names = { sms: transports.sms.name, email: transports.email.name };

  return {
    /** Delivers what is due now; returns how many deliveries were tried. */
    async deliverDue(): Promise<number> {
      const due = await store.claimDue(20, names);
      for (const delivery of due) {
        const transport = transports[delivery.channel];
        const deliveryId = `${delivery.dossierId}/${delivery.changeKey}/${delivery.channel}`;
        const context = { dossierId: delivery.dossierId, channel: delivery.channel, kind: delivery.kind, deliveryId };
        try {
          const { providerId } = await transport.send({
            deliveryId,
            channel: delivery.channel,
            to: delivery.recipient,
            subject: delivery.subject,
            text: delivery.text,
            html: delivery.html,
          });
          await store.markSent(delivery.id, providerId);
          log.info({ ...context, transport: transport.name }, 'notification sent');
        } catch (err) {
          const attempts = delivery.attempts + 1;
          const permanent = err instanceof DeliveryError && err.permanent;
          const error = redactedError((err as Error).message, delivery.recipient, delivery.recipientHint);
          const retryInMs =
            permanent || attempts >= maxAttempts
              ? undefined
              : deliveryBackoffMs(attempts, initialBackoffMs, maxBackoffMs);
          await store.markAttemptFailed(delivery.id, error, retryInMs);
          log.warn({ ...context, transport: transport.name, attempts, error, retryInMs }, 'notification not sent');
        }
      }
      return due.length;
    },
  };
}
