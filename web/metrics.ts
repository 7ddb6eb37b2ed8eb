import type { Kafka } from 'kafkajs';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { agencyIds, type AgencyId } from '../contracts/agencies';
import type { BackOffice } from '../contracts/back-office';
import { reportedTaskProblems } from '../ops/operations';
import { DossierStatus } from '../contracts/dossier-status';
import { deadLetterTopic, eventTopic, topicSpecs } from '../contracts/topics';
import type { DossierGateway } from './dossiers';
import type { NotificationHub } from './notifications';
import { consumerGroups } from '../contracts/principals';

/**
 * Prometheus metrics of the api process. Dossier counts, overdue steps, DLQ depth and the
 * bridge's consumer lag are read when Prometheus scrapes, not kept in memory.
 */
export function createMetrics(deps: {
  dossiers: DossierGateway;
  kafka?: Kafka;
  notifications: NotificationHub;
  bridgeGroupId?: string;
  backOffices?: Partial<Record<AgencyId, BackOffice>>;
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
  if (deps.kafka) {
    const kafka = deps.kafka;
    new Gauge({
      name: 'lienthong_dead_letters',
      help: 'Messages waiting in each dead-letter topic',
      labelNames: ['topic'],
      registers: [registry],
      async collect() {
        const admin = kafka.admin();
        await admin.connect();
        try {
          for (const spec of topicSpecs) {
            const offsets = await admin.fetchTopicOffsets(deadLetterTopic(spec.name)).catch(() => []);
            this.set(
              { topic: spec.name },
              offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0),
            );
          }
        } finally {
          await admin.disconnect();
        }
      },
    });
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
