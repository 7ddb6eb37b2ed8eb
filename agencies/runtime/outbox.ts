import type { AgencyId } from '../../contracts/agencies';
import type { TopicSpec } from '../../contracts/topics';
import { createOutboxRelay, type EventPublisher } from '../../platform/bus';
import type { Pool, Queryable } from '../../platform/database';

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

/**
 * Queues the result another attempt of the same step already produced (its decision event), as
 * the answer to `c`: the same data under `c`'s command id, so whichever attempt the dossier waits
 * on gets the one result.
 */
export const enqueueResultAgain = (db: Queryable, decidedCommandId: string, c: CaseRef) =>
  db.query(
    `insert into outbox (event_id, command_id, topic, event_type, subject, data)
     select $2 || '/decided', $2, topic, event_type, subject, data || jsonb_build_object('commandId', $2::text)
       from outbox where event_id = $1 || '/decided' order by id limit 1`,
    [decidedCommandId, c.command_id],
  );

/** The outbox relay of an agency: its results leave on its events topic. */
export const createRelay = (deps: {
  agency: AgencyId;
  pool: Pool;
  publisher: EventPublisher;
  events: TopicSpec;
  receiptLingerMs?: number;
}) =>
  createOutboxRelay({
    ...deps,
    topic: deps.events,
    source: `lienthong/agency/${deps.agency}`,
    holdBack: { eventType: 'CommandReceived.v1', ms: deps.receiptLingerMs ?? 0 },
  });
