import { parseArgs } from 'node:util';
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

const usage = `usage: npm run ops -- <command> [options]
  audit verify [--json] [--anchor <seq>:<hash>]
          check the audit log's hash chain: every edited, deleted or inserted row is reported by id
          and kind; exit code 1 when there is any. --anchor: a head printed by an earlier run, which
          must still be there (a cut tail is found only this way)
  db setup
          INFRA_MODE=external: as the administrator (DATABASE_ADMIN_URL), create the databases, the
          services' role of DATABASE_URL with its grants, and the audit log it may only insert into
          and read (npm start does this itself on local servers)`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        anchor: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const command = parsed.positionals.join(' ');
  const config = loadConfig();
  const log = createLogger(
    { level: config.log.level, format: config.log.format, destination: pino.destination(2) },
    { process: 'ops' },
  );
  if (command === 'audit verify') {
    const anchor = parsed.values.anchor === undefined ? undefined : parseAnchor(parsed.values.anchor);
    if (parsed.values.anchor !== undefined && !anchor) {
      process.stderr.write(`--anchor: must be <seq>:<64 hex digits>, as a report's head prints it\n`);
      return 2;
    }
    return auditVerify(config, parsed.values.json ?? false, anchor);
  }
  if (command === 'db setup') {
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
  process.stderr.write(`unknown command: ${command || '(none)'}\n${usage}\n`);
  return 2;
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof InfraError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(3);
  },
);
