import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { createLogger } from '../../platform/logger';
import { runChaos } from './run';
import { infraDown, infraUp, throwAwayStackEnv } from './stack';
import { faultNames } from './faults';

/** Each flag's rule, checked before anything starts; the message names the flag. */
const int = (flag: string, min: number, max: number) => (value: string) => {
  const parsed = z.coerce.number().int().min(min).max(max).safeParse(value);
  if (!parsed.success)
    throw new InvalidArgumentError(`${flag} must be a whole number from ${min} to ${max} (got ${value})`);
  return parsed.data;
};
const faultList = (value: string) => {
  const names = value
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !faultNames.includes(n));
  if (names.length === 0 || unknown.length > 0)
    throw new InvalidArgumentError(
      `--faults must be a comma-separated list of ${faultNames.join(', ')} (unknown: ${unknown.join(', ') || 'none given'})`,
    );
  return names;
};

const program = new Command('chaos')
  .description(
    'Submits dossiers through the api of a throw-away stack (servers on disk in a temp DATA_DIR, every service its own process), injects faults in turn, and checks that no dossier is lost, no effect is duplicated and nothing is stuck unseen. Exits 1 on any finding.',
  )
  .option('--count <n>', 'dossiers to submit, shared among the faults', int('--count', 10, 100_000), 1_000)
  .option('--faults <list>', `faults to inject in turn (${faultNames.join(', ')})`, faultList, [...faultNames])
  .option('--seed <n>', 'seed of the plan (which deceased, the order)', int('--seed', 0, 2 ** 31 - 1), 1)
  .option('--concurrency <n>', 'submissions and reads in flight', int('--concurrency', 1, 200), 16)
  .option(
    '--clock-factor <n>',
    'simulated time runs this many times faster (CLOCK_FACTOR)',
    int('--clock-factor', 1, 1_000_000),
    5_000,
  )
  .option('--down-seconds <n>', 'how long a killed process or server stays down', int('--down-seconds', 0, 600), 5)
  .option(
    '--outage-seconds <n>',
    "how long the agency outage lasts: on the default clock, longer than four of the card step's legal limits (2 working days each, with weekends), so its attempts run out",
    int('--outage-seconds', 1, 3_600),
    360,
  )
  .option(
    '--resend-backoff <s>',
    'seconds before an overdue command is re-sent, doubled each time (RESEND_BACKOFF_SECONDS; scaled down with the clock)',
    int('--resend-backoff', 0, 86_400),
    2,
  )
  .option(
    '--stuck-grace <s>',
    'seconds a dossier with a failed or overdue step may be missing from the stuck list (visibility lag) before it counts as unseen',
    int('--stuck-grace', 1, 3_600),
    30,
  )
  .option(
    '--phase-timeout <n>',
    'seconds a fault phase may take to settle before its dossiers count as lost',
    int('--phase-timeout', 30, 7_200),
    600,
  )
  .option('--data-dir <path>', 'where the servers and logs go (default: a new temp folder)')
  .option('--keep', 'keep the data folder afterwards (it is kept anyway when something is found)', false)
  .showHelpAfterError();

async function main(): Promise<number> {
  program.parse();
  const opts = program.opts<{
    count: number;
    faults: string[];
    seed: number;
    concurrency: number;
    clockFactor: number;
    downSeconds: number;
    outageSeconds: number;
    resendBackoff: number;
    stuckGrace: number;
    phaseTimeout: number;
    dataDir?: string;
    keep: boolean;
  }>();
  const root = resolve(import.meta.dirname, '../..');
  const dataDir = resolve(opts.dataDir ?? mkdtempSync(join(tmpdir(), 'lienthong-chaos-')));
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  const log = createLogger({ level: 'info', format: 'json' }, { process: 'chaos' });
  const { env, apiUrl } = await throwAwayStackEnv(root, dataDir, {
    API_RATE_LIMIT_PER_MINUTE: '1000000',
    CLOCK_FACTOR: String(opts.clockFactor),
    // One epoch for every process of the run: a restarted service keeps the others' simulated time.
    CLOCK_EPOCH: new Date().toISOString(),
    RESEND_BACKOFF_SECONDS: String(opts.resendBackoff),
    POPULATION_SIZE: String(Math.max(2_000, opts.count * 4)),
    AGENCY_POLICY_RESIDENCE: 'manual',
  });
  process.stderr.write(`chaos: servers, services and logs in ${dataDir}\n`);
  let found = true;
  try {
    const started = Date.now();
    await infraUp(root, env);
    log.info({ seconds: (Date.now() - started) / 1000 }, 'servers up');
    found = await runChaos({
      ...opts,
      stuckGraceSeconds: opts.stuckGrace,
      root,
      dataDir,
      env,
      apiUrl,
      log,
    });
    return found ? 1 : 0;
  } finally {
    await infraDown(root, env, log);
    if (!found && !opts.keep && !opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    else process.stderr.write(`chaos: logs kept in ${dataDir}/logs\n`);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`chaos failed: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(2);
  },
);
