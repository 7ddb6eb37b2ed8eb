import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Logger } from '../platform/logger';
import { InfraError, startProcess, waitUntilReady, type StartedProcess } from './process';

const run = promisify(execFile);

/** Local development credentials; the server listens on loopback only. */
export const localPostgresUser = 'lienthong';
export const localPostgresPassword = 'lienthong-dev';

export interface PostgresServerOptions {
  bin: string;
  dataDir: string;
  port: number;
  detached?: boolean;
}

interface RunAs {
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` system user (created if missing). */
async function runAs(): Promise<RunAs | undefined> {
  if (userInfo().uid !== 0) return undefined;
  const ids = async () => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
  });
  try {
    return await ids();
  } catch {
    await run('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']).catch((err: Error) => {
      throw new InfraError(
        `running as root, PostgreSQL needs a 'postgres' user and creating it failed: ${err.message}`,
      );
    });
    return ids();
  }
}

/** Initialises the cluster on first use and starts PostgreSQL on 127.0.0.1 only. */
export async function startPostgresServer(options: PostgresServerOptions): Promise<StartedProcess> {
  const home = resolve(options.dataDir, 'postgres');
  const user = await runAs();
  mkdirSync(home, { recursive: true });
  if (user) {
    chownSync(home, user.uid, user.gid);
    chmodSync(home, 0o700);
  }
  if (!existsSync(join(home, 'PG_VERSION'))) {
    const pwfile = join(resolve(options.dataDir), '.pgpass-init');
    writeFileSync(pwfile, localPostgresPassword, { mode: 0o600 });
    if (user) chownSync(pwfile, user.uid, user.gid);
    try {
      await run(
        join(options.bin, 'initdb'),
        [
          '-D',
          home,
          '-U',
          localPostgresUser,
          '--pwfile',
          pwfile,
          '--auth=scram-sha-256',
          '--encoding=UTF8',
          '--locale=C',
          '--no-sync',
        ],
        { ...user, cwd: '/' },
      );
    } catch (err) {
      throw new InfraError(
        `initdb in ${home} failed: ${(err as { stderr?: string }).stderr ?? (err as Error).message}`,
      );
    } finally {
      rmSync(pwfile, { force: true });
    }
  }
  const logFile = join(resolve(options.dataDir), 'postgres.log');
  writeFileSync(logFile, '', { flag: 'a', mode: 0o600 });
  chmodSync(logFile, 0o600);
  if (user) chownSync(logFile, user.uid, user.gid);
  return startProcess(
    join(options.bin, 'postgres'),
    [
      '-D',
      home,
      '-p',
      String(options.port),
      '-h',
      '127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
      '-c',
      'fsync=on',
    ],
    logFile,
    { ...user, cwd: '/', detached: options.detached },
  );
}

export function localPostgresUrl(port: number, database: string): string {
  return `postgres://${localPostgresUser}:${encodeURIComponent(localPostgresPassword)}@127.0.0.1:${port}/${database}`;
}

export async function postgresVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('show server_version');
    return rows[0]?.server_version ?? 'unknown';
  } finally {
    await client.end();
  }
}

export async function waitForPostgres(url: string, started: StartedProcess | undefined, log: Logger): Promise<string> {
  let version = '';
  await waitUntilReady('PostgreSQL', async () => (version = await postgresVersion(url)), {
    pid: started?.pid,
    logFile: started?.logFile,
    onWait: (ms) => log.info({ server: 'postgres', seconds: Math.round(ms / 1000) }, 'waiting for server'),
  });
  return version;
}

/** Creates the databases that do not exist yet (one per agency plus the platform's). */
export async function ensureDatabases(adminUrl: string, databases: string[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('select datname from pg_database');
    const existing = new Set(rows.map((row) => row.datname));
    const missing = databases.filter((name) => !existing.has(name));
    for (const name of missing) await client.query(`create database "${name.replaceAll('"', '')}"`);
    return missing;
  } finally {
    await client.end();
  }
}
