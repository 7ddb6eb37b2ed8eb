import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../platform/logger';

/** A service chaos runs as its own process, as in production: a worker entry point and its extra arguments. */
export interface ServiceSpec {
  name: string;
  entry: string;
  args?: string[];
}

/**
 * Starts, kills and restarts the service processes of one chaos run. It only ever signals the
 * PIDs it started; each process logs pino JSON to `<dataDir>/logs/<name>.log` (appended across restarts).
 */
export function createSupervisor(options: { root: string; dataDir: string; env: NodeJS.ProcessEnv; log: Logger }) {
  const running = new Map<string, { child: ChildProcess; exited: Promise<void> }>();
  const specs = new Map<string, ServiceSpec>();
  const extraEnv = new Map<string, NodeJS.ProcessEnv>();

  function start(spec: ServiceSpec, env: NodeJS.ProcessEnv = extraEnv.get(spec.name) ?? {}): void {
    specs.set(spec.name, spec);
    extraEnv.set(spec.name, env);
    const out = openSync(join(options.dataDir, 'logs', `${spec.name}.log`), 'a');
    // One node process per service (tsx as a loader, not a wrapper), so a SIGKILL kills the service itself.
    const child = spawn(process.execPath, ['--import', 'tsx', spec.entry, ...(spec.args ?? [])], {
      cwd: options.root,
      env: { ...options.env, ...env },
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    running.set(spec.name, { child, exited });
    options.log.info({ service: spec.name, pid: child.pid }, 'service started');
  }

  async function stop(name: string, signal: NodeJS.Signals): Promise<void> {
    const entry = running.get(name);
    if (!entry || entry.child.exitCode !== null || entry.child.signalCode !== null) return;
    entry.child.kill(signal);
    const stopped = await Promise.race([entry.exited.then(() => true), sleep(20_000).then(() => false)]);
    if (!stopped) {
      entry.child.kill('SIGKILL');
      await entry.exited;
    }
    options.log.info({ service: name, pid: entry.child.pid, signal }, 'service stopped');
  }

  return {
    start,
    /** SIGKILL: no chance to stop cleanly, as a crashed machine. */
    kill: (name: string) => stop(name, 'SIGKILL'),
    /** Starts it again with the same arguments, and with `env` in place of the extra variables it had. */
    restart(name: string, env?: NodeJS.ProcessEnv): void {
      const spec = specs.get(name);
      if (!spec) throw new Error(`no service ${name}`);
      start(spec, env ?? extraEnv.get(name));
    },
    async stopAll(): Promise<void> {
      await Promise.all([...running.keys()].map((name) => stop(name, 'SIGTERM')));
    },
    names: () => [...specs.keys()],
    /** The PID of the service's current process, while it runs (to read its memory, say). */
    pid(name: string): number | undefined {
      const entry = running.get(name);
      return entry && entry.child.exitCode === null && entry.child.signalCode === null ? entry.child.pid : undefined;
    },
  };
}
export type Supervisor = ReturnType<typeof createSupervisor>;
