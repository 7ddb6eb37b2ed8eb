import { createInterface } from 'node:readline/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import cliProgress from 'cli-progress';
import { CliError, createApiClient, type ApiClient } from './cli-api';
import { json, table } from './cli-output';

/** Where the api is and who the operator is: flags first, then the environment, then local development. */
export interface Connection {
  api?: string;
  token?: string;
}
export type ConnectionResolver = (flags: Connection) => Promise<{ api: string; token: string }>;

const out = (text: string): void => void process.stdout.write(text);
const positive = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number of at least 1`);
  return n;
};
const stepIdPattern = /^[a-z-]{3,60}$/;
const stepId = (value: string) => {
  if (!stepIdPattern.test(value)) throw new InvalidArgumentError('must be a step id such as register-residence');
  return value;
};
const isoTime = (value: string) => {
  if (Number.isNaN(Date.parse(value))) throw new InvalidArgumentError('must be an ISO date-time');
  return new Date(value).toISOString();
};

/** The search filters common to `search` and `bulk`, as options. */
function filterOptions(command: Command): Command {
  return command
    .option('--status <status>', 'dossier status, e.g. processing')
    .option('--procedure <procedure>', 'birth-bundle or death-bundle')
    .option('--agency <agency>', 'an agency the dossier waits on')
    .option('--step <step>', 'a step the dossier is at', stepId)
    .option('--overdue', 'only overdue dossiers')
    .option('--failing', 'only dossiers with a step failed awaiting an operator')
    .option('--task-failing', 'only dossiers whose workflow tasks Temporal reports failing (a bad deploy)')
    .option('--from <time>', 'started at or after', isoTime)
    .option('--to <time>', 'started at or before', isoTime);
}
type Filters = {
  status?: string;
  procedure?: string;
  agency?: string;
  step?: string;
  overdue?: boolean;
  failing?: boolean;
  taskFailing?: boolean;
  from?: string;
  to?: string;
};
const filtersOf = (o: Filters) =>
  Object.fromEntries(
    Object.entries({
      status: o.status,
      procedure: o.procedure,
      agency: o.agency,
      step: o.step,
      overdue: o.overdue,
      failing: o.failing,
      taskFailing: o.taskFailing,
      from: o.from,
      to: o.to,
    }).filter(([, v]) => v !== undefined),
  );

async function confirm(question: string, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY) throw new CliError(`${question} Refusing without --yes (no terminal to ask on)`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question(`${question} [y/N] `);
  rl.close();
  if (!/^y(es)?$/i.test(answer.trim())) throw new CliError('cancelled; nothing was done');
}

/** The operator commands: each goes through the api with the operator's token. */
export function operatorCommands(resolve: ConnectionResolver): Command[] {
  const client = async (command: Command): Promise<ApiClient> => {
    const { api, token } = await resolve(command.optsWithGlobals<Connection>());
    return createApiClient(api, token);
  };
  const commands: Command[] = [];
  const add = (name: string, description: string) => {
    const command = new Command(name).description(description).option('--json', 'print the api answer as JSON');
    commands.push(command);
    return command;
  };

  add('stuck', 'running dossiers that need a look, with the reasons and agencies')
    .option('--limit <n>', 'dossiers per page (1-500)', positive('--limit'), 50)
    .option('--cursor <cursor>', 'the next page, as an earlier page printed it')
    .action(async (o: { json?: boolean; limit: number; cursor?: string }, command: Command) => {
      const query = new URLSearchParams({ limit: String(o.limit), ...(o.cursor ? { cursor: o.cursor } : {}) });
      const list = await (
        await client(command)
      ).call<{
        total: number;
        counts: Record<string, number>;
        agencies: Record<string, unknown>[];
        dossiers: Record<string, unknown>[];
        nextCursor?: string;
      }>('GET', `/api/operator/dossiers/stuck?${query}`);
      if (o.json) return out(json(list));
      out(
        `${list.total} stuck: ${Object.entries(list.counts)
          .map(([k, v]) => `${v} ${k}`)
          .join(', ')}\n\n`,
      );
      out(
        table(
          list.dossiers.map((d) => ({ ...d, detail: (d.detail as string[]).join('; ') })),
          ['dossierId', 'status', 'reasons', 'agencies', 'currentSteps', 'detail'],
        ),
      );
      out(
        `\n${table(list.agencies, ['agency', 'outboxUnpublished', 'outboxOldestAgeSeconds', 'outboxLagging', 'deadLetteredDossiers'])}`,
      );
      if (list.nextCursor) out(`\nmore: --cursor ${list.nextCursor}\n`);
    });

  filterOptions(add('search', 'find dossiers by status, procedure, agency, step, overdue, failing, time'))
    .option('--running', 'only running dossiers')
    .option('--limit <n>', 'at most this many (1-500)', positive('--limit'), 50)
    .action(async (o: Filters & { json?: boolean; running?: boolean; limit: number }, command: Command) => {
      const query = new URLSearchParams({
        ...Object.fromEntries(Object.entries(filtersOf(o)).map(([k, v]) => [k, String(v)])),
        ...(o.running ? { running: 'true' } : {}),
        limit: String(o.limit),
      });
      const rows = await (
        await client(command)
      ).call<Record<string, unknown>[]>('GET', `/api/operator/dossiers?${query}`);
      out(
        o.json
          ? json(rows)
          : table(rows, [
              'dossierId',
              'procedure',
              'status',
              'currentSteps',
              'agenciesWaitedOn',
              'overdue',
              'failing',
              'startedAt',
            ]),
      );
    });

  add('show', 'one dossier in depth: steps, attempts, last errors, pending activities')
    .argument('<dossierId>')
    .action(async (dossierId: string, o: { json?: boolean }, command: Command) => {
      const depth = await (
        await client(command)
      ).call<{
        dossier: { status: string; steps: Record<string, unknown>[] };
        workflow: { status: string; runId: string };
        pendingActivities: Record<string, unknown>[];
        workflowTaskAttempt: number;
        temporalUiUrl?: string;
      }>('GET', `/api/operator/dossiers/${encodeURIComponent(dossierId)}`);
      if (o.json) return out(json(depth));
      out(
        `${dossierId}: ${depth.dossier.status} (workflow ${depth.workflow.status}, run ${depth.workflow.runId}, task attempt ${depth.workflowTaskAttempt})\n\n`,
      );
      out(table(depth.dossier.steps, ['stepId', 'agency', 'status', 'attempts', 'dueAt', 'lastError']));
      if (depth.pendingActivities.length > 0)
        out(`\n${table(depth.pendingActivities, ['activityType', 'attempt', 'state', 'lastFailure'])}`);
      if (depth.temporalUiUrl) out(`\n${depth.temporalUiUrl}\n`);
    });

  const reason = new Option('--reason <text>', 'why (recorded in the audit log)').makeOptionMandatory();
  const printAction = (o: { json?: boolean }) => (result: Record<string, unknown>) =>
    out(o.json ? json(result) : `${result.action} ${result.dossierId}: ${result.status ?? result.runId ?? 'done'}\n`);

  add('retry', "re-send a step's command now")
    .argument('<dossierId>')
    .argument('<stepId>', 'the step', stepId)
    .addOption(reason)
    .action(async (dossierId: string, step: string, o: { json?: boolean; reason: string }, command: Command) => {
      printAction(o)(
        await (
          await client(command)
        ).call('POST', `/api/operator/dossiers/${encodeURIComponent(dossierId)}/steps/${step}/retry`, {
          reason: o.reason,
        }),
      );
    });

  add('skip', 'close a step by hand with a manual result')
    .argument('<dossierId>')
    .argument('<stepId>', 'the step', stepId)
    .addOption(reason)
    .option('--result <key=value...>', 'the manual result, as key=value pairs', (v: string, all: string[] = []) => {
      if (!/^[^=]+=.*$/.test(v)) throw new InvalidArgumentError('must be key=value');
      return [...all, v];
    })
    .action(
      async (
        dossierId: string,
        step: string,
        o: { json?: boolean; reason: string; result?: string[] },
        command: Command,
      ) => {
        const result = Object.fromEntries(
          (o.result ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
        );
        printAction(o)(
          await (
            await client(command)
          ).call('POST', `/api/operator/dossiers/${encodeURIComponent(dossierId)}/steps/${step}/skip`, {
            reason: o.reason,
            result,
          }),
        );
      },
    );

  add('reset', 'reset a dossier to before a step, or to the last workflow task before a bad deploy')
    .argument('<dossierId>')
    .option('--before-step <stepId>', 'the step to run again', stepId)
    .option('--last-good-before <time>', 'when the bad worker was deployed', isoTime)
    .addOption(reason)
    .action(
      async (
        dossierId: string,
        o: { json?: boolean; reason: string; beforeStep?: string; lastGoodBefore?: string },
        command: Command,
      ) => {
        if ((o.beforeStep === undefined) === (o.lastGoodBefore === undefined))
          throw new CliError('give exactly one of --before-step or --last-good-before', 2);
        printAction(o)(
          await (
            await client(command)
          ).call('POST', `/api/operator/dossiers/${encodeURIComponent(dossierId)}/reset`, {
            reason: o.reason,
            beforeStep: o.beforeStep,
            lastGoodBefore: o.lastGoodBefore,
          }),
        );
      },
    );

  add('terminate', "terminate a dossier's workflow (last resort)")
    .argument('<dossierId>')
    .addOption(reason)
    .option('--yes', 'do not ask for confirmation')
    .action(async (dossierId: string, o: { json?: boolean; reason: string; yes?: boolean }, command: Command) => {
      await confirm(`Terminate ${dossierId}?`, o.yes);
      printAction(o)(
        await (
          await client(command)
        ).call('POST', `/api/operator/dossiers/${encodeURIComponent(dossierId)}/terminate`, { reason: o.reason }),
      );
    });

  const bulk = add('bulk', 'retry, reset or terminate every running dossier a search matches, as a resumable job');
  filterOptions(
    bulk
      .command('run', { isDefault: true })
      .description('count the matching dossiers, ask, then run the job with a progress bar')
      .addOption(
        new Option('--action <action>', 'what to do to each')
          .choices(['retry', 'reset', 'terminate'])
          .makeOptionMandatory(),
      )
      .option('--step-id <stepId>', 'the step to retry', stepId)
      .option('--before-step <stepId>', 'reset: the step to run again', stepId)
      .option('--last-good-before <time>', 'reset: when the bad worker was deployed', isoTime)
      .addOption(reason)
      .option('--concurrency <n>', 'dossiers acted on at once (1-32)', positive('--concurrency'), 4)
      .option('--dry-run', 'only count')
      .option('--yes', 'do not ask for confirmation')
      .option('--json', 'print the api answers as JSON'),
  ).action(
    async (
      o: Filters & {
        action: string;
        stepId?: string;
        beforeStep?: string;
        lastGoodBefore?: string;
        reason: string;
        concurrency: number;
        dryRun?: boolean;
        yes?: boolean;
        json?: boolean;
      },
      command: Command,
    ) => {
      // `bulk --json ...` gives --json to the parent command (commander parses parent options anywhere).
      o.json ??= command.optsWithGlobals<{ json?: boolean }>().json;
      const api = await client(command);
      const reset = o.beforeStep
        ? { beforeStep: o.beforeStep }
        : o.lastGoodBefore
          ? { lastGoodBefore: o.lastGoodBefore }
          : undefined;
      const body = {
        query: filtersOf(o),
        action: o.action,
        stepId: o.stepId,
        reset,
        reason: o.reason,
        concurrency: o.concurrency,
      };
      const dry = await api.call<{ matched: number; query: string }>('POST', '/api/operator/bulk-jobs', {
        ...body,
        dryRun: true,
      });
      if (o.dryRun) return out(o.json ? json(dry) : `${dry.matched} running dossier(s) match: ${dry.query}\n`);
      if (dry.matched === 0) return out(o.json ? json(dry) : 'no running dossier matches; nothing to do\n');
      if (dry.matched > 1) await confirm(`${o.action} ${dry.matched} dossiers?`, o.yes);
      const job = await api.call<{ jobId: string }>('POST', '/api/operator/bulk-jobs', { ...body, dryRun: false });
      process.stderr.write(`job ${job.jobId} (resume with: npm run ops -- bulk resume ${job.jobId})\n`);
      await follow(api, job.jobId, o.json);
    },
  );
  bulk
    .command('status')
    .description("a job's progress")
    .argument('<jobId>')
    .option('--json', 'print the api answer as JSON')
    .action(async (jobId: string, o: { json?: boolean }, command: Command) => {
      o.json ??= command.optsWithGlobals<{ json?: boolean }>().json;
      const progress = await (await client(command)).call<Progress>('GET', `/api/operator/bulk-jobs/${jobId}`);
      out(o.json ? json(progress) : summary(progress));
    });
  bulk
    .command('resume')
    .description('continue a job whose api process stopped; each dossier is still acted on once')
    .argument('<jobId>')
    .option('--json', 'print the api answer as JSON')
    .action(async (jobId: string, o: { json?: boolean }, command: Command) => {
      o.json ??= command.optsWithGlobals<{ json?: boolean }>().json;
      const api = await client(command);
      await api.call('POST', `/api/operator/bulk-jobs/${jobId}/resume`);
      await follow(api, jobId, o.json);
    });

  add('audit', 'the audit log, newest first')
    .option('--dossier <dossierId>', 'about this dossier')
    .option('--actor <actor>', 'by this actor')
    .option('--since <time>', 'at or after', isoTime)
    .option('--limit <n>', 'at most this many (1-500)', positive('--limit'), 50)
    .action(
      async (
        o: { json?: boolean; dossier?: string; actor?: string; since?: string; limit: number },
        command: Command,
      ) => {
        const query = new URLSearchParams({
          limit: String(o.limit),
          ...(o.dossier ? { dossierId: o.dossier } : {}),
          ...(o.actor ? { actor: o.actor } : {}),
          ...(o.since ? { since: o.since } : {}),
        });
        const rows = await (await client(command)).call<Record<string, unknown>[]>('GET', `/api/audit?${query}`);
        out(o.json ? json(rows) : table(rows, ['at', 'actor', 'action', 'dossierId', 'stepId', 'reason']));
      },
    );
  return commands;
}

interface Progress {
  jobId: string;
  state: string;
  active: boolean;
  matched: number;
  pending: number;
  done: number;
  skipped: number;
  failed: number;
  outcomes: { dossierId: string; state: string; reason: string }[];
}

const summary = (p: Progress) =>
  `job ${p.jobId}: ${p.state}${p.state === 'running' && !p.active ? ' (no process works on it: resume it)' : ''}; ` +
  `${p.matched} matched, ${p.done} done, ${p.skipped} skipped, ${p.failed} failed, ${p.pending} pending\n` +
  p.outcomes.map((r) => `  ${r.state} ${r.dossierId}: ${r.reason}\n`).join('');

/** Polls a job until it is done, with a progress bar on stderr (lines when it is not a terminal); exits non-zero when any dossier failed. */
async function follow(api: ApiClient, jobId: string, asJson?: boolean): Promise<void> {
  const bar = new cliProgress.SingleBar(
    {
      format: 'bulk {bar} {value}/{total} dossiers | done {done} skipped {skipped} failed {failed}',
      stream: process.stderr,
      // Not a terminal (a script, a CI log): a line a second instead of nothing.
      noTTYOutput: true,
      notTTYSchedule: 1000,
    },
    cliProgress.Presets.shades_classic,
  );
  let progress = await api.call<Progress>('GET', `/api/operator/bulk-jobs/${jobId}`);
  bar.start(progress.matched, 0, { done: 0, skipped: 0, failed: 0 });
  while (progress.state !== 'done') {
    if (!progress.active) {
      bar.stop();
      throw new CliError(
        `job ${jobId} stopped with ${progress.pending} dossier(s) left; resume it with: npm run ops -- bulk resume ${jobId}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    progress = await api.call<Progress>('GET', `/api/operator/bulk-jobs/${jobId}`);
    bar.update(progress.done + progress.skipped + progress.failed, progress);
  }
  bar.update(progress.matched, progress);
  bar.stop();
  out(asJson ? json(progress) : summary(progress));
  if (progress.failed > 0) throw new CliError(`${progress.failed} dossier(s) failed; see above`);
}
