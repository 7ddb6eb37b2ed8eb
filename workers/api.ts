import { runningEndpoints } from '../infra/bring-up';
import { runProcess } from '../services/process';
import { startServices } from '../services/runtime';

/** The portal api on its own: it reaches the agencies' back offices over HTTP (BACK_OFFICE_URLS). */
runProcess('api', async (config, log) => startServices(config, runningEndpoints(config), log, { api: true }));
