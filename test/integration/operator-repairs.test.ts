import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AgencyId } from '../../contracts/agencies';
import {
  createBulkJobs,
  createBulkJobStore,
  OperationConflictError,
  type DossierDirectory,
  type OperationsDeps,
} from '../../ops/operations';
import { createPool, type Pool } from '../../platform/database';
import { createLogger } from '../../platform/logger';
import { startOrchestrator, workflowBundlerOptions } from '../../services/orchestrator';
import { bundleInThread } from '../../services/workflow-bundle';
import { birthInput } from '../fixtures/dossiers';
import { testKeyring } from '../support/bus-keys';
import { runOps } from '../support/ops-cli';
import { startPortal } from '../support/portal';
import { startSystem } from '../support/system';
import { testDataConverter } from '../support/workflow-env';

/**
 * Operators repair what goes wrong, through the command line, on the real system: dossiers a bad
 * deploy broke are found by their failing workflow tasks and reset in bulk to their last good
 * workflow task; dossiers an agency outage left failed are retried in bulk once it is over; and a
 * bulk job runs in one api process at a time.
 */
const endpoints = inject('endpoints');
const log = createLogger({ level: 'warn', format: 'json' });
const codec = testDataConverter.payloadCodecs[0]!;
const badDeploy = fileURLToPath(new URL('../fixtures/workflows/bad-deploy.ts', import.meta.url));
let system: Awaited<ReturnType<typeof startSystem>>;
let pool: Pool;
let portal: Awaited<ReturnType<typeof startPortal>>;

/** The bad deploy's workflows, bundled in a thread while the system starts (seconds of CPU the test would wait for). */
let badDeployBundle: Promise<string>;

beforeAll(async () => {
  badDeployBundle = bundleInThread({ workflowsPath: badDeploy, ...workflowBundlerOptions }, log).then(({ code }) => {
    const path = join(inject('dataDir'), `bad-deploy-${randomUUID()}.js`);
    writeFileSync(path, code);
    return path;
  });
  badDeployBundle.catch(() => undefined); // awaited by the test, which reports a failure
  system = await startSystem(endpoints, log);
  pool = createPool(endpoints.postgres.url);
  portal = await startPortal(system, endpoints, pool, log);
});
afterAll(async () => {
  await portal?.close();
  await system?.stop();
  await pool?.end();
});

