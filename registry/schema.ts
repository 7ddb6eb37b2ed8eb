import type { Pool } from '../platform/database';
import { migrateDataAccess } from '../platform/data-access';

/**
 * The national population database: citizens with their vital status, households with their
 * head, owner and permanent address, who lives where, and the outbox every change leaves through.
 * `requests` remembers each answer by request id, so asking again never changes anything twice;
 * `births` gives each birth one personal ID number whoever asks for it. `spouses` and `parents`
 * make families; `contacts` holds the phone and e-mail a citizen gave (found by their pseudonymous key);
 * `data_access` logs every read of a citizen's record (platform/data-access.ts).
 */
export async function migrateRegistryDatabase(pool: Pool): Promise<void> {
  await pool.query(`
    create table if not exists households (
      household_id text primary key,
      province_code text not null,
      commune text not null,
      street text not null,
      head_id text,
      owner_id text
    );
    create table if not exists citizens (
      personal_id text primary key,
      full_name text not null,
      sex text not null,
      birth_date date not null,
      contribution_months int not null,
      pensioner boolean not null,
      alive boolean not null,
      died_on date,
      household_id text not null references households(household_id),
      permanent_resident boolean not null default true
    );
    create table if not exists spouses (
      personal_id text not null references citizens(personal_id),
      spouse_id text not null references citizens(personal_id),
      primary key (personal_id, spouse_id)
    );
    create table if not exists parents (
      child_id text not null references citizens(personal_id),
      parent_id text not null references citizens(personal_id),
      primary key (child_id, parent_id)
    );
    create index if not exists parents_by_parent on parents (parent_id);
    create index if not exists citizens_by_household on citizens (household_id);
    create table if not exists births (
      birth_key text primary key,
      personal_id text not null references citizens(personal_id)
    );
    create table if not exists requests (
      request_id text primary key,
      answer jsonb not null,
      answered_at timestamptz not null default now()
    );
    create table if not exists outbox (
      id bigserial primary key,
      event_id text not null,
      event_type text not null,
      subject text not null,
      data jsonb not null,
      created_at timestamptz not null default now(),
      published_at timestamptz
    );
    create index if not exists outbox_unpublished on outbox (id) where published_at is null;
    create table if not exists contacts (
      personal_id text primary key references citizens(personal_id),
      citizen_key text not null unique,
      phone text,
      email text,
      language text not null default 'vi'
    );
  `);
  await migrateDataAccess(pool);
}
