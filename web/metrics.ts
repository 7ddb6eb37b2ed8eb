import type { Kafka } from 'kafkajs';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { agencyIds, type AgencyId } from '../contracts/agencies';
import type { BackOffice } from '../contracts/back-office';
import { reportedTaskProblems } from '../ops/operations';
import { DossierStatus } from '../contracts/dossier-status';
import { deliveryStates, notificationChannels } from '../contracts/notifications';
import { eventTopic, topicSpecs } from '../contracts/topics';
import type { DeadLetterOperations } from '../ops/dead-letters/service';
import type { DossierGateway } from './dossiers';
import type { NotificationHub } from './notifications';
import type { StepTimings } from '../platform/step-timings';
import { onTimeRatesOf } from '../ops/operations/on-time';
import { consumerGroups } from '../contracts/principals';
import type { CitizenMessages } from './context';

/**
 * Prometheus metrics of the api process. Dossier counts, overdue steps, dead letters and the
 * bridge's consumer lag are read when Prometheus scrapes, not kept in memory.
 */
export function createMetrics(deps: {
  dossiers: DossierGateway;
  kafka?: Kafka;
  notifications: NotificationHub;
  bridgeGroupId?: string;
  deadLetters?: Pick<DeadLetterOperations, 'depth'>;
  stepTimings?: StepTimings;
  backOffices?: Partial<Record<AgencyId, BackOffice>>;
  messages?: Pick<CitizenMessages, 'counts'>;
}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'lienthong_api_' });
  const requests = new Counter({
    name: 'lienthong_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  new Gauge({
    name: 'lienthong_dossiers',
    help: 'Dossiers by portal status (Temporal visibility)',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      await Promise.all(
        DossierStatus.options.map(async (status) =>
          this.set({ status }, await deps.dossiers.count(deps.dossiers.query({ status })).catch(() => Number.NaN)),
        ),
      );
    },
  });
  new Gauge({
    name: 'lienthong_dossiers_overdue',
    help: 'Running dossiers with at least one overdue step',
    registers: [registry],
    async collect() {
      this.set(
        await deps.dossiers.count(deps.dossiers.query({ overdue: true, running: true })).catch(() => Number.NaN),
      );
    },
  });
  if (deps.stepTimings) {
    const timings = deps.stepTimings;
    new Gauge({
      name: 'lienthong_agency_on_time_ratio',
      help: "Share of each agency's finished steps decided by their legal due time, over the last day or week (NaN when none finished)",
      labelNames: ['agency', 'window'],
      registers: [registry],
      async collect() {
        const rates = onTimeRatesOf(await timings.counts());
        for (const agency of agencyIds)
          for (const window of ['day', 'week'] as const)
            this.set({ agency, window }, rates[agency][window].rate ?? Number.NaN);
      },
    });
  }
  new Gauge({
    name: 'lienthong_workflow_tasks_failing',
    help: 'Running dossiers whose workflow tasks keep failing or timing out (TemporalReportedProblems)',
    registers: [registry],
    async collect() {
      this.set(
        await deps.dossiers
          .count(`${deps.dossiers.query({ running: true })} AND ${reportedTaskProblems}`)
          .catch(() => Number.NaN),
      );
    },
  });
  new Gauge({
    name: 'lienthong_outbox_oldest_age_seconds',
    help: "Age of the oldest result not yet published from each agency's outbox (0 when empty)",
    labelNames: ['agency'],
    registers: [registry],
    async collect() {
      await Promise.all(
        agencyIds
          .filter((agency) => deps.backOffices?.[agency])
          .map(async (agency) => {
            const lag = await deps
              .backOffices![agency]!.outboxLag({ olderThanSeconds: 0, limit: 1 })
              .catch(() => undefined);
            this.set({ agency }, lag ? (lag.oldestAgeSeconds ?? 0) : Number.NaN);
          }),
      );
    },
  });
  new Gauge({
    name: 'lienthong_sse_streams',
    help: 'Open server-sent-event streams',
    registers: [registry],
    collect() {
      this.set(deps.notifications.listeners);
    },
  });
  if (deps.messages) {
    const messages = deps.messages;
    // Read from the deliveries table at each scrape, so every notifications process is counted, restarts included.
    new Gauge({
      name: 'lienthong_notifications_total',
      help: 'Notifications by channel and outcome: sent, pending (first try or a retry), failed (attempts used up), no-recipient',
      labelNames: ['channel', 'outcome'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const channel of notificationChannels)
          for (const outcome of deliveryStates) this.set({ channel, outcome }, 0);
        for (const { channel, state, count } of await messages.counts()) this.set({ channel, outcome: state }, count);
      },
    });
  }
  if (deps.deadLetters) {
    const deadLetters = deps.deadLetters;
    new Gauge({
      name: 'lienthong_dead_letters',
      help: 'Dead letters per original topic and state (open ones wait for an operator)',
      labelNames: ['topic', 'state'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const spec of topicSpecs) this.set({ topic: spec.name, state: 'open' }, 0);
        for (const { topic, state, count } of await deadLetters.depth()) this.set({ topic, state }, count);
      },
    });
  }
  if (deps.kafka) {
    const kafka = deps.kafka;
    new Gauge({
      name: 'lienthong_consumer_lag',
      help: "The event bridge's lag behind each agency event topic",
      labelNames: ['topic'],
      registers: [registry],
      async collect() {
        const admin = kafka.admin();
        await admin.connect();
        try {
          for (const agency of agencyIds) {
            const topic = eventTopic(agency);
            const ends = await admin.fetchTopicOffsets(topic);
            const committed = await admin.fetchOffsets({
              groupId: deps.bridgeGroupId ?? consumerGroups.eventBridge,
              topics: [topic],
            });
            const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
            this.set(
              { topic },
              ends.reduce((sum, o) => sum + Math.max(0, Number(o.high) - Math.max(0, done.get(o.partition) ?? 0)), 0),
            );
          }
        } finally {
          await admin.disconnect();
        }
      },
    });
  }
  return { registry, requests };
}
