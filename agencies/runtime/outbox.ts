import type { AgencyId } from '../../contracts/agencies';
import type { TopicSpec } from '../../contracts/topics';
import type { EventPublisher } from '../../platform/bus';
import type { Pool, Queryable } from '../../platform/database';
import { inTransaction } from './transaction';

/** The case an event answers: its routing fields come from here. */
export interface CaseRef {
  command_id: string;
  dossier_id: string;
  step_id: string;
}

/** Queues an event in the caller's transaction, so it leaves if and only if the effect commits. */
export const enqueueEvent = (
  db: Queryable,
  topic: TopicSpec,
  c: CaseRef,
  eventId: string,
  type: string,
  data: Record<string, unknown>,
) =>
  db.query(
    'insert into outbox (event_id, command_id, topic, event_type, subject, data) values ($1, $2, $3, $4, $5, $6)',
    [
      eventId,
      c.command_id,
      topic.name,
      type,
      c.dossier_id,
      JSON.stringify({ ...data, dossierId: c.dossier_id, stepId: c.step_id, commandId: c.command_id }),
    ],
  );

/** Queues the events a command already produced once more, with the same ids, for a redelivered command. */
export const enqueueAgain = (db: Queryable, commandId: string) =>
  db.query(
    'insert into outbox (event_id, command_id, topic, event_type, subject, data) select event_id, command_id, topic, event_type, subject, data from outbox where command_id = $1 and id in (select min(id) from outbox where command_id = $1 group by event_id)',
    [commandId],
  );

/** The outbox relay: publishes committed events in order, marks them published after the broker has them. */
export function createRelay(deps: { agency: AgencyId; pool: Pool; publisher: EventPublisher; events: TopicSpec }) {
  return (): Promise<number> =>
    inTransaction(deps.pool, async (client) => {
      const { rows } = await client.query<{
        id: string;
        event_id: string;
        event_type: string;
        subject: string;
        data: Record<string, unknown>;
      }>(
        'select id, event_id, event_type, subject, data from outbox where published_at is null order by id limit 200 for update skip locked',
      );
      if (rows.length === 0) return 0;
      await deps.publisher.publishBatch(
        deps.events,
        rows.map((r) => ({
          id: r.event_id,
          type: r.event_type,
          subject: r.subject,
          source: `lienthong/agency/${deps.agency}`,
          data: r.data,
        })),
      );
      await client.query('update outbox set published_at = now() where id = any($1::bigint[])', [
        rows.map((r) => r.id),
      ]);
      return rows.length;
    });
}
