import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { DeadLetterDetail, DeadLetterRow, RedriveOutcome, RedriveReply } from '../contracts/dead-letters';
import type { ConnectionResolver } from './cli-operator';

/** What the group needs from its surroundings; tests give their own. */
export interface DlqIo {
  fetch: typeof fetch;
  env: Record<string, string | undefined>;
  out: (text: string) => void;
  /** Asks a yes/no question; true to go on. */
  confirm: (question: string) => Promise<boolean>;
  /** The corrected payload's text: a file, or `-` for stdin. */
  readInput: (path: string) => Promise<string>;
}

/** A failure the command reports as one line and a non-zero exit. */
export class DlqCommandError extends Error {}

const defaultIo = (): DlqIo => ({
  fetch: globalThis.fetch,
  env: process.env,
  out: (text) => process.stdout.write(`${text}\n`),
  async confirm(question) {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
    } finally {
      rl.close();
    }
  },
  async readInput(path) {
    if (path !== '-') return readFileSync(path, 'utf8');
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
});

const uuid = (value: string) => {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value))
    throw new InvalidArgumentError('must be a dead-letter id (a UUID, as `dlq list` shows it)');
  return value;
};
const positive = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
};

/** A plain-text table: one header row, columns padded to their widest cell. */
export function table(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '' : String(cell))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), ...cells.map(line)].join('\n');
}

const rowsTable = (rows: DeadLetterRow[]) =>
  table(
    ['ID', 'STATE', 'TOPIC', 'DOSSIER', 'STEP', 'ATTEMPT', 'REASON', 'FIRST SEEN'],
    rows.map((r) => [r.deadLetterId, r.state, r.topic, r.dossierId, r.stepId, r.attempt, r.reason, r.firstSeenAt]),
  );
const outcomesTable = (outcomes: RedriveOutcome[]) =>
  table(
    ['ID', 'OUTCOME', 'DOSSIER', 'STEP', 'ATTEMPT', 'WHY'],
    outcomes.map((o) => [o.deadLetterId, o.outcome, o.dossierId, o.stepId, o.attempt, o.because ?? o.obsolete]),
  );

/**
 * `dlq list|show|fix|redrive|discard`: the operator's dead letters through the api, with an operator
 * token, so roles, reasons and the audit apply as they do to every other caller.
 */
