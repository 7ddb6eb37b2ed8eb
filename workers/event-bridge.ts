import { runningEndpoints } from '../infra/bring-up';
import { runProcess } from '../services/process';
import { startServices } from '../services/runtime';

/** The event bridge on its own (run as many as the event topics have partitions). */
runProcess('event-bridge', async (config, log) =>
  startServices(config, runningEndpoints(config), log, { bridge: true }),
);
