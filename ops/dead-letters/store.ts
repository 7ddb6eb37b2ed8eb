import type { IHeaders } from 'kafkajs';
import type { Pool, Queryable } from '../../platform/database';

import type { deadLetterStates } from '../../contracts/dead-letters';

export type DeadLetterState = (typeof deadLetterStates)[number];

/** What the recorder learns of one dead-lettered message (from the `.dlq` topic and its headers). */
export interface DeadLetterSighting {
  /** The message that failed: its topic, partition, offset and the consumer group that gave up on it. */
  topic: string;
  partition: number | null;
  offset: string | null;
  consumerGroup: string | null;
  /** Where the recorder read it. */
  dlqTopic: string;
  dlqPartition: number;
  dlqOffset: string;
  messageKey: string | null;
  eventId: string | null;
  eventType: string | null;
  dossierId: string | null;
  stepId: string | null;
  attempt: number | null;
  reason: string;
  error: string;
  seenAt: Date;
  /** The dead letter this message is a redriven or fixed copy of, when it failed again. */
  redrivenFrom: string | null;
  /** The message as it was on the bus: its data still encrypted under the topic key, its signature intact. */
  value: Buffer | null;
  headers: IHeaders;
}

/** One dead letter as operators list it (no bytes). */
export interface DeadLetterRecord {
  deadLetterId: string;
  state: DeadLetterState;
  topic: string;
  partition: number | null;
  offset: string | null;
  consumerGroup: string | null;
  key: string | null;
  eventId: string | null;
  eventType: string | null;
  dossierId: string | null;
  stepId: string | null;
  attempt: number | null;
  reason: string;
  error: string;
  firstSeenAt: string;
  lastSeenAt: string;
  timesSeen: number;
  redrivenFrom: string | null;
  closedAt: string | null;
  closedBy: string | null;
  closeReason: string | null;
  /** What an operator's fix changed: hashes of the data before and after, and the changed fields' paths. */
  fix: { beforeSha256: string; afterSha256: string; changedPaths: string[] } | null;
}

/** A record with the message it holds, to open, fix or redrive it. */
export interface StoredDeadLetter extends DeadLetterRecord {
  messageKeyBytes: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

/** The record without its message. */
export function recordOnly({
  messageKeyBytes: _k,
  value: _v,
  headers: _h,
  ...record
}: StoredDeadLetter): DeadLetterRecord {
  return record;
}

export interface DeadLetterFilter {
  topic?: string;
  /** `all` for every state; open by default. */
  state?: DeadLetterState | 'all';
  dossierId?: string;
  reason?: string;
  limit: number;
}

/** The where clause of a filter, with its parameters numbered from $1. */
function whereOf(filter: Omit<DeadLetterFilter, 'limit'>): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  const state = filter.state ?? 'open';
  if (state !== 'all') add('state = ?', state);
  if (filter.topic) add('topic = ?', filter.topic);
  if (filter.dossierId) add('dossier_id = ?', filter.dossierId);
  if (filter.reason) add('reason = ?', filter.reason);
  return { where, params };
}

const columns = `id, state, topic, partition, "offset", consumer_group, message_key, event_id, event_type, dossier_id,
  step_id, attempt, reason, error, first_seen, last_seen, times_seen, redriven_from, closed_at, closed_by, close_reason, fix`;

/** Headers as JSON: each value base64, so any bytes survive. */
const headersToJson = (headers: IHeaders) =>
  Object.fromEntries(
    Object.entries(headers).flatMap(([name, value]) =>
      value === undefined
        ? []
        : [[name, (Array.isArray(value) ? value : [value]).map((v) => Buffer.from(v).toString('base64'))]],
    ),
  );
const headersFromJson = (json: Record<string, string[]>): IHeaders =>
  Object.fromEntries(
    Object.entries(json).map(([name, values]) => {
      const buffers = values.map((v) => Buffer.from(v, 'base64'));
      return [name, buffers.length === 1 ? buffers[0]! : buffers];
    }),
  );

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : value === null ? null : String(value));

