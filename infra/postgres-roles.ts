import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { platformDatabase } from '../contracts/agencies';
import { ensureAuditSchema } from '../platform/audit-schema';
import { databaseUrl, type Endpoints } from '../platform/endpoints';
import type { Logger } from '../platform/logger';

/** The role every service connects as: not a superuser, owner of its own tables, not of the audit log. */
export const appRole = 'lienthong_app';

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** The services' database password for local servers, generated once and kept under DATA_DIR (0600). */
export function localAppPassword(dataDir: string): string {
  const file = join(resolve(dataDir), 'postgres-app-password');
  if (!existsSync(file)) writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** The URL of `adminUrl`'s server and database, as the services' role. */
export function appUrlFor(adminUrl: string, password: string, role = appRole): string {
  const url = new URL(adminUrl);
  url.username = role;
  url.password = password;
  return url.toString();
}

/**
 * As a database administrator: creates the services' role named in `appUrl` (or resets its
 * password and attributes), lets it create and own tables in every database, hands it the tables
 * an earlier version created as the administrator, and sets up the audit log in the platform
 * database, which that role may only insert into and read. Idempotent; run at every start.
 */
export async function provisionRoles(adminUrl: string, appUrl: string, databases: string[], log: Logger) {
  const app = new URL(appUrl);
  const role = decodeURIComponent(app.username);
  const password = decodeURIComponent(app.password);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  let created = false;
  try {
    const { rows } = await admin.query<{ rolsuper: boolean }>('select rolsuper from pg_roles where rolname = $1', [
      role,
    ]);
    created = rows.length === 0;
    await admin.query(
      `${created ? 'create' : 'alter'} role ${ident(role)} login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password ${literal(password)}`,
    );
    if (created)
      log.info(
        { role },
        'created the database role the services connect as (not a superuser; the audit log is not theirs)',
      );
    else if (rows[0]?.rolsuper) log.warn({ role }, 'the services role was a superuser; it no longer is');
    for (const database of databases)
      await admin.query(`grant connect, create, temporary on database ${ident(database)} to ${ident(role)}`);
  } finally {
    await admin.end();
  }
  let handedOver = 0;
  for (const database of databases) {
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      await client.query(`grant usage, create on schema public to ${ident(role)}`);
      handedOver += await handOver(client, role);
      if (database === platformDatabase) await ensureAuditSchema(client, role);
    } finally {
      await client.end();
    }
  }
  if (handedOver > 0)
    log.info(
      { role, objects: handedOver },
      'handed the tables an earlier version created as the administrator over to the services role',
    );
  return { created, handedOver };
}

/**
 * Gives the services' role the schemas, tables, views and sequences the administrator owns in
 * this database (an earlier version connected as the administrator), except the audit schema.
 */
async function handOver(client: pg.Client, role: string): Promise<number> {
  const { rows } = await client.query<{ statement: string }>(
    `select format('alter schema %I owner to %I', nspname, $1::text) as statement
       from pg_namespace
      where nspowner = (select oid from pg_roles where rolname = current_user)
        and nspname not in ('pg_catalog', 'information_schema', 'public', 'audit') and nspname not like 'pg\\_%'
     union all
     select format('alter %s %I.%I owner to %I',
                   case c.relkind when 'S' then 'sequence' when 'v' then 'view' when 'm' then 'materialized view' else 'table' end,
                   n.nspname, c.relname, $1::text)
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relowner = (select oid from pg_roles where rolname = current_user)
        and c.relkind in ('r', 'p', 'v', 'm', 'S')
        and n.nspname not in ('pg_catalog', 'information_schema', 'audit') and n.nspname not like 'pg\\_%'
        and not (n.nspname = 'public' and c.relname in ('audit_log', 'audit_log_id_seq'))
        -- a sequence owned by a column follows its table
        and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype in ('a', 'i'))`,
    [role],
  );
  for (const { statement } of rows) await client.query(statement);
  return rows.length;
}

/**
 * A throw-away database owned by the services' role of `endpoints` (tests that need a database of
 * their own), created by the administrator, who alone may create databases.
 */
export async function createOwnedDatabase(endpoints: Endpoints, name: string): Promise<string> {
  const admin = new URL(endpoints.postgres.adminUrl ?? endpoints.postgres.url);
  admin.pathname = '/postgres';
  const owner = decodeURIComponent(new URL(endpoints.postgres.url).username);
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`create database ${ident(name)} owner ${ident(owner)}`);
  } finally {
    await client.end();
  }
  return databaseUrl(endpoints, name);
}
