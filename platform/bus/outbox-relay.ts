import type { TopicSpec } from '../../contracts/topics';
import { inTransactionFrom, type Pool } from '../database';
import type { EventPublisher } from './publisher';

interface OutboxRow {
  id: string;
  event_id: string;
  event_type: string;
  subject: string;
  data: Record<string, unknown>;
}

/** The most events one pass of a relay publishes. */
export const outboxRelayBatch = 200;

/**
 * One pass of a transactional outbox's relay over the `outbox` table of a service's database:
 * publishes committed events in order, marks them published once the broker has them; returns
 * how many it published. A crash between the two publishes them again: consumers dedupe by id.
 * `subjectOf` turns a stored subject into the one on the bus (the registry's pseudonymous citizen key).
 */
export function createOutboxRelay(deps: {
  pool: Pool;
  publisher: EventPublisher;
  topic: TopicSpec;
  source: string;
  subjectOf?: (subject: string) => string;
  /** Events of this type leave only once they are this old (an agency's receipts, see `receiptLingerMs`). */
  holdBack?: { eventType: string; ms: number };
}) {
  const hold = deps.holdBack && deps.holdBack.ms > 0 ? deps.holdBack : undefined;
  // The poll goes out with its `begin` (inTransactionFrom), so it has no parameters: the held-back
  // type and age are written in, checked here to be a type name and a number.
  if (hold && (!/^[A-Za-z][A-Za-z0-9]*\.v\d+$/.test(hold.eventType) || !Number.isFinite(hold.ms)))
    throw new Error(`outbox relay: cannot hold back ${JSON.stringify(hold)}`);
  const due = `select id, event_id, event_type, subject, data from outbox where published_at is null${
    hold
      ? ` and (event_type <> '${hold.eventType}' or created_at <= now() - make_interval(secs => ${hold.ms / 1000}))`
      : ''
  } order by id limit ${outboxRelayBatch} for update skip locked`;
  return (): Promise<number> =>
    inTransactionFrom<OutboxRow, number>(deps.pool, due, async (client, { rows }) => {
      if (rows.length === 0) return 0;
      await deps.publisher.publishBatch(
        deps.topic,
        rows.map((r) => ({
          id: r.event_id,
          type: r.event_type,
          subject: deps.subjectOf ? deps.subjectOf(r.subject) : r.subject,
          source: deps.source,
          data: r.data,
        })),
      );
      await client.query('update outbox set published_at = now() where id = any($1::bigint[])', [
        rows.map((r) => r.id),
      ]);
      return rows.length;
    });
}
