import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { commandTopic } from '../../contracts/topics';
import { createPool, type Pool } from '../../platform/database';
import { createLogger } from '../../platform/logger';
import { birthInput } from '../fixtures/dossiers';
import { runOps } from '../support/ops-cli';
import { startPortal } from '../support/portal';
import { startSystem } from '../support/system';

/**
 * Operator tools over the real system: the stuck list sees what visibility alone cannot (dead
 * letters, results waiting in an outbox).
 */
const endpoints = inject('endpoints');
const log = createLogger({ level: 'warn', format: 'json' });
let system: Awaited<ReturnType<typeof startSystem>>;
let pool: Pool;
let portal: Awaited<ReturnType<typeof startPortal>>;

beforeAll(async () => {
  // Residence decides by hand: every birth dossier waits there, running, for as long as a test needs.
  system = await startSystem(endpoints, log, { residence: 'manual' });
  pool = createPool(endpoints.postgres.url);
  portal = await startPortal(system, endpoints, pool, log, { context: { outboxLagThresholdSeconds: 1 } });
});
afterAll(async () => {
  await portal?.close();
  await system?.stop();
  await pool?.end();
});

const waitFor = async <T>(probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> => {
  let found: T | undefined;
  await expect.poll(async () => (found = await probe()), { timeout: timeoutMs, interval: 500 }).toBeDefined();
  return found!;
};

interface Stuck {
  dossierId: string;
  reasons: string[];
  agencies: string[];
  detail: string[];
}
const stuckEntry = (dossierId: string, reason: string) => async () => {
  const { body } = await portal.call('operator', 'GET', '/api/operator/dossiers/stuck?limit=500');
  return (body.dossiers as Stuck[]).find((d) => d.dossierId === dossierId && d.reasons.includes(reason));
};

describe('the stuck list', () => {
  it('lists a dossier whose command was dead-lettered and one whose result waits in an outbox, with reasons and agencies', async () => {
    // The social-insurance relay is down: its card results stay in the outbox.
    await system.restartAgency('social-insurance', 'auto', undefined, { relay: false });
    try {
      const submit = async (days: number) => {
        const { status, body } = await portal.call('citizen-lan', 'POST', '/api/dossiers', birthInput(days));
        expect(status).toBe(201);
        return body.dossierId as string;
      };
      const dead = await submit(31);
      const lagging = await submit(32);
      // A command that no agency can verify (unsigned) is dead-lettered by the residence consumer.
      const producer = system.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      await producer.send({
        topic: commandTopic('residence'),
        messages: [{ key: dead, value: '{"not":"a signed command"}', headers: { ce_type: 'RegisterResidence.v1' } }],
      });
      await producer.disconnect();

      const deadEntry = await waitFor(stuckEntry(dead, 'dead-lettered'));
      expect(deadEntry.agencies).toContain('residence');
      expect(deadEntry.detail.join(' ')).toMatch(/dead letter\(s\) on agency\.residence\.commands/);
      const lagEntry = await waitFor(stuckEntry(lagging, 'outbox-lag'));
      expect(lagEntry.agencies).toContain('social-insurance');
      expect(lagEntry.detail.join(' ')).toMatch(/social-insurance result of issue-health-insurance-card has waited/);

      const { body } = await portal.call('auditor', 'GET', '/api/operator/dossiers/stuck?limit=1');
      expect(body.dossiers).toHaveLength(1);
      expect(body.counts['dead-lettered']).toBeGreaterThanOrEqual(1);
      expect(body.counts['outbox-lag']).toBeGreaterThanOrEqual(1);
      expect(body.total).toBeGreaterThanOrEqual(2);
      expect(typeof body.nextCursor).toBe('string');
      const next = await portal.call(
        'auditor',
        'GET',
        `/api/operator/dossiers/stuck?limit=1&cursor=${body.nextCursor}`,
      );
      expect(next.status).toBe(200);
      expect(next.body.dossiers[0]?.dossierId).not.toBe(body.dossiers[0].dossierId);
      expect(body.agencies).toEqual(
        expect.arrayContaining([expect.objectContaining({ agency: 'social-insurance', outboxLagging: true })]),
      );
    } finally {
      await system.restartAgency('social-insurance', 'auto');
    }
  });
});

describe('a bulk retry job', () => {
  it('is counted first, runs with progress, and once killed midway and resumed acts once on each dossier; the audit shows each action', async () => {
    const mine: string[] = [];
    for (const days of [33, 34, 35, 36, 41, 42, 43, 44]) {
      const { body } = await portal.call('citizen-lan', 'POST', '/api/dossiers', birthInput(days));
      mine.push(body.dossierId as string);
    }
    const attempts = async (dossierId: string) => {
      const { body } = await portal.call('operator', 'GET', `/api/dossiers/${dossierId}`);
      return (body.steps as { stepId: string; attempts: number }[]).find((s) => s.stepId === 'register-residence')
        ?.attempts;
    };
    for (const dossierId of mine) await waitFor(async () => ((await attempts(dossierId)) === 1 ? true : undefined));

    const body = {
      query: { step: 'register-residence' },
      action: 'retry',
      stepId: 'register-residence',
      reason: 'residence back office restarted',
      concurrency: 1,
    };
    const dry = await portal.call('operator', 'POST', '/api/operator/bulk-jobs', body);
    expect(dry.status).toBe(200);
    expect(dry.body.matched).toBeGreaterThanOrEqual(mine.length);
    const missing = await portal.call('operator', 'POST', '/api/operator/bulk-jobs', { ...body, stepId: undefined });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body.errors)).toMatch(/stepId/);

    const started = await portal.call('operator', 'POST', '/api/operator/bulk-jobs', { ...body, dryRun: false });
    expect(started.status).toBe(202);
    const jobId = started.body.jobId as string;
    // Watched closely: at one dossier at a time the job takes well under a second.
    await expect
      .poll(async () => (await portal.call('auditor', 'GET', `/api/operator/bulk-jobs/${jobId}`)).body.done, {
        timeout: 60_000,
        interval: 10,
      })
      .toBeGreaterThanOrEqual(1);
    // The api process goes away mid-job; then one dossier is made to look as if the crash came
    // between its action and the record of its result.
    await portal.close();
    const { rows } = await pool.query<{ dossier_id: string }>(
      `update ops.bulk_job_items set state = 'acting' where job_id = $1 and dossier_id = (
         select dossier_id from ops.bulk_job_items where job_id = $1 and state = 'done' order by dossier_id limit 1)
       returning dossier_id`,
      [jobId],
    );
    expect(rows).toHaveLength(1);
    portal = await startPortal(system, endpoints, pool, log, { context: { outboxLagThresholdSeconds: 1 } });
    const stopped = await portal.call('auditor', 'GET', `/api/operator/bulk-jobs/${jobId}`);
    expect(stopped.body).toMatchObject({ state: 'running', active: false });
    expect(stopped.body.pending).toBeGreaterThan(0);

    const resumed = await portal.call('operator', 'POST', `/api/operator/bulk-jobs/${jobId}/resume`);
    expect(resumed.status).toBe(200);
    const final = await waitFor(async () => {
      const { body: p } = await portal.call('auditor', 'GET', `/api/operator/bulk-jobs/${jobId}`);
      return p.state === 'done' ? p : undefined;
    });
    expect(final.done + final.skipped + final.failed).toBe(final.matched);
    for (const dossierId of mine) expect(await attempts(dossierId)).toBe(2);
    const { body: audit } = await portal.call('auditor', 'GET', '/api/audit?actor=operator&limit=500');
    for (const dossierId of mine) {
      const rowsOf = (audit as { action: string; dossierId?: string; details: { jobId?: string } }[]).filter(
        (r) => r.dossierId === dossierId && r.details.jobId === jobId,
      );
      expect(rowsOf.map((r) => r.action)).toContain('bulk.step.retry');
    }
  });
});

