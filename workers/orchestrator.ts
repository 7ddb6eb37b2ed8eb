import { runningEndpoints } from '../infra/bring-up';
import { runProcess } from '../services/process';
import { startServices } from '../services/runtime';

/** The orchestrator worker on its own: dossier workflows and their activities. */
runProcess('orchestrator', async (config, log) =>
  startServices(config, runningEndpoints(config), log, { orchestrator: true }),
);
