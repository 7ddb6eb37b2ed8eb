import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import type { AgencyId } from '../contracts/agencies';
import { dueAt, simulatedNow, type ScaledClock, type WorkingDaysCalendar } from '../contracts/calendar';
import type { CloudEvent } from '../contracts/cloudevents';
import { stepTimeLimits, type StepId } from '../contracts/steps';
import { commandTopic, eventTopic, topicSpec, type TopicSpec } from '../contracts/topics';
import { createPublisher, runConsumer, type RunningConsumer } from '../platform/bus';
import { checkout, type Pool } from '../platform/database';
import type { Logger } from '../platform/logger';
import { decisionEvent } from './results';
import { createBackOffice } from './back-office';
import { createPopulationRegistry, type PopulationRegistry } from './reference';
import {
  decideBirth,
  decideDeath,
  decideFuneralAllowance,
  decideHealthCard,
  decideResidence,
  decideResidenceDeletion,
  decideSurvivorBenefit,
  rules,
  type Decision,
} from './rules';
import { migrateAgencyDatabase } from './schema';

export type DecisionPolicy = 'auto' | 'manual' | 'review';

/** Fault injection for tests and demos: retries and deadlines get exercised for real. */
export interface Faults {
  latencyMs: number;
  /** Share of commands (0–1) whose handling fails transiently. */
  failureRate: number;
  /** Real-time windows during which the agency does not handle commands at all. */
  outages: { from: Date; to: Date }[];
}

export interface AgencyOptions {
  agency: AgencyId;
  pool: Pool;
  kafka: Kafka;
  log: Logger;
  policy: DecisionPolicy;
  /** Simulated time the rules take on a case (auto and review policies). */
  processingDelayMs: number;
  clock: ScaledClock;
  calendar: WorkingDaysCalendar;
  faults?: Faults;
  groupId?: string;
  pollIntervalMs?: number;
  /**
   * The topics it consumes and publishes to; the agency's own topics by default. Tests give each
   * run its own pair so agencies of different tests never answer each other's commands.
   */
  topics?: { commands: TopicSpec; events: TopicSpec };
  /**
   * Whether this process runs the outbox relay (default true). Off, results wait in the outbox
   * until a process with a relay starts: how a crash between commit and publish looks from outside.
   */
  relay?: boolean;
}

export type CaseRow = {
  command_id: string;
  dossier_id: string;
  step_id: string;
  command_type: string;
  command: Record<string, unknown>;
};