describe('the ops command line', () => {
  const ops = async (...args: string[]) => runOps({ url: portal.url, token: await portal.token('operator') }, args);

  it('lists the stuck dossiers, runs a bulk retry to the end, and names a bad flag without a stack trace', async () => {
    // Two dossiers wait at residence, so a bulk retry acts on more than one and must ask first.
    await portal.call('citizen-lan', 'POST', '/api/dossiers', birthInput(38));
    const { body } = await portal.call('citizen-lan', 'POST', '/api/dossiers', birthInput(37));
    expect(typeof body.dossierId).toBe('string');

    const bulkRetry = [
      'bulk',
      '--action',
      'retry',
      '--step-id',
      'register-residence',
      '--step',
      'register-residence',
      '--reason',
      'again please',
    ];
    // None of these acts on anything: they run side by side.
    const [stuck, table, refused, bad, closed] = await Promise.all([
      ops('stuck', '--json', '--limit', '500'),
      ops('stuck'),
      ops(...bulkRetry),
      ops('search', '--limit', 'lots'),
      ops('retry', 'HS-20991231-NONE000001', 'register-birth', '--reason', 'try it'),
    ]);
    expect(stuck.code, stuck.stderr).toBe(0);
    expect(JSON.parse(stuck.stdout)).toHaveProperty('counts');
    expect(table.stdout).toMatch(/^\d+ stuck: \d+ overdue/);
    expect(table.stdout).toMatch(/AGENCY\s+OUTBOXUNPUBLISHED/);

    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Refusing without --yes/);

    const run = await ops(...bulkRetry, '--yes', '--json');
    expect(run.code, run.stderr).toBe(0);
    // Its progress, as lines: stderr is not a terminal here.
    expect(run.stderr).toMatch(/^bulk .* \d+\/\d+ dossiers \| done \d+/m);
    const summary = JSON.parse(run.stdout.slice(run.stdout.indexOf('{')));
    expect(summary.state).toBe('done');
    expect(summary.done).toBeGreaterThanOrEqual(1);

    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--limit must be a whole number/);
    expect(bad.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(closed.code).toBe(1);
    expect(closed.stderr.trim().split('\n')).toHaveLength(1);
  });
});
