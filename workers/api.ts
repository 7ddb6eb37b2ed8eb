import { runningEndpoints } from '../infra/bring-up';
import { runProcess } from '../services/process';
import { startServices } from '../services/runtime';

/**
 * The portal api on its own. Agency back offices live in the agency processes and are not yet
 * reachable over the network, so task routes answer 503 here; `npm start` serves them in-process.
 */
runProcess('api', async (config, log) => startServices(config, runningEndpoints(config), log, { api: true }));
