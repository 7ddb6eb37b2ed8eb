import { CancelCase } from '../../contracts/agency-messages/common';
import type { AgencyId } from '../../contracts/agencies';
import { dueAt, type WorkingDaysCalendar } from '../../contracts/calendar';
import type { CloudEvent } from '../../contracts/cloudevents';
import type { TopicSpec } from '../../contracts/topics';
import { DeadLetterError } from '../../platform/bus';
import type pg from 'pg';
import { inTransaction, type Pool } from '../../platform/database';
import type { Logger } from '../../platform/logger';
import { sufferFaults, type Faults } from './faults';
import { enqueueAgain, enqueueEvent, enqueueResultAgain, type CaseRef } from './outbox';

export type DecisionPolicy = 'auto' | 'manual' | 'review';

export interface IntakeDeps {
  agency: AgencyId;
  pool: Pool;
  log: Logger;
  events: TopicSpec;
  faults: Faults;
  policy: DecisionPolicy;
  /** Whether the agency has a handler for a command type. */
  handles(commandType: string): boolean;
  workingDaysFor(commandType: string): number;
  calendar: WorkingDaysCalendar;
  now(): Date;
  /** When the rules may decide a case taken in now (real time). */
  decideAt(): Date;
}

/** Takes commands in: once per command id (inbox), with its acknowledgement in the same transaction. */
export function createIntake(deps: IntakeDeps) {
  const { agency, events, log } = deps;

  const cancel = (event: CloudEvent) =>
    inTransaction(deps.pool, async (client) => {
      const command = CancelCase.parse(event.data);
      const row = { command_id: command.commandId, dossier_id: command.dossierId, step_id: command.stepId };
      await client.query(
        "update cases set status = 'cancelled', updated_at = now() where command_id = $1 and status in ('queued', 'awaiting-worker')",
        [command.cancelsCommandId],
      );
      const seen = await client.query('insert into inbox (command_id) values ($1) on conflict do nothing', [
        command.commandId,
      ]);
      if (seen.rowCount === 1)
        await enqueueEvent(client, events, row, `${command.commandId}/cancelled`, 'CaseCancelled.v1', {
          cancelsCommandId: command.cancelsCommandId,
        });
    });

  /**
   * One effect per step, whatever attempts arrive and in whatever order (a redriven dead letter
   * may be an old one): once an attempt of the step was approved, any other attempt gets that
   * result under its own command id and nothing is done twice; an attempt older than one already
   * taken in is obsolete and opens nothing. A newer attempt (after an information request, or an
   * operator's retry of an undecided step) is decided afresh, and the older case it replaces stops.
   * True when the attempt was answered or set aside here.
   */
  const answeredByEarlierAttempt = async (client: pg.PoolClient, row: CaseRef, attempt: number) => {
    const { rows } = await client.query<{ command_id: string; status: string; attempt: number }>(
      `select command_id, status, (command->>'attempt')::int as attempt from cases
        where dossier_id = $1 and step_id = $2 order by (command->>'attempt')::int for update`,
      [row.dossier_id, row.step_id],
    );
    const approved = rows.find((c) => c.status === 'approved');
    const context = { dossierId: row.dossier_id, stepId: row.step_id, commandId: row.command_id, attempt };
    if (approved) {
      await enqueueResultAgain(client, approved.command_id, row);
      log.info({ ...context, approvedAttempt: approved.attempt }, 'step already approved: answered with its result');
      return true;
    }
    const latest = rows.at(-1);
    if (latest && attempt < latest.attempt) {
      log.info({ ...context, latestAttempt: latest.attempt }, 'obsolete attempt of a step set aside');
      return true;
    }
    // The rows are locked: when none is open (a step's first attempt), there is nothing to stop.
    if (rows.some((c) => c.status === 'queued' || c.status === 'awaiting-worker'))
      await client.query(
        "update cases set status = 'cancelled', updated_at = now() where dossier_id = $1 and step_id = $2 and status in ('queued', 'awaiting-worker')",
        [row.dossier_id, row.step_id],
      );
    return false;
  };

  return async (event: CloudEvent): Promise<void> => {
    await sufferFaults(deps.faults, agency);
    const type = event.attributes.type;
    if (type === 'CancelCase.v1') return cancel(event);
    if (!deps.handles(type)) throw new DeadLetterError('unhandled-command', `${agency} has no handler for ${type}`);
    const data = event.data as Record<string, unknown> & { dossierId: string; stepId: string; commandId: string };
    const row = { command_id: data.commandId, dossier_id: data.dossierId, step_id: data.stepId };
    await inTransaction(deps.pool, async (client) => {
      const inserted = await client.query('insert into inbox (command_id) values ($1) on conflict do nothing', [
        data.commandId,
      ]);
      if (inserted.rowCount === 0) {
        // Redelivered: answer again with the very same events (same ids), which consumers dedupe.
        await enqueueAgain(client, data.commandId);
        log.info({ dossierId: data.dossierId, commandId: data.commandId }, 'duplicate command answered again');
        return;
      }
      if (await answeredByEarlierAttempt(client, row, Number(data.attempt))) return;
      const handling = deps.policy === 'manual' ? 'manual' : 'automatic';
      const received = deps.now();
      const due = dueAt(received, deps.workingDaysFor(type), deps.calendar);
      await client.query(
        'insert into cases (command_id, dossier_id, step_id, command_type, command, status, handling, decide_at, due_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
        [
          data.commandId,
          data.dossierId,
          data.stepId,
          type,
          JSON.stringify(data),
          handling === 'manual' ? 'awaiting-worker' : 'queued',
          handling,
          deps.decideAt(),
          due,
        ],
      );
      await enqueueEvent(client, events, row, `${data.commandId}/received`, 'CommandReceived.v1', {
        handling,
        receivedAt: received.toISOString(),
        dueAt: due.toISOString(),
      });
    });
  };
}