export function dlqCommand(
  io: DlqIo = defaultIo(),
  /** How the operator command line finds its api and token (flags, environment, local development token). */
  resolve?: ConnectionResolver,
): Command {
  const dlq = new Command('dlq')
    .description('dead letters: list, show one opened, fix, redrive, discard (through the api)')
    .addOption(new Option('--api <url>', 'the api (default: LIENTHONG_API_URL, else http://127.0.0.1:8080)'))
    .addOption(
      new Option(
        '--token <token>',
        "an operator's bearer token (default: LIENTHONG_TOKEN, else a local development token)",
      ),
    )
    .option('--json', 'print JSON for scripts instead of tables', false);

  // --api and --token may be given before `dlq` too (the operator command line's own options).
  const options = () => dlq.optsWithGlobals<{ api?: string; token?: string; json: boolean }>();
  const connection = async () => {
    const { api: apiFlag, token: tokenFlag } = options();
    const resolved = resolve && !(tokenFlag ?? io.env.LIENTHONG_TOKEN) ? await resolve({ api: apiFlag }) : undefined;
    const api = resolved?.api ?? apiFlag ?? io.env.LIENTHONG_API_URL ?? 'http://127.0.0.1:8080';
    const token = resolved?.token ?? tokenFlag ?? io.env.LIENTHONG_TOKEN;
    if (!token) throw new DlqCommandError('--token: an operator token is required (or set LIENTHONG_TOKEN)');
    try {
      new URL(api);
    } catch {
      throw new DlqCommandError(`--api: ${api} is not a URL`);
    }
    return { api: api.replace(/\/$/, ''), token };
  };
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const { api, token } = await connection();
    let response: Response;
    try {
      response = await io.fetch(`${api}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new DlqCommandError(`cannot reach the api at ${api}: ${(err as Error).message}`);
    }
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (!response.ok) {
      const problem = parsed as { detail?: string; title?: string; errors?: { path: string; message: string }[] };
      const fields = problem?.errors?.map((e) => `${e.path} ${e.message}`).join('; ');
      throw new DlqCommandError(
        `${response.status} ${problem?.title ?? ''}: ${(problem?.detail ?? '').split('\n')[0]}${fields ? ` (${fields})` : ''}`,
      );
    }
    return parsed as T;
  };
  const print = (value: unknown, human: () => string) =>
    io.out(options().json ? JSON.stringify(value, null, 2) : human());

  dlq
    .command('list')
    .description('dead letters across every topic, open ones by default, oldest first')
    .option('--topic <topic>', 'only this original topic')
    .addOption(
      new Option('--state <state>', 'open, redriven, discarded or all')
        .choices(['open', 'redriven', 'discarded', 'all'])
        .default('open'),
    )
    .option('--dossier <dossierId>', 'only this dossier')
    .option('--reason <reason>', 'only this dead-letter reason (e.g. schema-mismatch)')
    .option('--limit <n>', 'at most this many', positive, 100)
    .action(async (o: { topic?: string; state: string; dossier?: string; reason?: string; limit: number }) => {
      const query = new URLSearchParams({ state: o.state, limit: String(o.limit) });
      if (o.topic) query.set('topic', o.topic);
      if (o.dossier) query.set('dossierId', o.dossier);
      if (o.reason) query.set('reason', o.reason);
      const rows = await call<DeadLetterRow[]>('GET', `/api/operator/dead-letters?${query}`);
      print(rows, () => (rows.length ? rowsTable(rows) : 'no dead letters match'));
    });

  dlq
    .command('show')
    .description('one dead letter opened: attributes, signer, data (personal data: the read is audited)')
    .argument('<id>', 'the dead letter', uuid)
    .action(async (id: string) => {
      const shown = await call<DeadLetterDetail>('GET', `/api/operator/dead-letters/${id}`);
      print(shown, () =>
        [
          table(
            ['FIELD', 'VALUE'],
            [
              ['id', shown.deadLetterId],
              ['state', shown.state],
              ['topic', shown.topic],
              ['type', shown.eventType],
              ['dossier', shown.dossierId],
              ['step', shown.stepId],
              ['attempt', shown.attempt],
              ['reason', shown.reason],
              ['error', shown.error.split('\n')[0]],
              ['signed by', shown.signedBy ?? shown.problem],
            ],
          ),
          '',
          JSON.stringify(shown.data ?? null, null, 2),
        ].join('\n'),
      );
    });

  dlq
    .command('fix')
    .description("publish a corrected payload, validated against the topic's contract and signed by operations")
    .argument('<id>', 'the dead letter', uuid)
    .requiredOption('--payload <file>', 'the corrected data as JSON, from a file or - for stdin')
    .requiredOption('--reason <reason>', 'why (audited)')
    .action(async (id: string, o: { payload: string; reason: string }) => {
      let payload: unknown;
      try {
        payload = JSON.parse(await io.readInput(o.payload));
      } catch (err) {
        throw new DlqCommandError(`--payload: not JSON (${(err as Error).message})`);
      }
      const fixed = await call<DeadLetterRow>('POST', `/api/operator/dead-letters/${id}/fix`, {
        payload,
        reason: o.reason,
      });
      print(
        fixed,
        () => `fixed and sent: ${fixed.deadLetterId} (changed: ${fixed.fix?.changedPaths.join(', ') || 'nothing'})`,
      );
    });

  dlq
    .command('redrive')
    .description('send dead letters again as they were; closed ones never, obsolete ones only with --force')
    .argument('[ids...]', 'dead letters by id', (value: string, previous: string[] = []) => [...previous, uuid(value)])
    .option('--topic <topic>', 'every open one of this topic')
    .option('--dossier <dossierId>', 'every open one of this dossier')
    .option('--dead-letter-reason <reason>', 'every open one with this reason')
    .option('--all', 'every open one')
    .option('--force', 'send obsolete ones too', false)
    .option('--dry-run', 'only say what would happen', false)
    .option('--yes', 'do not ask before acting on more than one', false)
    .requiredOption('--reason <reason>', 'why (audited)')
    .action(
      async (
        ids: string[] | undefined,
        o: {
          topic?: string;
          dossier?: string;
          deadLetterReason?: string;
          all?: boolean;
          force: boolean;
          dryRun: boolean;
          yes: boolean;
          reason: string;
        },
      ) => {
        const selection = {
          ...(ids?.length ? { deadLetterIds: ids } : {}),
          ...(o.topic ? { topic: o.topic } : {}),
          ...(o.dossier ? { dossierId: o.dossier } : {}),
          ...(o.deadLetterReason ? { deadLetterReason: o.deadLetterReason } : {}),
          ...(o.all ? { all: true as const } : {}),
        };
        if (Object.keys(selection).length === 0)
          throw new DlqCommandError('choose what to redrive: ids, --topic, --dossier, --dead-letter-reason or --all');
        const body = { ...selection, force: o.force, reason: o.reason };
        const dry = await call<RedriveReply>('POST', '/api/operator/dead-letters/redrive', { ...body, dryRun: true });
        const sending = dry.outcomes.filter((x) => x.outcome === 'would-redrive').length;
        if (o.dryRun || sending === 0) return print(dry, () => outcomesTable(dry.outcomes));
        if (sending > 1 && !o.yes) {
          if (!options().json) io.out(outcomesTable(dry.outcomes));
          if (!(await io.confirm(`redrive ${sending} dead letters?`)))
            throw new DlqCommandError('nothing redriven: not confirmed');
        }
        const done = await call<RedriveReply>('POST', '/api/operator/dead-letters/redrive', { ...body, dryRun: false });
        print(done, () => outcomesTable(done.outcomes));
        if (done.outcomes.some((x) => x.outcome === 'failed'))
          throw new DlqCommandError(
            `${done.outcomes.filter((x) => x.outcome === 'failed').length} dead letters failed to redrive`,
          );
      },
    );

  dlq
    .command('discard')
    .description('close dead letters without sending them')
    .argument('<ids...>', 'dead letters by id', (value: string, previous: string[] = []) => [...previous, uuid(value)])
    .requiredOption('--reason <reason>', 'why (audited)')
    .option('--yes', 'do not ask before discarding more than one', false)
    .action(async (ids: string[], o: { reason: string; yes: boolean }) => {
      if (ids.length > 1 && !o.yes && !(await io.confirm(`discard ${ids.length} dead letters?`)))
        throw new DlqCommandError('nothing discarded: not confirmed');
      const closed: DeadLetterRow[] = [];
      for (const id of ids)
        closed.push(
          await call<DeadLetterRow>('POST', `/api/operator/dead-letters/${id}/discard`, { reason: o.reason }),
        );
      print(closed, () => rowsTable(closed));
    });

  return dlq;
}

/** Runs the group as a program of its own (tests; the operator command line registers `dlqCommand()` itself): 0 on success, else non-zero after a one-line reason. */
export async function runDlq(argv: string[], io: DlqIo = defaultIo()): Promise<number> {
  const program = new Command('ops').exitOverride().addCommand(dlqCommand(io));
  program.configureOutput({ writeErr: (text) => process.stderr.write(text) });
  for (const command of [program, ...program.commands, ...program.commands.flatMap((c) => c.commands)])
    command.exitOverride();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    const code = (err as { code?: string; exitCode?: number }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return 0;
    if (code?.startsWith('commander.')) return (err as { exitCode?: number }).exitCode ?? 2;
    process.stderr.write(`${(err as Error).message.split('\n')[0]}\n`);
    return 1;
  }
}
