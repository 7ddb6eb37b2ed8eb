import { spawn, type SpawnOptions } from 'node:child_process';
import { closeSync, openSync, readFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Raised when local infrastructure cannot be fetched or started; the message says what to do. */
export class InfraError extends Error {
  readonly type = 'InfraError';
  readonly retriable = false;
  constructor(message: string) {
    super(message);
    this.name = 'InfraError';
  }
}

export interface StartedProcess {
  pid: number;
  logFile: string;
}

/**
 * Starts a server process with its output in a log file. Unreferenced so that `infra:up` can exit
 * and leave it running. `detached` (own process group) keeps a terminal's Ctrl-C away from it, so
 * its owner can stop the services first and the servers after them, by PID; the PIDs are recorded
 * so `infra:down` finds them if the owner dies. Throw-away servers of tests are not detached: a
 * Ctrl-C of the test run takes them down too.
 */
export function startProcess(
  command: string,
  args: string[],
  logFile: string,
  options: SpawnOptions = {},
): StartedProcess {
  const out = openSync(logFile, 'a', 0o600);
  // The server's files (segments, databases, logs) are its owner's only: it inherits umask 077.
  const umask = process.umask(0o077);
  try {
    const child = spawn(command, args, { detached: false, ...options, stdio: ['ignore', out, out] });
    if (child.pid === undefined) throw new InfraError(`could not start ${command}: no process id (is it installed?)`);
    child.on('error', () => undefined);
    child.unref();
    return { pid: child.pid, logFile };
  } finally {
    process.umask(umask);
    closeSync(out);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Stops one process we started: SIGTERM, wait, then SIGKILL that same PID. */
export async function stopProcess(pid: number, graceMs = 15_000): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return;
    await sleep(100);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  while (isAlive(pid)) await sleep(50);
}

export function tail(file: string, lines = 30): string {
  if (!existsSync(file)) return '(no log written)';
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

/**
 * Polls until `probe` succeeds. Fails early with the log tail if the process died, or after the
 * budget. Budgets are generous: a 2-core machine starting three JVM/Go servers is slow.
 */
export async function waitUntilReady(
  name: string,
  probe: () => Promise<unknown>,
  options: { pid?: number; logFile?: string; timeoutMs?: number; onWait?: (elapsedMs: number) => void },
): Promise<void> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 90_000;
  let lastError: unknown;
  let lastReport = started;
  for (;;) {
    try {
      await probe();
      return;
    } catch (err) {
      lastError = err;
    }
    if (options.pid !== undefined && !isAlive(options.pid)) {
      throw new InfraError(
        `${name} exited during start-up. Last lines of ${options.logFile}:\n${tail(options.logFile ?? '')}`,
      );
    }
    const elapsed = Date.now() - started;
    if (elapsed > timeoutMs) {
      throw new InfraError(
        `${name} did not answer within ${Math.round(timeoutMs / 1000)} s (${String((lastError as Error)?.message ?? lastError)}).` +
          (options.logFile ? ` Last lines of ${options.logFile}:\n${tail(options.logFile)}` : ''),
      );
    }
    if (Date.now() - lastReport > 5_000) {
      lastReport = Date.now();
      options.onWait?.(elapsed);
    }
    await sleep(250);
  }
}

/** A free loopback port: bind port 0, read it, close. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}

/**
 * `count` distinct free loopback ports. Each listener stays open until all are taken, so the
 * kernel cannot hand the same ephemeral port out twice (which it does when they are asked for one
 * at a time).
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      server.unref();
      servers.push(server);
      ports.push(
        await new Promise<number>((resolve, reject) => {
          server.on('error', reject);
          server.listen(0, '127.0.0.1', () => {
            const address = server.address();
            if (typeof address === 'object' && address) resolve(address.port);
            else reject(new Error('no port'));
          });
        }),
      );
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((r) => (s.listening ? s.close(() => r()) : r()))));
  }
}

/** Free ports for the five local servers, all distinct. */
export async function freeServerPorts(): Promise<{
  temporal: number;
  temporalUi: number;
  kafka: number;
  kafkaController: number;
  postgres: number;
}> {
  const [temporal, temporalUi, kafka, kafkaController, postgres] = await freePorts(5);
  return {
    temporal: temporal!,
    temporalUi: temporalUi!,
    kafka: kafka!,
    kafkaController: kafkaController!,
    postgres: postgres!,
  };
}

/**
 * Fails with the variable to change when a port we want to listen on is taken, naming the server
 * that wanted it, so the message points at what is really in the way.
 */
export async function assertPortFree(port: number, variable: string, wantedBy?: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        new InfraError(
          err.code === 'EADDRINUSE'
            ? `${wantedBy ? `${wantedBy} cannot start: ` : ''}port ${port} on 127.0.0.1 is already in use by a process this DATA_DIR has no record of (find it with \`ss -ltnp 'sport = :${port}'\` and stop it by its PID), or set ${variable} to another port`
            : `cannot listen on 127.0.0.1:${port} (${err.message}); set ${variable} to another port`,
        ),
      ),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

/** Whether 127.0.0.1:port can be listened on now. */
const canListen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/**
 * The first of `count` consecutive free ports (a base port and the ones after it, as
 * BACK_OFFICE_BASE_PORT needs), below the kernel's range for outgoing connections (32768 and up):
 * a port only checked free there can be taken by a Kafka or PostgreSQL client's connection before
 * the service binds it, and an agency whose back office could not listen died at start-up.
 */
export async function freePortRun(count: number): Promise<number> {
  for (let tries = 0; tries < 100; tries += 1) {
    const first = 20_000 + Math.floor(Math.random() * (12_000 - count));
    let free = true;
    for (let port = first; free && port < first + count; port += 1) free = await canListen(port);
    if (free) return first;
  }
  throw new Error(`no ${count} consecutive free ports between 20000 and 32000 on 127.0.0.1`);
}
