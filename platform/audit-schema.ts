import type { Queryable } from './database';

/** The NOLOGIN role that owns the audit schema, table, sequence and trigger functions: no service is it. */
export const auditOwnerRole = 'lienthong_audit_owner';

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Creates (or brings up to date) the audit log in the platform database, as a database
 * administrator: schema `audit` and table `audit.audit_log` owned by a NOLOGIN role, the services'
 * role granted only USAGE on the schema, INSERT and SELECT on the table and USAGE on its id
 * sequence. Not owning the table, that role cannot DISABLE or DROP its triggers, ALTER or DROP
 * it; not a superuser, it cannot set session_replication_role to skip them. A table from before
 * (public.audit_log, owned by the services) is moved in and keeps its rows, unchained.
 */
export async function ensureAuditSchema(admin: Queryable, appRole: string): Promise<void> {
  const app = ident(appRole);
  const owner = ident(auditOwnerRole);
  await admin.query(`
    do $$ begin
      if not exists (select 1 from pg_roles where rolname = '${auditOwnerRole}') then
        create role ${owner} nologin nosuperuser nocreatedb nocreaterole noinherit;
      end if;
    end $$;
    create schema if not exists audit authorization ${owner};
    alter schema audit owner to ${owner};
    do $$ begin
      if to_regclass('public.audit_log') is not null and to_regclass('audit.audit_log') is null then
        alter table public.audit_log set schema audit;
      end if;
    end $$;
    create table if not exists audit.audit_log (
      id bigserial primary key,
      at timestamptz not null default now(),
      actor text not null,
      role text not null,
      action text not null,
      reason text not null,
      dossier_id text,
      step_id text,
      before_status text,
      after_status text,
      details jsonb not null default '{}'
    );
    alter table audit.audit_log add column if not exists seq bigint;
    alter table audit.audit_log add column if not exists prev_hash text;
    alter table audit.audit_log add column if not exists hash text;
    create unique index if not exists audit_log_seq on audit.audit_log (seq);
    create index if not exists audit_log_dossier on audit.audit_log (dossier_id, at);
    create index if not exists audit_log_actor on audit.audit_log (actor, at);
    drop function if exists public.audit_log_refuse_change() cascade;
    create or replace function audit.refuse_change() returns trigger language plpgsql as $f$
      begin raise exception 'audit_log is append-only'; end $f$;
    -- A new row must continue the chain: the next position, naming the hash of the last row.
    create or replace function audit.check_chain() returns trigger language plpgsql as $f$
      declare last_seq bigint; last_hash text;
      begin
        if new.seq is null or new.prev_hash is null or new.hash is null then
          raise exception 'audit_log rows continue the hash chain (seq, prev_hash and hash are required)';
        end if;
        select seq, hash into last_seq, last_hash from audit.audit_log where seq is not null order by seq desc limit 1;
        if last_seq is null and (new.seq <> 1 or new.prev_hash <> 'genesis') then
          raise exception 'audit_log chain: the first row is at position 1 after genesis';
        elsif last_seq is not null and (new.seq <> last_seq + 1 or new.prev_hash <> last_hash) then
          raise exception 'audit_log chain: expected position % after the row at %', last_seq + 1, last_seq;
        end if;
        return new;
      end $f$;
    drop trigger if exists audit_log_append_only on audit.audit_log;
    create trigger audit_log_append_only before update or delete on audit.audit_log
      for each row execute function audit.refuse_change();
    drop trigger if exists audit_log_no_truncate on audit.audit_log;
    create trigger audit_log_no_truncate before truncate on audit.audit_log
      for each statement execute function audit.refuse_change();
    drop trigger if exists audit_log_chain on audit.audit_log;
    create trigger audit_log_chain before insert on audit.audit_log
      for each row execute function audit.check_chain();
    alter table audit.audit_log owner to ${owner};
    alter function audit.refuse_change() owner to ${owner};
    alter function audit.check_chain() owner to ${owner};
    revoke all on schema audit from public;
    revoke all on audit.audit_log from public;
    revoke all on audit.audit_log from ${app};
    grant usage on schema audit to ${app};
    grant select, insert on audit.audit_log to ${app};
    grant usage on sequence audit.audit_log_id_seq to ${app};
  `);
}
