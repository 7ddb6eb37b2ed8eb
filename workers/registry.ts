import { runningEndpoints } from '../infra/bring-up';
import { runProcess } from '../services/process';
import { startServices } from '../services/runtime';

/**
 * The national population registry as its own process: its database, its outbox relay to
 * `population.changes`, and its operations over HTTP on REGISTRY_HOST:REGISTRY_PORT for the agency
 * and api processes (which find it at REGISTRY_URL).
 */
runProcess('registry', async (config, log) =>
  startServices(config, runningEndpoints(config), log, { registry: true, registryHttp: true }),
);