const waitFor = async <T>(probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> => {
  let found: T | undefined;
  await expect.poll(async () => (found = await probe()), { timeout: timeoutMs, interval: 500 }).toBeDefined();
  return found!;
};

/** `npm run ops -- ...` against a portal, as an operator would run it. */
const ops = async (api: { url: string; token: typeof portal.token }, ...args: string[]) =>
  runOps({ url: api.url, token: await api.token('operator') }, args);
const jsonOf = (stdout: string) => JSON.parse(stdout.slice(stdout.search(/[[{]/))) as Record<string, unknown>;

type Api = Pick<typeof portal, 'call'>;
const submit = async (api: Api, bornDaysAgo: number) => {
  const { status, body } = await api.call('citizen-lan', 'POST', '/api/dossiers', birthInput(bornDaysAgo));
  expect(status, JSON.stringify(body)).toBe(201);
  return body.dossierId as string;
};
const statusOf = async (api: Api, dossierId: string) =>
  (await api.call('citizen-lan', 'GET', `/api/dossiers/${dossierId}`)).body?.status as string | undefined;
const stuckReasons = async (api: Api, dossierId: string) =>
  (
    (await api.call('operator', 'GET', '/api/operator/dossiers/stuck?limit=500')).body.dossiers as {
      dossierId: string;
      reasons: string[];
    }[]
  ).find((d) => d.dossierId === dossierId)?.reasons ?? [];

/** The dossier's task in an agency's inbox, once it is there. */
const taskOf = (agency: AgencyId, dossierId: string) =>
  waitFor(async () =>
    (
      (await portal.call(`worker-${agency}`, 'GET', `/api/agencies/${agency}/tasks?limit=500`)).body as {
        taskId: string;
        dossierId: string;
      }[]
    ).find((t) => t.dossierId === dossierId),
  );

/** An agency worker claims and approves the dossier's task. */
const approve = async (agency: AgencyId, dossierId: string) => {
  const worker = `worker-${agency}` as const;
  const path = `/api/agencies/${agency}/tasks/${encodeURIComponent((await taskOf(agency, dossierId)).taskId)}`;
  expect((await portal.call(worker, 'POST', `${path}/claim`)).status).toBe(200);
  expect((await portal.call(worker, 'POST', `${path}/decision`, { decision: 'approve' })).status).toBe(200);
};

/** The command ids a dossier's current run scheduled `sendAgencyCommand` with, from its history. */
const commandIds = async (dossierId: string) => {
  const history = await system.client.workflow.getHandle(dossierId).fetchHistory();
  const ids: string[] = [];
  for (const event of history.events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name !== 'sendAgencyCommand') continue;
    const [payload] = await codec.decode((scheduled.input?.payloads ?? []) as temporal.api.common.v1.IPayload[]);
    if (payload) ids.push((defaultPayloadConverter.fromPayload(payload) as { commandId: string }).commandId);
  }
  return ids;
};

describe('a bad deploy', () => {
  it('leaves dossiers whose workflow tasks fail; ops stuck finds them and a bulk reset to the last good workflow task repairs them', async () => {
    const since = new Date(Date.now() - 1_000).toISOString();
    // Agency workers decide, so the dossiers wait for people while the deploys come and go.
    await system.restartAgency('civil-status', 'manual');
    await system.restartAgency('residence', 'manual');
    try {
      const dossierIds = [await submit(portal, 44), await submit(portal, 45), await submit(portal, 46)];
      for (const dossierId of dossierIds) await taskOf('civil-status', dossierId);

      // The bad worker replaces the good one; the birth registrations it takes in send a wrong command.
      await system.stopOrchestrator();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const deployedAt = new Date().toISOString();
      const bad = await startOrchestrator({
        address: endpoints.temporal.address,
        namespace: endpoints.temporal.namespace,
        codec,
        kafka: system.kafkaOf('orchestrator'),
        keyring: testKeyring('orchestrator'),
        log,
        workflowBundle: { codePath: await badDeployBundle },
      });
      try {
        for (const dossierId of dossierIds) await approve('civil-status', dossierId);
        for (const dossierId of dossierIds)
          await waitFor(async () => (await commandIds(dossierId)).some((id) => id.endsWith('/misrouted')) || undefined);
      } finally {
        await bad.stop();
      }

      // The fix is deployed. The police decide, and the fixed workers cannot take the decision in:
      // the history holds a command their code does not send, so every workflow task fails.
      await system.restartOrchestrator();
      for (const dossierId of dossierIds) await approve('residence', dossierId);
      for (const dossierId of dossierIds)
        await waitFor(
          async () => (await stuckReasons(portal, dossierId)).includes('workflow-task-failing') || undefined,
          180_000,
        );
      const selection = ['--task-failing', '--procedure', 'birth-bundle', '--from', since];
      const reset = [
        'bulk',
        '--action',
        'reset',
        '--last-good-before',
        deployedAt,
        ...selection,
        '--reason',
        'undo the bad deploy',
      ];
      // Both only read: they run side by side.
      const [stuck, dry] = await Promise.all([
        ops(portal, 'stuck', '--limit', '500'),
        ops(portal, ...reset, '--dry-run'),
      ]);
      expect(stuck.code, stuck.stderr).toBe(0);
      for (const dossierId of dossierIds) expect(stuck.stdout).toContain(dossierId);
      expect(stuck.stdout).toMatch(/\d+ workflow-task-failing/);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toMatch(/^3 running dossier\(s\) match: .*TemporalReportedProblems IN/);

      const run = await ops(portal, ...reset, '--concurrency', '2', '--yes', '--json');
      expect(run.code, run.stderr).toBe(0);
      const jobId = /job (job-[0-9a-f-]{36}) \(resume with/.exec(run.stderr)?.[1];
      expect(jobId, run.stderr).toBeDefined();
      expect(jsonOf(run.stdout)).toMatchObject({ jobId, state: 'done', matched: 3, done: 3, skipped: 0, failed: 0 });

      // Each new run starts from before the deploy and takes in what came since, on the fixed workers.
      for (const dossierId of dossierIds) {
        await waitFor(async () => ((await statusOf(portal, dossierId)) === 'result-returned' ? true : undefined));
        expect((await commandIds(dossierId)).filter((id) => id.endsWith('/misrouted'))).toEqual([]);
      }
      const audit = jsonOf((await ops(portal, 'audit', '--actor', 'operator', '--limit', '500', '--json')).stdout);
      const rows = audit as unknown as { action: string; dossierId?: string; details: { jobId?: string } }[];
      expect(rows.filter((r) => r.details.jobId === jobId && r.action === 'bulk.reset.start')).toHaveLength(1);
      expect(
        rows
          .filter((r) => r.details.jobId === jobId && r.action === 'bulk.dossier.reset')
          .map((r) => r.dossierId)
          .sort(),
      ).toEqual([...dossierIds].sort());
    } finally {
      await system.restartAgency('civil-status', 'auto');
      await system.restartAgency('residence', 'auto');
    }
  }, 360_000);
});

describe('an agency outage', () => {
  it('leaves dossiers failed awaiting an operator; ops stuck lists them and ops bulk retry replays them once it is over', async () => {
    const since = new Date(Date.now() - 1_000).toISOString();
    // Simulated time starts on a Friday at 15:01 (after the cut-off) and runs 28,000 times faster:
    // the birth registration, due on Monday at 17:00, has about 9 s to complete; the residence step
    // runs out on Wednesday at 17:00, about 16 s after submission, and the retry has at least 2 more
    // working days. (From a Monday, the same 9 s for the birth left the residence step 27 s.) One
    // attempt, then the step waits for an operator.
    const fast = await startPortal(system, endpoints, pool, log, {
      settings: {
        clock: { realEpochMs: Date.now(), simulatedEpochMs: Date.parse('2026-11-27T08:01:00Z'), factor: 28_000 },
        maxAttempts: 1,
      },
    });
    await system.restartAgency('residence', 'auto', {
      latencyMs: 0,
      failureRate: 0,
      outages: [{ from: new Date(Date.now() - 1_000), to: new Date(Date.now() + 600_000) }],
    });
    try {
      const dossierIds = [await submit(fast, 47), await submit(fast, 48), await submit(fast, 49)];
      for (const dossierId of dossierIds)
        await waitFor(
          async () => (await stuckReasons(fast, dossierId)).includes('failed-awaiting-operator') || undefined,
        );

      const retry = [
        'bulk',
        '--action',
        'retry',
        '--step-id',
        'register-residence',
        '--failing',
        '--step',
        'register-residence',
        '--from',
        since,
        '--reason',
        'the police registry is back',
      ];
      // All three only read: they run side by side.
      const [stuck, shown, dry] = await Promise.all([
        ops(fast, 'stuck', '--json', '--limit', '500'),
        ops(fast, 'show', dossierIds[0]!, '--json'),
        ops(fast, ...retry, '--dry-run'),
      ]);
      expect(stuck.code, stuck.stderr).toBe(0);
      const listed = (jsonOf(stuck.stdout).dossiers as { dossierId: string; reasons: string[] }[]).filter((d) =>
        dossierIds.includes(d.dossierId),
      );
      expect(listed).toHaveLength(3);
      for (const entry of listed) expect(entry.reasons).toContain('failed-awaiting-operator');
      expect(shown.code, shown.stderr).toBe(0);
      expect(
        (jsonOf(shown.stdout).dossier as { steps: { stepId: string; status: string }[] }).steps.find(
          (s) => s.stepId === 'register-residence',
        )?.status,
      ).toBe('failed');

      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toMatch(/^3 running dossier\(s\) match: /);

      // The outage ends.
      await system.restartAgency('residence', 'auto');
      const run = await ops(fast, ...retry, '--yes', '--json');
      expect(run.code, run.stderr).toBe(0);
      const jobId = /job (job-[0-9a-f-]{36})/.exec(run.stderr)?.[1];
      expect(jsonOf(run.stdout)).toMatchObject({ jobId, state: 'done', matched: 3, done: 3, failed: 0 });
      for (const dossierId of dossierIds) {
        await waitFor(async () => ((await statusOf(fast, dossierId)) === 'result-returned' ? true : undefined));
        const { body } = await fast.call('citizen-lan', 'GET', `/api/dossiers/${dossierId}`);
        expect(
          (body.steps as { stepId: string; attempts: number }[]).find((s) => s.stepId === 'register-residence'),
        ).toMatchObject({ attempts: 2 });
      }
      const audit = await ops(fast, 'audit', '--actor', 'operator', '--limit', '500', '--json');
      const rows = jsonOf(audit.stdout) as unknown as {
        action: string;
        dossierId?: string;
        reason: string;
        details: { jobId?: string };
      }[];
      const mine = rows.filter((r) => r.details.jobId === jobId);
      expect(mine.filter((r) => r.action === 'bulk.retry.start')).toHaveLength(1);
      expect(
        mine
          .filter((r) => r.action === 'bulk.step.retry')
          .map((r) => r.dossierId)
          .sort(),
      ).toEqual([...dossierIds].sort());
      expect(mine.every((r) => r.reason === 'the police registry is back')).toBe(true);
    } finally {
      await system.restartAgency('residence', 'auto');
      await fast.close();
    }
  }, 300_000);
});

describe('a bulk job', () => {
  it('runs in one api process at a time, and a process that dies lets another resume it', async () => {
    // Two api processes on the same database, over dossiers that wait until the test lets them go.
    let letGo!: () => void;
    const gate = new Promise<void>((resolve) => (letGo = resolve));
    const acted: string[] = [];
    const dossiers = {
      query: () => 'WorkflowType IN (...)',
      page: async () => ({ rows: [{ dossierId: 'HS-LOCK-1' }, { dossierId: 'HS-LOCK-2' }], nextCursor: undefined }),
      view: async () => {
        await gate;
        return { status: 'processing' };
      },
      handle: (dossierId: string) => ({
        executeUpdate: async () => {
          acted.push(dossierId);
        },
      }),
    } as unknown as DossierDirectory;
    const deps = {
      dossiers,
      audit: { append: async () => undefined },
      namespace: endpoints.temporal.namespace,
      codec,
    } as unknown as OperationsDeps;
    const pools = [0, 1].map((n) => createPool(endpoints.postgres.url, { applicationName: `bulk-lock-test-${n}` }));
    try {
      const [first, second] = pools.map((p) => createBulkJobs({ ...deps, store: createBulkJobStore(p) }));
      await createBulkJobStore(pools[0]!).migrate();
      const input = { filters: {}, action: 'retry' as const, stepId: 'register-residence', reason: 'lock test' };
      const started = await first!.start({ subject: 'operator' }, { ...input, concurrency: 1 });
      expect(await second!.progress(started.jobId)).toMatchObject({ state: 'running', active: true });
      await expect(second!.resume({ subject: 'operator' }, started.jobId)).rejects.toThrow(OperationConflictError);
      await expect(second!.resume({ subject: 'operator' }, started.jobId)).rejects.toThrow(/another api process/);

      // The first process dies: the server ends its connections, and its lock goes with them.
      await pool.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1`, [
        'bulk-lock-test-0',
      ]);
      await expect.poll(async () => (await second!.progress(started.jobId)).active, { timeout: 10_000 }).toBe(false);
      const resumed = await second!.resume({ subject: 'operator' }, started.jobId);
      expect(resumed.active).toBe(true);
      letGo();
      const done = await waitFor(async () => {
        const progress = await second!.progress(started.jobId);
        return progress.state === 'done' && !progress.active ? progress : undefined;
      }, 30_000);
      expect(done).toMatchObject({ matched: 2, done: 2, failed: 0, active: false });
      // Each dossier's update carries the job's key: Temporal applies one update per key, however often sent.
      expect(new Set(acted)).toEqual(new Set(['HS-LOCK-1', 'HS-LOCK-2']));
      await first!.stop();
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });
});
