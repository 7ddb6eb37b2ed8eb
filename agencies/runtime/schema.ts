import type { Pool } from '../../platform/database';
import { migrateDataAccess } from '../../platform/data-access';

/**
 * Each agency's own database: its cases and worker tasks, the inbox that makes each command
 * count once, and the outbox its results leave through. Nothing outside the agency reads these.
 */
export async function migrateAgencyDatabase(pool: Pool): Promise<void> {
  await pool.query(`
    create table if not exists inbox (
      command_id text primary key,
      received_at timestamptz not null default now()
    );
    create table if not exists cases (
      command_id text primary key references inbox(command_id),
      dossier_id text not null,
      step_id text not null,
      command_type text not null,
      command jsonb not null,
      status text not null,
      handling text not null,
      flags jsonb not null default '[]',
      decide_at timestamptz not null default now(),
      due_at timestamptz,
      claimed_by text,
      claimed_at timestamptz,
      decided_by text,
      decision jsonb,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index if not exists cases_queue on cases (status, decide_at);
    create index if not exists cases_by_step on cases (dossier_id, step_id);
    create table if not exists outbox (
      id bigserial primary key,
      event_id text not null,
      command_id text not null,
      topic text not null,
      event_type text not null,
      subject text not null,
      data jsonb not null,
      created_at timestamptz not null default now(),
      published_at timestamptz
    );
    create index if not exists outbox_unpublished on outbox (id) where published_at is null;
    create table if not exists issued_numbers (
      kind text not null,
      value text not null,
      command_id text not null,
      primary key (kind, value)
    );
    create table if not exists payouts (
      deceased_id text primary key,
      command_id text not null,
      amount_vnd bigint not null
    );
    create sequence if not exists issued_number_seq;
    -- Workers' notes on a dossier's step, for colleagues of this agency; kept across re-sent commands.
    create table if not exists case_notes (
      id bigserial primary key,
      dossier_id text not null,
      step_id text not null,
      author text not null,
      text text not null,
      created_at timestamptz not null default now()
    );
    create index if not exists case_notes_by_step on case_notes (dossier_id, step_id, id);
  `);
  // Who read whose record from the agency's read model of the population, for which dossier.
  await migrateDataAccess(pool);
}
