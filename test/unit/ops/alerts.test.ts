import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createMetrics } from '../../../web/metrics';
import type { DossierGateway } from '../../../web/dossiers';
import type { BackOffice } from '../../../contracts/back-office';
import type { Kafka } from 'kafkajs';
import { createNotificationHub } from '../../../web/notifications';

/** The shipped alerting rules only use metrics the api really exports, and each says what to do. */
describe('ops/alerts/lienthong.rules.yml', () => {
  const rules = (
    parse(readFileSync('ops/alerts/lienthong.rules.yml', 'utf8')) as {
      groups: { rules: { alert: string; expr: string; annotations: { runbook?: string } }[] }[];
    }
  ).groups.flatMap((g) => g.rules);
  const { registry } = createMetrics({
    dossiers: {} as DossierGateway,
    kafka: {} as Kafka,
    notifications: createNotificationHub(),
    backOffices: { residence: {} as BackOffice },
    deadLetters: { depth: async () => [] },
    messages: { counts: async () => [] },
  });
  const exported = new Set(registry.getMetricsAsArray().map((m) => m.name));

  it('alerts on dead letters, overdue steps, outbox lag, failing workflow tasks, consumer lag and notifications', () => {
    expect(rules.map((r) => r.alert)).toEqual([
      'LienthongDeadLettersWaiting',
      'LienthongStepsOverdue',
      'LienthongOutboxLag',
      'LienthongWorkflowTasksFailing',
      'LienthongConsumerLag',
      'LienthongNotificationsFailing',
      'LienthongNotificationsBacklog',
    ]);
  });

  it.each(rules.map((r) => [r.alert, r] as const))('%s uses exported metrics and has a runbook line', (_name, rule) => {
    const metrics = rule.expr.match(/lienthong_[a-z_]+/g) ?? [];
    expect(metrics.length).toBeGreaterThan(0);
    for (const metric of metrics) expect(exported, `${metric} is not exported`).toContain(metric);
    expect(rule.annotations.runbook).toMatch(/npm run ops|npm run infra/);
  });
});
