import { InfraError } from '../infra/process';
import { ConfigError, loadConfig, type Config } from '../platform/config';
import { createLogger, type Logger } from '../platform/logger';
import { installTemporalRuntime } from '../platform/temporal-runtime';

/** How long a process takes at most to stop after the first SIGINT or SIGTERM. */
export const stopGraceMs = 15_000;

/**
 * The life of a service process: parse config once, one pino root (Temporal's runtime logs
 * included), start, run until SIGINT/SIGTERM, stop everything, exit non-zero on a fatal error.
 */
export function runProcess(
  name: string,
  start: (config: Config, log: Logger) => Promise<{ stop(): Promise<void> }>,
): void {
  let log: Logger | undefined;
  const main = async () => {
    const config = loadConfig();
    log = createLogger(config.log, { process: name });
    installTemporalRuntime(log, config.log.level);
    // A terminal's Ctrl-C reaches npm, tsx and this process at once, and tsx relays it again: a
    // signal within a second of the first is that echo. One later is the operator insisting: the
    // process exits at once. Either way it exits within `stopGraceMs` of the first.
    let received: { signal: NodeJS.Signals; at: number } | undefined;
    const signalled = new Promise<NodeJS.Signals>((resolve) => {
      const onSignal = (signal: NodeJS.Signals) => {
        if (!received) {
          received = { signal, at: Date.now() };
          setTimeout(() => {
            log?.error({ seconds: stopGraceMs / 1000 }, 'did not stop in time; exiting anyway');
            process.exit(1);
          }, stopGraceMs);
          resolve(signal);
          return;
        }
        if (Date.now() - received.at < 1_000) return;
        log?.warn({ signal }, 'second signal: exiting without finishing the stop');
        process.exit(130);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
    const running = await start(config, log);
    log.info('started');
    const keepAlive = setInterval(() => undefined, 60_000);
    const signal = await signalled;
    clearInterval(keepAlive);
    log.info({ signal }, 'shutting down');
    await running.stop();
    log.info('stopped');
  };
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      if (err instanceof ConfigError || err instanceof InfraError) process.stderr.write(`${err.message}\n`);
      else if (log) log.fatal({ err }, `${name} failed`);
      else process.stderr.write(`${name} failed: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
