import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readState } from '../../infra/state';
import type { ServerName } from '../../infra/stack';
import type { Supervisor } from './processes';

const run = promisify(execFile);

/** What a fault may touch: the run's own service processes and servers, nothing else. */
export interface FaultContext {
  supervisor: Supervisor;
  root: string;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  /** The agency whose outage outlasts its legal limit. */
  outageAgency: string;
  outageSeconds: number;
  downSeconds: number;
}

/** One fault: how it starts, how long it lasts, and how it ends (a restart, or its window closing). */
export interface Fault {
  name: string;
  description: string;
  inject(ctx: FaultContext): Promise<void>;
  holdSeconds(ctx: FaultContext): number;
  restore(ctx: FaultContext): Promise<void>;
}

const agencies = ['civil-status', 'residence', 'social-insurance'] as const;

const killService = (service: string, description: string): Fault => ({
  name: `kill-${service}`,
  description,
  inject: (ctx) => ctx.supervisor.kill(service),
  holdSeconds: (ctx) => ctx.downSeconds,
  restore: async (ctx) => ctx.supervisor.restart(service),
});

/** SIGKILL of a server this run started (its PID from the run's own infra.json), then `infra:up` as an operator would. */
const killServer = (server: ServerName): Fault => ({
  name: `kill-${server}`,
  description: `SIGKILL the ${server} server, then infra:up starts it again on its data`,
  async inject(ctx) {
    const pid = readState(ctx.dataDir)?.processes[server]?.pid;
    if (!pid) throw new Error(`no ${server} PID in ${ctx.dataDir}/infra.json`);
    process.kill(pid, 'SIGKILL');
  },
  holdSeconds: (ctx) => ctx.downSeconds,
  async restore(ctx) {
    await run(process.execPath, ['--import', 'tsx', 'infra/cli.ts', 'up'], {
      cwd: ctx.root,
      env: ctx.env,
      timeout: 300_000,
    });
  },
});

const agencyFaults = (name: string, description: string, env: NodeJS.ProcessEnv): Fault => ({
  name,
  description,
  async inject(ctx) {
    for (const agency of agencies) await ctx.supervisor.kill(`agency-${agency}`);
    for (const agency of agencies) ctx.supervisor.restart(`agency-${agency}`, env);
  },
  holdSeconds: (ctx) => Math.max(ctx.downSeconds * 4, 20),
  async restore(ctx) {
    for (const agency of agencies) await ctx.supervisor.kill(`agency-${agency}`);
    for (const agency of agencies) ctx.supervisor.restart(`agency-${agency}`, {});
  },
});

/** Every fault chaos knows, in the order a full run injects them. */
export const faults: readonly Fault[] = [
  killService('orchestrator', 'SIGKILL the orchestrator worker, then start it again'),
  killService('bridge', 'SIGKILL the event bridge, then start it again'),
  killService('agency-civil-status', 'SIGKILL the civil-status agency process, then start it again'),
  killService('api', 'SIGKILL the portal api, then start it again (submissions retry with their Idempotency-Key)'),
  killServer('kafka'),
  killServer('postgres'),
  killServer('temporal'),
  {
    name: 'agency-outage',
    description: 'an agency does not handle commands for longer than its legal limit (simulated clock)',
    async inject(ctx) {
      const service = `agency-${ctx.outageAgency}`;
      const from = new Date();
      const to = new Date(from.getTime() + ctx.outageSeconds * 1000);
      await ctx.supervisor.kill(service);
      ctx.supervisor.restart(service, {
        AGENCY_OUTAGES: `${ctx.outageAgency}@${from.toISOString()}/${to.toISOString()}`,
      });
    },
    holdSeconds: (ctx) => ctx.outageSeconds,
    async restore(ctx) {
      const service = `agency-${ctx.outageAgency}`;
      await ctx.supervisor.kill(service);
      ctx.supervisor.restart(service, {});
    },
  },
  agencyFaults('transient-failures', '20% of commands fail transiently at every agency', {
    AGENCY_FAILURE_RATE: '0.2',
  }),
  agencyFaults('latency', 'every agency answers 300 ms later', { AGENCY_LATENCY_MS: '300' }),
];

export const faultNames = faults.map((f) => f.name);
