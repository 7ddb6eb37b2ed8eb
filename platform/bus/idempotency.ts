import type pg from 'pg';
import { checkout, type Pool } from '../database';

/** Creates the processed-events table if missing. */
export async function migrateProcessedEvents(pool: Pool): Promise<void> {
  await pool.query(`create table if not exists processed_events (
    consumer text not null,
    event_id text not null,
    processed_at timestamptz not null default now(),
    primary key (consumer, event_id)
  )`);
}

/**
 * Runs `effect` once per (consumer, event id): the event is recorded in the same transaction as
 * the effect, so a redelivered event (or a concurrent duplicate, which waits on the key) is skipped.
 */
export async function withIdempotency<T>(
  pool: Pool,
  consumer: string,
  eventId: string,
  effect: (client: pg.PoolClient) => Promise<T>,
): Promise<{ applied: true; value: T } | { applied: false }> {
  const client = await checkout(pool);
  try {
    await client.query('begin');
    const inserted = await client.query(
      'insert into processed_events (consumer, event_id) values ($1, $2) on conflict do nothing',
      [consumer, eventId],
    );
    if (inserted.rowCount === 0) {
      await client.query('rollback');
      return { applied: false };
    }
    const value = await effect(client);
    await client.query('commit');
    return { applied: true, value };
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
