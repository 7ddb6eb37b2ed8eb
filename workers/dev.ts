import { agencyIds } from '../contracts/agencies';
import { bringUp } from '../infra/bring-up';
import { describeEndpoints, loggableEndpoints } from '../platform/endpoints';
import { runProcess } from '../services/process';
import { startServices } from '../services/runtime';

/**
 * `npm start`: the all-in-one development process. Brings up the infrastructure of the configured
 * mode, then the population registry, the orchestrator worker, the event bridge, the three agencies, the portal api and the notifications service; Ctrl-C stops
 * everything it started.
 */
runProcess('dev', async (config, log) => {
  const started = Date.now();
  const infra = await bringUp(config, log);
  let services;
  try {
    services = await startServices(config, infra.endpoints, log, {
      orchestrator: true,
      bridge: true,
      agencies: [...agencyIds],
      registry: true,
      api: true,
      notifications: true,
    });
  } catch (err) {
    await infra.stop();
    throw err;
  }
  log.info(
    {
      mode: infra.mode,
      owned: infra.owned,
      seconds: (Date.now() - started) / 1000,
      ...loggableEndpoints(infra.endpoints),
    },
    'lienthong is up',
  );
  const policies = agencyIds.map((a) => `${a}=${config.agencies.policy[a]}`).join(', ');
  process.stdout.write(
    `\nLienthong is up (${infra.mode} infrastructure${infra.owned ? '' : ', started elsewhere'}):\n${describeEndpoints(infra.endpoints)}\n` +
      `  Services        population registry, orchestrator worker, event bridge, agencies (${policies}), notifications (e-mail: ${config.notifications.email.transport}, SMS: ${config.notifications.sms.transport})\n` +
      `  Portal api      ${services.api?.url ?? 'not started'}  (OpenAPI: ${services.api?.url ?? ''}/docs)\n` +
      'Try: npm run demo -- --procedure birth\nPress Ctrl-C to stop.\n\n',
  );
  return {
    async stop() {
      try {
        await services.stop();
      } finally {
        await infra.stop();
      }
    },
  };
});
