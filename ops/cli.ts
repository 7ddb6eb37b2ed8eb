import { Command, CommanderError, Option } from 'commander';
import pino from 'pino';
import { allDatabases } from '../contracts/agencies';
import { runningEndpoints } from '../infra/bring-up';
import { ensureDatabases } from '../infra/postgres-server';
import { provisionRoles } from '../infra/postgres-roles';
import { InfraError } from '../infra/process';
import { auditKeyFor } from '../platform/audit';
import { ConfigError, loadConfig, type Config } from '../platform/config';
import { createPool } from '../platform/database';
import { createLogger } from '../platform/logger';
import { parseAnchor, verifyAuditLog } from './audit-verify';
import { issueDevelopmentToken } from '../platform/auth';
import { developmentAuthSecret } from '../services/api';
import { devUsers } from '../web/auth';
import { CliError } from './cli-api';
import { dlqCommand } from './cli-dlq';
import { operatorCommands } from './cli-operator';

/**
 * The operator's command line: `npm run ops -- <command>`. Operator commands go through the api
 * with an operator token (--api/--token or LIENTHONG_API_URL/LIENTHONG_TOKEN; on a local
 * development stack a token is minted as the demo does). `audit verify` and `db setup` read the
 * database directly.
 */
function buildProgram(): Command {
  const program = new Command('ops')
    .description('Lienthong operator tools')
    .addOption(new Option('--api <url>', 'the api (default: LIENTHONG_API_URL, else the local api)'))
    .addOption(
      new Option(
        '--token <token>',
        'an operator bearer token (default: LIENTHONG_TOKEN, else a local development token)',
      ),
    )
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (text, write) => write(text) });
  for (const command of operatorCommands(resolveConnection)) program.addCommand(command);
  program.addCommand(dlqCommand(undefined, resolveConnection));
  const audit = program.commands.find((c) => c.name() === 'audit')!;
  audit
    .command('verify')
    .description(
      "check the audit log's hash chain: every edited, deleted or inserted row is reported by id and kind; exit code 1 when there is any",
    )
    .option('--json', 'print the report as JSON')
    .option(
      '--anchor <seq:hash>',
      'a head printed by an earlier run, which must still be there (a cut tail is found only this way)',
    )
    .action(async (_o: unknown, command: Command) => {
      // `audit` has a --json of its own: commander gives it the flag, so read both levels.
      const o = command.optsWithGlobals<{ json?: boolean; anchor?: string }>();
      const anchor = o.anchor === undefined ? undefined : parseAnchor(o.anchor);
      if (o.anchor !== undefined && !anchor)
        throw new CliError("--anchor: must be <seq>:<64 hex digits>, as a report's head prints it", 2);
      process.exitCode = await auditVerify(loadConfig(), o.json ?? false, anchor);
    });
  program
    .command('db')
    .description('database administration')
    .command('setup')
    .description(
      "INFRA_MODE=external: as the administrator (DATABASE_ADMIN_URL), create the databases, the services' role of DATABASE_URL with its grants, and the audit log it may only insert into and read",
    )
    .action(async () => {
      process.exitCode = await dbSetup(loadConfig());
    });
  for (const command of [program, ...allCommands(program)]) command.exitOverride();
  return program;
}

const allCommands = (command: Command): Command[] => command.commands.flatMap((c) => [c, ...allCommands(c)]);

/** Flags, then the environment, then (local development only) a token minted with the api's development secret. */
async function resolveConnection(flags: { api?: string; token?: string }): Promise<{ api: string; token: string }> {
  const envApi = process.env.LIENTHONG_API_URL;
  const envToken = process.env.LIENTHONG_TOKEN;
  if ((flags.api ?? envApi) && (flags.token ?? envToken))
    return { api: (flags.api ?? envApi)!, token: (flags.token ?? envToken)! };
  const config = loadConfig();
  const api = flags.api ?? envApi ?? `http://${config.api.host}:${config.api.port}`;
  const token = flags.token ?? envToken;
  if (token) return { api, token };
  if (!config.auth.devLogin)
    throw new CliError('no operator token: pass --token or set LIENTHONG_TOKEN (development tokens are off here)', 2);
  return {
    api,
    token: await issueDevelopmentToken(devUsers.operator!, {
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      secret: developmentAuthSecret(config),
      ttlSeconds: 600,
    }),
  };
}

async function dbSetup(config: Config): Promise<number> {
  const log = createLogger(
    { level: config.log.level, format: config.log.format, destination: pino.destination(2) },
    { process: 'ops' },
  );
  if (config.mode !== 'external' || !config.database.adminUrl || !config.database.url) {
    process.stderr.write(
      'db setup is for INFRA_MODE=external with DATABASE_URL (the services) and DATABASE_ADMIN_URL (an administrator); npm start provisions local servers itself\n',
    );
    return 2;
  }
  const server = new URL(config.database.adminUrl);
  server.pathname = '/postgres';
  const created = await ensureDatabases(server.toString(), allDatabases);
  const roles = await provisionRoles(config.database.adminUrl, config.database.url, allDatabases, log);
  process.stdout.write(
    `${JSON.stringify({ databasesCreated: created, roleCreated: roles.created, objectsHandedOver: roles.handedOver }, null, 2)}\n`,
  );
  return 0;
}

async function auditVerify(config: Config, json: boolean, anchor: ReturnType<typeof parseAnchor>): Promise<number> {
  const pool = createPool(runningEndpoints(config).postgres.url, { applicationName: 'lienthong-ops' });
  try {
    const report = await verifyAuditLog(pool, auditKeyFor(config), {
      anchor,
      onProgress: (read, total) => process.stderr.write(`verified ${read} of ${total} rows\n`),
    });
    if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      process.stdout.write(
        `${report.ok ? 'The audit log is intact' : `The audit log has ${report.findings.length} finding(s)`}: ` +
          `${report.rows} rows, ${report.verified} verified in the chain, ${report.unchained} from before the chain started\n`,
      );
      for (const f of report.findings)
        process.stdout.write(
          `  ${f.kind.padEnd(8)} ${f.id === undefined ? '' : `row ${f.id} `}${f.seq == null ? '' : `(position ${f.seq}) `}${f.detail}\n`,
        );
      if (report.head)
        process.stdout.write(
          `Head: position ${report.head.seq} (row ${report.head.id}); keep it and check later with --anchor ${report.head.seq}:${report.head.hash}\n`,
        );
    }
    return report.ok ? 0 : 1;
  } finally {
    await pool.end();
  }
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  if (argv.length === 0) {
    program.outputHelp();
    return 2;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are not failures; a bad flag was already named on stderr by commander.
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version'
        ? 0
        : 2;
    }
    if (err instanceof CliError) {
      process.stderr.write(`ops: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof InfraError) process.stderr.write(`ops: ${err.message}\n`);
    else process.stderr.write(`ops: ${(err as Error)?.message ?? String(err)}\n`);
    process.exit(3);
  },
);
