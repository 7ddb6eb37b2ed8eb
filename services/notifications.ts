import type { PayloadCodec } from '@temporalio/common';
import type { Kafka } from 'kafkajs';
import type { WorkingDaysCalendar } from '../contracts/calendar';
import type { NotificationChannel } from '../contracts/notifications';
import type { Catalogue } from '../contracts/procedures';
import type { PopulationRegistryClient } from '../contracts/registry';
import type { BusKeyring } from '../platform/bus';
import type { Config } from '../platform/config';
import { createPool } from '../platform/database';
import type { Logger } from '../platform/logger';
import { startNotifications, type RunningNotifications } from '../notify/service';
import { createNotificationStore } from '../notify/store';
import { outboxTransport, smsGatewayTransport, smtpTransport, type Transport } from '../notify/transports';

/** The transports the configuration chooses: the local outbox unless an SMTP server or SMS gateway is set. */
export function transportsFor(settings: Config['notifications']): Record<NotificationChannel, Transport> {
  return {
    email: settings.email.transport === 'smtp' ? smtpTransport(settings.email.smtp) : outboxTransport(),
    sms: settings.sms.transport === 'sms-gateway' ? smsGatewayTransport(settings.sms.gateway) : outboxTransport(),
  };
}

/** The notifications service on the platform database, with its own Kafka principal and keys. */
export async function startNotificationService(deps: {
  config: Config;
  databaseUrl: string;
  kafka: Kafka;
  keyring: BusKeyring;
  codec: PayloadCodec;
  registry: PopulationRegistryClient;
  catalogue: Catalogue;
  calendar: WorkingDaysCalendar;
  log: Logger;
}): Promise<RunningNotifications> {
  const { config, log } = deps;
  const pool = createPool(deps.databaseUrl, {
    applicationName: 'lienthong-notifications',
    onIdleError: (err) => log.warn({ error: err.message }, 'idle database connection lost'),
  });
  try {
    const store = createNotificationStore(pool, deps.codec);
    await store.migrate();
    const running = await startNotifications({
      kafka: deps.kafka,
      keyring: deps.keyring,
      store,
      registry: deps.registry,
      transports: transportsFor(config.notifications),
      catalogue: deps.catalogue,
      calendar: deps.calendar,
      portalUrl: config.notifications.portalUrl,
      maxAttempts: config.notifications.maxAttempts,
      log,
    });
    return {
      ...running,
      async stop() {
        try {
          await running.stop();
        } finally {
          await pool.end();
        }
      },
    };
  } catch (err) {
    await pool.end();
    throw err;
  }
}
