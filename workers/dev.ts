import { bringUp } from '../infra/bring-up';
import { InfraError } from '../infra/process';
import { ConfigError, loadConfig } from '../platform/config';
import { describeEndpoints, loggableEndpoints } from '../platform/endpoints';
import { createLogger } from '../platform/logger';

/**
 * `npm start`: the all-in-one development process. Brings up the infrastructure of the configured
 * mode, prints the endpoints and stays in the foreground; Ctrl-C stops everything it started.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.log, { process: 'dev' });
  // Listen before starting anything, so a Ctrl-C during start-up still stops what was started.
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const started = Date.now();
  const infra = await bringUp(config, log);
  log.info({ mode: infra.mode, owned: infra.owned, seconds: (Date.now() - started) / 1000, ...loggableEndpoints(infra.endpoints) }, 'lienthong is up');
  process.stdout.write(`\nLienthong is up (${infra.mode} infrastructure${infra.owned ? '' : ', started elsewhere'}):\n${describeEndpoints(infra.endpoints)}\nPress Ctrl-C to stop.\n\n`);

  // Server processes are unreferenced children; this timer keeps the foreground process alive.
  const keepAlive = setInterval(() => undefined, 60_000);
  const signal = await signalled;
  clearInterval(keepAlive);
  log.info({ signal }, 'shutting down');
  await infra.stop();
  log.info('stopped');
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof InfraError) process.stderr.write(`${err.message}\n`);
  else process.stderr.write(`lienthong failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