function recordFromRow(r: Record<string, unknown>): DeadLetterRecord {
  return {
    deadLetterId: r.id as string,
    state: r.state as DeadLetterState,
    topic: r.topic as string,
    partition: (r.partition as number | null) ?? null,
    offset: (r.offset as string | null) ?? null,
    consumerGroup: (r.consumer_group as string | null) ?? null,
    key: (r.message_key as string | null) ?? null,
    eventId: (r.event_id as string | null) ?? null,
    eventType: (r.event_type as string | null) ?? null,
    dossierId: (r.dossier_id as string | null) ?? null,
    stepId: (r.step_id as string | null) ?? null,
    attempt: (r.attempt as number | null) ?? null,
    reason: r.reason as string,
    error: r.error as string,
    firstSeenAt: iso(r.first_seen)!,
    lastSeenAt: iso(r.last_seen)!,
    timesSeen: r.times_seen as number,
    redrivenFrom: (r.redriven_from as string | null) ?? null,
    closedAt: iso(r.closed_at),
    closedBy: (r.closed_by as string | null) ?? null,
    closeReason: (r.close_reason as string | null) ?? null,
    fix: (r.fix as DeadLetterRecord['fix']) ?? null,
  };
}

/**
 * Dead letters as records in the operations database, beside their `.dlq` topics: one row per
 * message that a consumer group gave up on (the same message dead-lettered again, after a crash
 * between publishing to the dead-letter topic and committing, is the same row, seen once more), with
 * a state operators move from `open` to `redriven` or `discarded`, never back.
 */
