import { parseArgs } from 'node:util';
import pino from 'pino';
import { ConfigError, loadConfig, type Config } from '../platform/config';
import { describeEndpoints, withoutCredentials } from '../platform/endpoints';
import { createLogger, type Logger } from '../platform/logger';
import { bringUp, externalEndpoints, probeServers } from './bring-up';
import { ensureToolchain } from './cache';
import { InfraError, isAlive, stopProcess } from './process';
import { readState, removeState, stateFile, writeState } from './state';

const servers = ['temporal', 'kafka', 'postgres'] as const;
const usage = `usage: tsx infra/cli.ts <up|status|down|restart <server>|fetch> [--json]
  up       start what is down of Temporal, Kafka and PostgreSQL in the background (data under DATA_DIR), print endpoints
  status   show each server: up or down, address, version, PID and who started it
  down     stop the recorded servers, by PID
  restart  stop one server (${servers.join('|')}) and start it again, leaving the others running
  fetch    download and verify the pinned server binaries into INFRA_CACHE_DIR`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  const [command, ...extra] = parsed.positionals;
  if (parsed.values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const argsOk =
    command === 'restart'
      ? extra.length === 1 && (servers as readonly string[]).includes(extra[0]!)
      : extra.length === 0 && ['up', 'status', 'down', 'fetch'].includes(command ?? '');
  if (command === 'restart' && !argsOk) {
    process.stderr.write(
      `restart: name one server: ${servers.join(', ')} (got ${extra.join(' ') || 'none'})\n${usage}\n`,
    );
    return 2;
  }
  if (!command || !argsOk) {
    process.stderr.write(`unknown command: ${[command, ...extra].filter(Boolean).join(' ') || '(none)'}\n${usage}\n`);
    return 2;
  }
  const config = loadConfig();
  // Logs go to stderr so that stdout carries only the answer (endpoints, status, --json).
  const log = createLogger(
    { level: config.log.level, format: config.log.format, destination: pino.destination(2) },
    { process: 'infra' },
  );
  const json = parsed.values.json ?? false;
  switch (command) {
    case 'up':
      return up(config, log, json);
    case 'status':
      return status(config, json);
    case 'down':
      return down(config, log);
    case 'restart':
      return restart(config, log, extra[0] as (typeof servers)[number]);
    default:
      await ensureToolchain(config.cacheDir, log);
      process.stdout.write(`toolchain ready in ${config.cacheDir}\n`);
      return 0;
  }
}

async function up(config: Config, log: Logger, json: boolean): Promise<number> {
  const infra = await bringUp(config, log, undefined, 'infra:up');
  const output = {
    mode: infra.mode,
    endpoints: withoutCredentials(infra.endpoints),
    started: infra.started ?? [],
    stateFile: infra.mode === 'local' ? stateFile(config.dataDir) : undefined,
  };
  if (json) process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  else {
    process.stdout.write(
      `${infra.started?.length ? `Started ${infra.started.join(', ')}` : 'Already running'} (${infra.mode}):\n${describeEndpoints(infra.endpoints)}\n`,
    );
    if (output.stateFile)
      process.stdout.write(`Endpoints written to ${output.stateFile}; stop with npm run infra:down\n`);
  }
  return 0;
}

async function status(config: Config, json: boolean): Promise<number> {
  const state = config.mode === 'external' ? undefined : readState(config.dataDir);
  const endpoints = config.mode === 'external' ? externalEndpoints(config) : state?.endpoints;
  if (!endpoints) {
    if (json) process.stdout.write(`${JSON.stringify({ running: false }, null, 2)}\n`);
    else process.stdout.write('Local infrastructure is not running (start it with npm run infra:up).\n');
    return 0;
  }
  const statuses = await probeServers(endpoints);
  const rows = statuses.map((s) => ({
    ...s,
    pid: state?.processes[s.server]?.pid,
    startedBy: state?.processes[s.server]?.startedBy,
  }));
  if (json) process.stdout.write(`${JSON.stringify({ running: true, servers: rows }, null, 2)}\n`);
  else {
    for (const row of rows) {
      const detail = row.up ? `version ${row.version}` : `not answering: ${row.error}`;
      process.stdout.write(
        `${row.server.padEnd(9)} ${row.up ? 'up  ' : 'down'}  ${row.address}  ${detail}${row.pid ? `  pid ${row.pid}` : ''}${row.startedBy ? ` (started by ${row.startedBy})` : ''}\n`,
      );
    }
  }
  return statuses.every((s) => s.up) ? 0 : 1;
}

async function down(config: Config, log: Logger): Promise<number> {
  const state = readState(config.dataDir);
  if (!state) {
    process.stdout.write('Nothing to stop: no infrastructure started by infra:up.\n');
    return 0;
  }
  await Promise.all(
    Object.entries(state.processes).map(async ([server, p]) => {
      if (isAlive(p.pid)) log.info({ server, serverPid: p.pid }, 'stopping');
      await stopProcess(p.pid);
    }),
  );
  removeState(config.dataDir);
  process.stdout.write('Stopped Temporal, Kafka and PostgreSQL (data kept in DATA_DIR).\n');
  return 0;
}

/** Stops one recorded server and starts it again alone; the others keep running. */
async function restart(config: Config, log: Logger, server: (typeof servers)[number]): Promise<number> {
  if (config.mode !== 'local') {
    process.stderr.write(`restart: only local servers can be restarted (INFRA_MODE=${config.mode})\n`);
    return 2;
  }
  const state = readState(config.dataDir);
  const record = state?.processes[server];
  if (record && isAlive(record.pid)) {
    log.info({ server, serverPid: record.pid }, 'stopping');
    await stopProcess(record.pid);
  }
  const infra = await bringUp(config, log, undefined, 'infra:up');
  const after = readState(config.dataDir);
  const now = after?.processes[server];
  // A server a running npm start owns stays its own: that npm start's Ctrl-C stops the new one too.
  if (after && now && record?.startedBy === 'npm start') {
    after.processes[server] = { ...now, startedBy: 'npm start', ownerPid: record.ownerPid };
    writeState(config.dataDir, after);
  }
  process.stdout.write(
    `Restarted ${server}${now ? ` (pid ${now.pid})` : ''}:\n${describeEndpoints(infra.endpoints)}\n`,
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof InfraError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
