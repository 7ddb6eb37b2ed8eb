import { runningEndpoints } from '../infra/bring-up';
import { runProcess } from '../services/process';
import { startServices } from '../services/runtime';

/**
 * The notifications service as its own process: consumes `dossier.notifications` in its own group,
 * reads contact details from the registry at REGISTRY_URL, and delivers through the configured
 * e-mail and SMS transports (NOTIFY_EMAIL_TRANSPORT, NOTIFY_SMS_TRANSPORT).
 */
runProcess('notifications', async (config, log) =>
  startServices(config, runningEndpoints(config), log, { notifications: true }),
);