export function createDeadLetterStore(pool: Pool) {
  const one = async (db: Queryable, sql: string, params: unknown[]) => {
    const { rows } = await db.query(sql, params);
    return rows[0] as Record<string, unknown> | undefined;
  };
  return {
    async migrate(): Promise<void> {
      await pool.query(`
        create table if not exists dead_letters (
          id uuid primary key default gen_random_uuid(),
          origin text not null unique,
          state text not null default 'open' check (state in ('open', 'redriven', 'discarded')),
          topic text not null,
          partition int,
          "offset" text,
          consumer_group text,
          dlq_topic text not null,
          dlq_partition int not null,
          dlq_offset text not null,
          message_key text,
          event_id text,
          event_type text,
          dossier_id text,
          step_id text,
          attempt int,
          reason text not null,
          error text not null,
          first_seen timestamptz not null,
          last_seen timestamptz not null,
          times_seen int not null default 1,
          redriven_from uuid,
          closed_at timestamptz,
          closed_by text,
          close_reason text,
          fix jsonb,
          value bytea,
          headers jsonb not null
        );
        create index if not exists dead_letters_open on dead_letters (state, topic, first_seen);
        create index if not exists dead_letters_dossier on dead_letters (dossier_id);
      `);
    },

    /**
     * Records a sighting once per failed message and consumer group: the key is the failed message's
     * coordinates (or, when its headers do not say, the dead-letter topic's own), so a redelivered
     * dead letter only moves `last_seen`. Answers the record's id and whether it is new.
     */
    async record(s: DeadLetterSighting): Promise<{ deadLetterId: string; created: boolean }> {
      const origin =
        s.partition !== null && s.offset !== null
          ? `${s.topic}/${s.partition}/${s.offset}/${s.consumerGroup ?? ''}`
          : `${s.dlqTopic}/${s.dlqPartition}/${s.dlqOffset}`;
      const row = await one(
        pool,
        `insert into dead_letters (origin, topic, partition, "offset", consumer_group, dlq_topic, dlq_partition, dlq_offset,
           message_key, event_id, event_type, dossier_id, step_id, attempt, reason, error, first_seen, last_seen,
           redriven_from, value, headers)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $18, $19, $20)
         on conflict (origin) do update set
           last_seen = greatest(dead_letters.last_seen, excluded.last_seen),
           times_seen = dead_letters.times_seen + case
             when (dead_letters.dlq_topic, dead_letters.dlq_partition, dead_letters.dlq_offset)
                = (excluded.dlq_topic, excluded.dlq_partition, excluded.dlq_offset) then 0 else 1 end
         returning id, (xmax = 0) as created`,
        [
          origin,
          s.topic,
          s.partition,
          s.offset,
          s.consumerGroup,
          s.dlqTopic,
          s.dlqPartition,
          s.dlqOffset,
          s.messageKey,
          s.eventId,
          s.eventType,
          s.dossierId,
          s.stepId,
          s.attempt,
          s.reason,
          s.error,
          s.seenAt,
          s.redrivenFrom,
          s.value,
          JSON.stringify(headersToJson(s.headers)),
        ],
      );
      return { deadLetterId: row!.id as string, created: row!.created as boolean };
    },

    /** Open ones by default, across every topic, oldest first. */
    async list(filter: DeadLetterFilter): Promise<DeadLetterRecord[]> {
      const { where, params } = whereOf(filter);
      params.push(filter.limit);
      const { rows } = await pool.query(
        `select ${columns} from dead_letters ${where.length ? `where ${where.join(' and ')}` : ''}
          order by first_seen, id limit $${params.length}`,
        params,
      );
      return rows.map(recordFromRow);
    },

    async get(deadLetterId: string): Promise<StoredDeadLetter | undefined> {
      const row = await one(pool, `select ${columns}, value, headers from dead_letters where id = $1`, [deadLetterId]);
      if (!row) return undefined;
      const record = recordFromRow(row);
      return {
        ...record,
        messageKeyBytes: record.key === null ? null : Buffer.from(record.key),
        value: (row.value as Buffer | null) ?? null,
        headers: headersFromJson(row.headers as Record<string, string[]>),
      };
    },

    /**
     * Closes an open dead letter: only one caller wins (a closed one is never re-sent); the answer is
     * the record as closed, or undefined when it was not open.
     */
    async close(
      deadLetterId: string,
      to: Exclude<DeadLetterState, 'open'>,
      by: { actor: string; reason: string; fix?: DeadLetterRecord['fix'] },
    ): Promise<DeadLetterRecord | undefined> {
      const row = await one(
        pool,
        `update dead_letters set state = $2, closed_at = now(), closed_by = $3, close_reason = $4, fix = $5
          where id = $1 and state = 'open' returning ${columns}`,
        [deadLetterId, to, by.actor, by.reason, by.fix ? JSON.stringify(by.fix) : null],
      );
      return row ? recordFromRow(row) : undefined;
    },

    /** Undoes a close whose publishing failed, so the dead letter can be acted on again. */
    async reopen(deadLetterId: string): Promise<void> {
      await pool.query(
        `update dead_letters set state = 'open', closed_at = null, closed_by = null, close_reason = null, fix = null
          where id = $1`,
        [deadLetterId],
      );
    },

    /** How many dead letters of each state match the other filters (topic, dossier, reason). */
    async counts(filter: Omit<DeadLetterFilter, 'state' | 'limit'>): Promise<Record<DeadLetterState, number>> {
      const { where, params } = whereOf({ ...filter, state: 'all' });
      const { rows } = await pool.query<{ state: DeadLetterState; count: number }>(
        `select state, count(*)::int as count from dead_letters ${where.length ? `where ${where.join(' and ')}` : ''}
          group by state`,
        params,
      );
      const counts: Record<DeadLetterState, number> = { open: 0, redriven: 0, discarded: 0 };
      for (const row of rows) counts[row.state] = row.count;
      return counts;
    },

    /** Dead letters per topic and state, for the depth gauge. */
    async depth(): Promise<{ topic: string; state: DeadLetterState; count: number }[]> {
      const { rows } = await pool.query<{ topic: string; state: DeadLetterState; count: number }>(
        'select topic, state, count(*)::int as count from dead_letters group by topic, state',
      );
      return rows;
    },
  };
}
export type DeadLetterStore = ReturnType<typeof createDeadLetterStore>;
