import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { z } from 'zod';
import type { WorkingDaysCalendar } from '../contracts/calendar';
import { DossierStatusChanged } from '../contracts/dossier-status';
import { recipientHint, type NotificationChannel, type NotificationEvent } from '../contracts/notifications';
import { consumerGroups } from '../contracts/principals';
import type { Catalogue } from '../contracts/procedures';
import type { ContactDetails, PopulationRegistryClient } from '../contracts/registry';
import { notificationsTopic, topicSpec } from '../contracts/topics';
import { DeadLetterError, runConsumer, type BusKeyring, type RunningConsumer } from '../platform/bus';
import { isDatabaseUnavailable } from '../platform/database';
import { createLogLimiter } from '../platform/log-limiter';
import type { Logger } from '../platform/logger';
import { DependencyUnavailableError } from '../platform/unavailable';
import { decideNotifications } from './decide';
import { renderNotification } from './render';
import type { NewDelivery, NotificationStore } from './store';
import { createSender } from './sender';
import type { Transport } from './transports';

export interface NotificationsOptions {
  kafka: Kafka;
  /** The notifications principal's keys: it reads dossier.notifications. */
  keyring: BusKeyring;
  store: NotificationStore;
  /** Where a citizen's phone, e-mail and language come from; each lookup is logged in their data-access log. */
  registry: PopulationRegistryClient;
  transports: Record<NotificationChannel, Transport>;
  catalogue: Catalogue;
  calendar: WorkingDaysCalendar;
  /** The portal's public address, for the dossier link in each message. */
  portalUrl: string;
  log: Logger;
  groupId?: string;
  /** Tries of one delivery before it is marked failed (default 10). */
  maxAttempts?: number;
  /** First wait before a retry, doubled each time up to `maxBackoffMs` (defaults 5 s and 30 min). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  pollIntervalMs?: number;
}

export interface RunningNotifications {
  consumer: RunningConsumer;
  /** Delivers what is due now (tests call it to be deterministic); returns how many were tried. */
  deliverDue(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The notifications service: consumes every dossier status change in its own consumer group,
 * decides what deserves a message, reads the citizen's contact details from the registry (logged
 * as a read of their record), renders an SMS and an e-mail in their language and keeps them as
 * deliveries (once per dossier, change and channel) before it commits the offset; a sender loop
 * hands due deliveries to the channel's transport, retrying with backoff until they are sent or
 * their attempts run out.
 */
export async function startNotifications(options: NotificationsOptions): Promise<RunningNotifications> {
  const log = options.log.child({ module: 'notifications' });
  const { store, transports } = options;

  const deliveriesOf = (event: NotificationEvent, contacts: ContactDetails | undefined, missing: Set<string>) => {
    const lang = contacts?.language ?? 'vi';
    const rendered = renderNotification(event, lang, options.catalogue, options.portalUrl);
    const rows: NewDelivery[] = [];
    for (const channel of ['sms', 'email'] as const) {
      if (!missing.has(channel)) continue;
      const recipient = (channel === 'sms' ? contacts?.phone : contacts?.email) ?? null;
      rows.push({
        dossierId: event.dossierId,
        changeKey: event.changeKey,
        channel,
        kind: event.kind,
        citizenKey: event.citizenKey,
        lang,
        recipient,
        recipientHint: recipient ? recipientHint(channel, recipient) : '',
        subject: channel === 'email' ? rendered.email.subject : null,
        text: channel === 'email' ? rendered.email.text : rendered.sms,
        html: channel === 'email' ? rendered.email.html : null,
        transport: transports[channel].name,
      });
    }
    return rows;
  };

  let wake: (() => void) | undefined;
  const consumer = await runConsumer({
    kafka: options.kafka,
    groupId: options.groupId ?? consumerGroups.notifications,
    topics: [topicSpec(notificationsTopic)],
    keyring: options.keyring,
    log: options.log,
    // The registry (over HTTP) or the database being down is no fault of the message: wait for it.
    isUnavailable: (err) => isDatabaseUnavailable(err) || err instanceof DependencyUnavailableError,
    handler: async (event) => {
      // The bus validated the data against the topic's schema; this names the field if that ever changes.
      const parsed = DossierStatusChanged.safeParse(event.data);
      if (!parsed.success)
        throw new DeadLetterError('schema-mismatch', `DossierStatusChanged: ${z.prettifyError(parsed.error)}`);
      const change = parsed.data;
      const events = decideNotifications(change, options.calendar);
      let contacts: ContactDetails | undefined | null = null;
      let added = 0;
      for (const notification of events) {
        const existing = await store.channelsOf(notification.dossierId, notification.changeKey);
        const missing = new Set(['sms', 'email'].filter((c) => !existing.has(c as NotificationChannel)));
        if (missing.size === 0) continue;
        // Read once per change, and only when something is still to be sent: a redelivery reads nothing.
        if (contacts === null)
          contacts = await options.registry.contactDetails(notification.citizenKey, {
            actor: 'notifications',
            organisation: 'notifications',
            dossierId: change.dossierId,
            purpose: 'notification',
          });
        added += await store.add(deliveriesOf(notification, contacts, missing));
        log.info(
          { dossierId: change.dossierId, kind: notification.kind, changeKey: notification.changeKey },
          contacts ? 'notification queued' : 'notification without contact details',
        );
      }
      if (added > 0) wake?.();
    },
  });

  const { deliverDue } = createSender({ ...options, log });

  let running = true;
  const outage = createLogLimiter(log);
  const pollMs = options.pollIntervalMs ?? 1_000;
  const sending = (async () => {
    while (running) {
      let tried = 0;
      try {
        tried = await deliverDue();
        outage.recovered('notification sender waiting for the database');
      } catch (err) {
        outage.warn('notification sender waiting for the database', err);
      }
      if (tried > 0) continue;
      const woken = new Promise<void>((resolve) => (wake = resolve));
      await Promise.race([woken, sleep(pollMs)]);
      wake = undefined;
    }
  })();
  log.info(
    {
      emailTransport: transports.email.name,
      smsTransport: transports.sms.name,
      groupId: options.groupId ?? consumerGroups.notifications,
    },
    'notifications running',
  );

  return {
    consumer,
    deliverDue,
    async stop() {
      running = false;
      wake?.();
      await consumer.stop();
      await sending;
      await Promise.all(Object.values(transports).map((t) => t.close?.()));
      log.info('notifications stopped');
    },
  };
}
