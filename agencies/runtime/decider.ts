import type pg from 'pg';
import type { AgencyId } from '../../contracts/agencies';
import type { WorkerDecision } from '../../contracts/back-office';
import { dueAt, type WorkingDaysCalendar } from '../../contracts/calendar';
import { catalogue } from '../../contracts/procedures';
import type { PopulationRegistryClient } from '../../contracts/registry';
import type { TopicSpec } from '../../contracts/topics';
import { rules } from '../../contracts/rules';
import { inTransactionFrom, type Pool } from '../../platform/database';
import { loggedPopulationReadModel } from '../reference';
import {
  RegistryRefusedError,
  type AgencyModule,
  type CaseContext,
  type CommandHandler,
  type Verdict,
} from './handlers';
import { issueNumber } from './numbers';
import { enqueueEvent, type CaseRef } from './outbox';
import { applySupplement } from './supplement';

export type CaseRow = CaseRef & { command_type: string; command: unknown };

type Concluded = Exclude<Verdict, { outcome: 'needs-review' }>;

/** The most queued cases one pass of the rules decides. */
export const decideBatch = 20;

/** The queued cases whose processing time has passed, taken by this pass (no parameters: see inTransactionFrom). */
const dueCases = `select command_id, dossier_id, step_id, command_type, command from cases
  where status = 'queued' and decide_at <= now() order by decide_at limit ${decideBatch} for update skip locked`;

/**
 * A decision whose event would not fit the agency's own contract (a reason code the agency does not
 * have, say): refused before anything is written, so the outbox never holds an event it cannot send.
 */
export class InvalidDecisionError extends Error {
  override readonly name = 'InvalidDecisionError';
  /** The back office answers it as a client error. */
  readonly statusCode = 400;
}

/**
 * Decides cases through the agency's handlers: the rules for queued cases, a worker for the
 * others. A decision, its effects and its event commit in one transaction with the case.
 */