/** A simulated ministry system: consumes its commands, decides by rules or by its workers, publishes results through an outbox. */
export async function startAgency(options: AgencyOptions) {
  const { agency, pool, log: root } = options;
  const log = root.child({ module: 'agency', agency });
  await migrateAgencyDatabase(pool);
  await pool.query('create sequence if not exists issued_number_seq');
  const registry = createPopulationRegistry(pool);
  const publisher = await createPublisher(options.kafka, root);
  const now = () => simulatedNow(options.clock, Date.now());
  const faults = options.faults ?? { latencyMs: 0, failureRate: 0, outages: [] };
  const events = options.topics?.events ?? topicSpec(eventTopic(agency));
  const commands = options.topics?.commands ?? topicSpec(commandTopic(agency));
  let running = true;

  const inTransaction = async <T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await checkout(pool);
    try {
      await client.query('begin');
      const value = await work(client);
      await client.query('commit');
      return value;
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  };

  const enqueue = (
    client: pg.PoolClient,
    c: Pick<CaseRow, 'command_id' | 'dossier_id' | 'step_id'>,
    eventId: string,
    type: string,
    data: Record<string, unknown>,
  ) =>
    client.query(
      'insert into outbox (event_id, command_id, topic, event_type, subject, data) values ($1, $2, $3, $4, $5, $6)',
      [
        eventId,
        c.command_id,
        events.name,
        type,
        c.dossier_id,
        JSON.stringify({ ...data, dossierId: c.dossier_id, stepId: c.step_id, commandId: c.command_id }),
      ],
    );

  /** Takes a command in: once per command id (inbox), with its acknowledgement in the same transaction. */
  const intake = async (event: CloudEvent) => {
    if (faults.outages.some((o) => Date.now() >= o.from.getTime() && Date.now() < o.to.getTime()))
      throw new Error(`${agency} is in an outage window`);
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    if (faults.failureRate > 0 && Math.random() < faults.failureRate)
      throw new Error(`${agency} failed transiently (fault injection)`);
    const data = event.data as Record<string, unknown> & { dossierId: string; stepId: string; commandId: string };
    const row = { command_id: data.commandId, dossier_id: data.dossierId, step_id: data.stepId };
    if (event.attributes.type === 'CancelCase.v1') {
      await inTransaction(async (client) => {
        const cancels = String(data.cancelsCommandId);
        await client.query(
          "update cases set status = 'cancelled', updated_at = now() where command_id = $1 and status in ('queued', 'awaiting-worker')",
          [cancels],
        );
        const seen = await client.query('insert into inbox (command_id) values ($1) on conflict do nothing', [
          data.commandId,
        ]);
        if (seen.rowCount === 1)
          await enqueue(client, row, `${data.commandId}/cancelled`, 'CaseCancelled.v1', { cancelsCommandId: cancels });
      });
      return;
    }
    await inTransaction(async (client) => {
      const inserted = await client.query('insert into inbox (command_id) values ($1) on conflict do nothing', [
        data.commandId,
      ]);
      if (inserted.rowCount === 0) {
        // Redelivered: answer again with the very same events (same ids), which consumers dedupe.
        await client.query(
          'insert into outbox (event_id, command_id, topic, event_type, subject, data) select event_id, command_id, topic, event_type, subject, data from outbox where command_id = $1 and id in (select min(id) from outbox where command_id = $1 group by event_id)',
          [data.commandId],
        );
        log.info({ dossierId: data.dossierId, commandId: data.commandId }, 'duplicate command answered again');
        return;
      }
      const handling = options.policy === 'manual' ? 'manual' : 'automatic';
      const received = now();
      const due = dueAt(received, stepTimeLimits[data.stepId as StepId] ?? 2, options.calendar);
      await client.query(
        'insert into cases (command_id, dossier_id, step_id, command_type, command, status, handling, decide_at, due_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
        [
          data.commandId,
          data.dossierId,
          data.stepId,
          event.attributes.type,
          JSON.stringify(data),
          handling === 'manual' ? 'awaiting-worker' : 'queued',
          handling,
          new Date(Date.now() + options.processingDelayMs / options.clock.factor),
          due,
        ],
      );
      await enqueue(client, row, `${data.commandId}/received`, 'CommandReceived.v1', {
        handling,
        receivedAt: received.toISOString(),
        dueAt: due.toISOString(),
      });
    });
  };

  const rulesFor = async (c: CaseRow, client: pg.PoolClient): Promise<Decision> => {
    const command = c.command as never;
    const reg: PopulationRegistry = createPopulationRegistry(client as never);
    switch (c.command_type) {
      case 'RegisterBirth.v1':
        return decideBirth(command, reg, now());
      case 'RegisterDeath.v1':
        return decideDeath(command, reg, now());
      case 'RegisterPermanentResidence.v1':
        return decideResidence(command, reg, now(), options.calendar);
      case 'DeletePermanentResidence.v1':
        return decideResidenceDeletion(command, reg);
      case 'IssueHealthInsuranceCard.v1':
        return decideHealthCard(command, now());
      case 'DecideFuneralAllowance.v1': {
        const paid = await client.query('select 1 from payouts where deceased_id = $1', [
          (c.command as { deceased: { personalIdNumber: string } }).deceased.personalIdNumber,
        ]);
        return decideFuneralAllowance(command, reg, (paid.rowCount ?? 0) > 0);
      }
      case 'DecideSurvivorBenefit.v1':
        return decideSurvivorBenefit(command);
      default:
        return {
          outcome: 'rejected',
          reasonCode: 'REJECTED_BY_OFFICER',
          message: `${agency} does not handle ${c.command_type}`,
        };
    }
  };

  /** Records a decision and queues its event, in one transaction with the case update. */
  const conclude = async (
    client: pg.PoolClient,
    c: CaseRow,
    decision: Exclude<Decision, { outcome: 'needs-review' }>,
    decidedBy: string,
  ) => {
    const answerBy = dueAt(now(), rules.informationAnswerWorkingDays.value, options.calendar);
    const event = await decisionEvent(
      agency,
      { type: c.command_type, data: c.command },
      decision,
      client,
      now(),
      answerBy,
    );
    await enqueue(client, c, `${c.command_id}/decided`, event.type, event.data);
    const status =
      decision.outcome === 'approved'
        ? 'approved'
        : decision.outcome === 'rejected'
          ? 'rejected'
          : 'information-requested';
    await client.query(
      'update cases set status = $2, decision = $3, decided_by = $4, updated_at = now() where command_id = $1',
      [c.command_id, status, JSON.stringify(decision), decidedBy],
    );
  };

  /** Rules decide the queued cases whose processing time has passed; flagged ones go to a worker. */
  const decideDue = async (): Promise<number> =>
    inTransaction(async (client) => {
      const { rows } = await client.query<CaseRow>(
        "select command_id, dossier_id, step_id, command_type, command from cases where status = 'queued' and decide_at <= now() order by decide_at limit 20 for update skip locked",
      );
      for (const c of rows) {
        const decision = await rulesFor(c, client);
        if (decision.outcome === 'needs-review') {
          await client.query(
            "update cases set status = 'awaiting-worker', handling = 'manual', flags = $2, updated_at = now() where command_id = $1",
            [c.command_id, JSON.stringify(decision.flags)],
          );
          await enqueue(client, c, `${c.command_id}/review`, 'CommandReceived.v1', {
            handling: 'manual',
            receivedAt: now().toISOString(),
          });
        } else {
          await conclude(client, c, decision, 'rules');
        }
      }
      return rows.length;
    });

  /** The outbox relay: publishes committed events in order, marks them published after the broker has them. */
  const relay = async (): Promise<number> =>
    inTransaction(async (client) => {
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
      await publisher.publishBatch(
        events,
        rows.map((r) => ({
          id: r.event_id,
          type: r.event_type,
          subject: r.subject,
          source: `lienthong/agency/${agency}`,
          data: r.data,
        })),
      );
      await client.query('update outbox set published_at = now() where id = any($1::bigint[])', [
        rows.map((r) => r.id),
      ]);
      return rows.length;
    });

  const loop = async (name: string, work: () => Promise<number>) => {
    while (running) {
      try {
        if ((await work()) > 0) continue;
      } catch (err) {
        log.error({ err, loop: name }, 'agency loop failed; will retry');
      }
      await sleep(options.pollIntervalMs ?? 100);
    }
  };
  const loops = [loop('decider', decideDue), ...(options.relay === false ? [] : [loop('outbox-relay', relay)])];

  const consumer: RunningConsumer = await runConsumer({
    kafka: options.kafka,
    groupId: options.groupId ?? `lienthong-agency-${agency}`,
    topics: [commands],
    handler: intake,
    log: root,
  });
  log.info({ policy: options.policy }, 'agency running');

  return {
    agency,
    registry,
    backOffice: createBackOffice({ pool, inTransaction, conclude }),
    /** Publishes what is waiting in the outbox now (tests use it to be deterministic). */
    relayOnce: relay,
    async stop() {
      running = false;
      await Promise.all(loops);
      await consumer.stop();
      await publisher.disconnect();
      log.info('agency stopped');
    },
  };
}

export type RunningAgency = Awaited<ReturnType<typeof startAgency>>;