export function createDecider(deps: {
  agency: AgencyId;
  module: AgencyModule;
  pool: Pool;
  events: TopicSpec;
  calendar: WorkingDaysCalendar;
  registry: PopulationRegistryClient;
  now(): Date;
  /** Whether receipts wait in the outbox before they leave (the agency's `receiptLingerMs` > 0). */
  withdrawUnsentReceipts?: boolean;
}) {
  const { events } = deps;

  const handlerOf = (c: CaseRow): CommandHandler => {
    const handler = Object.hasOwn(deps.module.handlers, c.command_type)
      ? deps.module.handlers[c.command_type]
      : undefined;
    if (!handler) throw new Error(`${deps.agency} does not handle ${c.command_type}`);
    return handler;
  };

  /** The case's context; its reads of the population are logged as `reader`'s, for the case's dossier. */
  const contextOf = (client: pg.PoolClient, c: CaseRow, reader: string): CaseContext => ({
    db: client,
    population: loggedPopulationReadModel(client, {
      actor: reader,
      organisation: deps.agency,
      dossierId: c.dossier_id,
      purpose: 'case-decision',
    }),
    registry: deps.registry,
    now: deps.now(),
    calendar: deps.calendar,
    issue: (kind, make) => issueNumber(client, kind, c.command_id, make),
  });

  /**
   * The case opened on its command with what the citizen supplied in place; a supplement that cannot
   * be used becomes a new request for information (rule 10), never an error that keeps the case stuck.
   */
  const openCase = async (client: pg.PoolClient, c: CaseRow, handler: CommandHandler) => {
    const fields = catalogue.serviceForCommand(c.command_type)?.informationFields ?? {};
    const supplied = applySupplement(c.command as Record<string, unknown>, handler.schema, fields);
    if (supplied.ok) return { open: handler.open(supplied.command) } as const;
    const asked = supplied.listed ? [supplied.field] : await lastRequested(client, c);
    const refusal: Extract<Concluded, { outcome: 'needs-information' }> = {
      outcome: 'needs-information',
      fields: asked.length > 0 ? asked : [supplied.field],
      message: `the information supplied could not be used: ${supplied.message}`,
    };
    return { refusal } as const;
  };

  /** The event a decision becomes (its data without the routing fields, which the outbox adds). */
  const eventOf = async (handler: CommandHandler, verdict: Concluded, ctx: CaseContext) => {
    switch (verdict.outcome) {
      case 'approved':
        try {
          return { type: handler.events.approved, data: await verdict.carryOut(ctx) };
        } catch (err) {
          // The registry is the truth: what it refuses is the case's rejection (the event must still fit the contract).
          if (!(err instanceof RegistryRefusedError)) throw err;
          return { type: handler.events.rejected, data: { reasonCode: err.reasonCode, message: err.refusal } };
        }
      case 'rejected':
        return { type: handler.events.rejected, data: { reasonCode: verdict.reasonCode, message: verdict.message } };
      case 'needs-information': {
        const answerBy = dueAt(ctx.now, rules.informationAnswerWorkingDays.value, ctx.calendar);
        return {
          type: 'AdditionalInformationRequested.v1',
          data: { fields: verdict.fields, message: verdict.message, answerBy: answerBy.toISOString() },
        };
      }
    }
  };

  /** Records a decision and queues its event, in one transaction with the case update. */
  const conclude = async (
    client: pg.PoolClient,
    c: CaseRow,
    handler: CommandHandler,
    verdict: Concluded,
    ctx: CaseContext,
    decidedBy: string,
  ) => {
    const event = await eventOf(handler, verdict, ctx);
    const fits = events.messages[event.type]?.safeParse({
      ...event.data,
      dossierId: c.dossier_id,
      stepId: c.step_id,
      commandId: c.command_id,
    });
    if (!fits?.success)
      throw new InvalidDecisionError(
        `${event.type} does not fit the ${deps.agency} contract: ${
          fits
            ? fits.error.issues.map((issue) => `${issue.path.join('.') || 'data'}: ${issue.message}`).join('; ')
            : 'no such event'
        }`,
      );
    // A receipt still held back (see `receiptLingerMs`) says nothing the decision does not: it is
    // withdrawn in the same transaction, and the dossier gets one event instead of two. A receipt the
    // relay holds locked is being published: the delete waits for it and then finds nothing.
    if (deps.withdrawUnsentReceipts)
      await client.query('delete from outbox where event_id = $1 and published_at is null', [
        `${c.command_id}/received`,
      ]);
    await enqueueEvent(client, events, c, `${c.command_id}/decided`, event.type, event.data);
    const status =
      verdict.outcome === 'approved'
        ? 'approved'
        : verdict.outcome === 'rejected'
          ? 'rejected'
          : 'information-requested';
    const recorded = verdict.outcome === 'approved' ? { outcome: verdict.outcome, result: verdict.result } : verdict;
    await client.query(
      'update cases set status = $2, decision = $3, decided_by = $4, updated_at = now() where command_id = $1',
      [c.command_id, status, JSON.stringify(recorded), decidedBy],
    );
  };

  return {
    /** Rules decide the queued cases whose processing time has passed; flagged ones go to a worker. */
    decideDue: (): Promise<number> =>
      inTransactionFrom<CaseRow, number>(deps.pool, dueCases, async (client, { rows }) => {
        for (const c of rows) {
          const handler = handlerOf(c);
          const ctx = contextOf(client, c, 'rules');
          const opened = await openCase(client, c, handler);
          const verdict = opened.open ? await opened.open.decide(ctx) : opened.refusal;
          if (verdict.outcome === 'needs-review') {
            await client.query(
              "update cases set status = 'awaiting-worker', handling = 'manual', flags = $2, updated_at = now() where command_id = $1",
              [c.command_id, JSON.stringify(verdict.flags)],
            );
            await enqueueEvent(client, events, c, `${c.command_id}/review`, 'CommandReceived.v1', {
              handling: 'manual',
              receivedAt: ctx.now.toISOString(),
              flags: verdict.flags,
            });
          } else {
            await conclude(client, c, handler, verdict, ctx, 'rules');
          }
        }
        return rows.length;
      }),

    /** Concludes a case with a worker's decision, in the caller's transaction. */
    async decideByWorker(client: pg.PoolClient, c: CaseRow, decision: WorkerDecision, worker: string) {
      const handler = handlerOf(c);
      const ctx = contextOf(client, c, worker);
      const approve = async () => {
        const opened = await openCase(client, c, handler);
        if (!opened.open)
          throw new InvalidDecisionError(
            `cannot approve: ${opened.refusal.message}; request the information again or reject`,
          );
        return opened.open.approveByHand(ctx);
      };
      const verdict: Concluded =
        decision.decision === 'approve'
          ? await approve()
          : decision.decision === 'reject'
            ? { outcome: 'rejected', reasonCode: decision.reasonCode, message: decision.message }
            : { outcome: 'needs-information', fields: decision.fields, message: decision.message };
      await conclude(client, c, handler, verdict, ctx, worker);
    },
  };
}

export type Decider = ReturnType<typeof createDecider>;

/** The fields the agency asked for last on this dossier's step: what a refused answer is asked for again. */
async function lastRequested(client: pg.PoolClient, c: CaseRow): Promise<string[]> {
  const { rows } = await client.query<{ fields: string[] | null }>(
    "select decision->'fields' as fields from cases where dossier_id = $1 and step_id = $2 and status = 'information-requested' order by updated_at desc limit 1",
    [c.dossier_id, c.step_id],
  );
  return rows[0]?.fields ?? [];
}
