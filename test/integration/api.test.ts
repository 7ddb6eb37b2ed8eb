import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DossierSettings } from '../../contracts/dossier-workflow';
import type { DossierStatusView } from '../../contracts/dossier-status';
import { createAuditLog } from '../../platform/audit';
import { createTokenVerifier, issueDevelopmentToken } from '../../platform/auth';
import { createPool, type Pool } from '../../platform/database';
import { createDossierRecords } from '../../platform/dossier-records';
import { startDossierArchive } from '../../services/dossier-archive';
import { createLogger } from '../../platform/logger';
import { citizenKeyer } from '../../platform/pseudonym';
import { buildApi } from '../../web/app';
import { devUsers } from '../../web/auth';
import { createDossierGateway } from '../../web/dossiers';
import { createSubmissionLedger } from '../../web/submission-ledger';
import { catalogue } from '../../contracts/procedures';
import { createNotificationHub, feedFromKafka } from '../../web/notifications';
import type { Citizen } from '../../contracts/population';
import type { DeathBundleInput } from '../../contracts/procedures/death-bundle';
import { birthInput, deathInput } from '../fixtures/dossiers';
import { demoPeople } from '../../contracts/demo-citizens';
import type { Me, MyDataAccess } from '../../contracts/me';
import { startSystem } from '../support/system';
import { testDataConverter } from '../support/workflow-env';
import { testAuditKey } from '../support/audit-key';
import { testKeyring } from '../support/bus-keys';
import { startDeadLetters as startSharedDeadLetters } from '../support/dead-letters';
import type { DeadLetterRow, RedriveReply } from '../../contracts/dead-letters';
import type { DossierDepth } from '../../ops/operations/depth';

/**
 * The portal api over the real system: Temporal, Kafka, PostgreSQL and the three agencies, called
 * over HTTP with development tokens, as the three kinds of users would.
 */
const endpoints = inject('endpoints');
/** Every log line of the run, for the personal-data check at the end. */
const logLines: string[] = [];
const log = createLogger({
  level: 'debug',
  format: 'json',
  destination: { write: (line: string) => void logLines.push(line) },
});
/** Every dossier the tests submit through the api. */
const submitted: string[] = [];
const auth = {
  issuer: 'lienthong-test',
  audience: 'lienthong-api',
  secret: new TextEncoder().encode('integration-secret-of-at-least-32-bytes'),
};
const citizenKey = citizenKeyer(new TextEncoder().encode('integration-citizen-search-secret'));
let system: Awaited<ReturnType<typeof startSystem>>;
let pool: Pool;
const apps: Awaited<ReturnType<typeof buildApi>>[] = [];
const stops: (() => Promise<void>)[] = [];

/** Dead letters as the api keeps them, stopped with the rest. */
async function startDeadLetters(
  audit: ReturnType<typeof createAuditLog>,
  gateway: ReturnType<typeof createDossierGateway>,
) {
  const started = await startSharedDeadLetters({
    pool,
    kafka: system.kafkaOf('operations'),
    audit,
    view: (dossierId) => gateway.view(dossierId),
    log,
  });
  stops.push(started.stop);
  return started.deadLetters;
}

async function startPortal(settings: Partial<DossierSettings> = {}) {
  const audit = createAuditLog(pool, testAuditKey);
  await audit.ready();
  const ledger = createSubmissionLedger(pool);
  await ledger.migrate();
  const notifications = createNotificationHub();
  const feed = await feedFromKafka(notifications, system.kafka, testKeyring('api'), log);
  stops.push(() => feed.stop());
  const codec = testDataConverter.payloadCodecs[0]!;
  const records = createDossierRecords(pool, codec);
  await records.migrate();
  const archive = await startDossierArchive({
    kafka: system.kafka,
    keyring: testKeyring('api'),
    client: system.client,
    records,
    citizenKey,
    log,
    groupId: `api-test-archive-${randomUUID()}`,
  });
  stops.push(() => archive.stop());
  const gateway = createDossierGateway({
    client: system.client,
    citizenKey,
    catalogue,
    ledger,
    settings,
    records,
    registry: system.registry.service,
  });
  const app = await buildApi({
    context: {
      catalogue,
      dossiers: gateway,
      registry: system.registry.service,
      notifications,
      backOffices: Object.fromEntries(Object.entries(system.agencies).map(([a, r]) => [a, r.backOffice])),
      audit,
      kafka: system.kafka,
      deadLetters: await startDeadLetters(audit, gateway),
      namespace: endpoints.temporal.namespace,
      codec,
    },
    verifier: createTokenVerifier(auth),
    devLogin: auth,
    log,
    bodyLimitBytes: 256 * 1024,
    rateLimitPerMinute: 10_000,
    ready: async () => ({ temporal: true }),
  });
  apps.push(app);
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const tokens: Record<string, string> = {};
  const call = async (who: keyof typeof devUsers, method: string, path: string, body?: unknown) => {
    tokens[who] ??= await issueDevelopmentToken(devUsers[who]!, auth);
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens[who]}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    if (method === 'POST' && path === '/api/dossiers' && typeof parsed?.dossierId === 'string')
      submitted.push(parsed.dossierId);
    return { status: response.status, body: parsed };
  };
  /** Reads the dossier's event stream until the server ends it; returns the statuses seen. */
  const follow = async (who: keyof typeof devUsers, dossierId: string, timeoutMs = 60_000) => {
    tokens[who] ??= await issueDevelopmentToken(devUsers[who]!, auth);
    const response = await fetch(`${base}/api/dossiers/${dossierId}/events`, {
      headers: { authorization: `Bearer ${tokens[who]}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const statuses: string[] = [];
    let last: DossierStatusView | undefined;
    let buffer = '';
    const decoder = new TextDecoder();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const data = buffer
          .slice(0, end)
          .split('\n')
          .find((line) => line.startsWith('data: '));
        buffer = buffer.slice(end + 2);
        if (data) {
          last = JSON.parse(data.slice(6)) as DossierStatusView;
          statuses.push(last.status);
        }
      }
    }
    return { statuses, last: last! };
  };
  return { call, follow };
}

let portal: Awaited<ReturnType<typeof startPortal>>;

/**
 * The api tests' own deceased citizen: the end-to-end tests register the demo pensioner's death,
 * and the population is shared by the test files.
 */
const apiDeceased: Citizen = {
  personalId: '001052123987',
  fullName: 'Đinh Văn Thọ',
  sex: 'male',
  birthDate: '1952-06-01',
  provinceCode: '001',
  commune: 'Phường Cầu Giấy',
  street: '7 Phố Trần Đăng Ninh',
  householdId: 'HK-001-API0001',
  householdHead: true,
  owner: true,
  contributionMonths: 240,
  pensioner: true,
  alive: true,
};
/** A birth of its own for each test (one dossier per birth): the child born `bornDaysAgo` days ago, its own certificate. */
const apiBirth = (bornDaysAgo: number) => ({
  ...birthInput(bornDaysAgo),
  birthCertificateReference: `GCS-API-${bornDaysAgo}`,
});
const apiDeath = (variant: 2 | 3 | 4): DeathBundleInput => {
  const input = deathInput(variant, 2);
  return {
    ...input,
    deceased: {
      ...input.deceased,
      personalIdNumber: apiDeceased.personalId,
      fullName: apiDeceased.fullName,
      birthDate: apiDeceased.birthDate,
    },
  };
};

beforeAll(async () => {
  system = await startSystem(endpoints, log);
  await system.addCitizens([apiDeceased]);
  pool = createPool(endpoints.postgres.url);
  portal = await startPortal();
});
afterAll(async () => {
  for (const app of apps) await app.close();
  for (const stop of stops) await stop();
  await system?.stop();
  await pool?.end();
});

const waitFor = async <T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> => {
  let found: T | undefined;
  await expect.poll(async () => (found = await probe()), { timeout: timeoutMs, interval: 250 }).toBeDefined();
  return found!;
};

describe('citizens', () => {
  it('submit both bundles, follow each stream to the end, and see the results; a retried submission returns the same dossier', async () => {
    const birth = await portal.call('citizen-lan', 'POST', '/api/dossiers', apiBirth(7));
    expect(birth.status).toBe(201);
    const dossierId = birth.body!.dossierId as string;
    const followed = await portal.follow('citizen-lan', dossierId);
    expect(followed.last.status).toBe('result-returned');
    expect(followed.last.steps.map((s) => s.status)).toEqual(['completed', 'completed', 'completed']);
    const seen = await portal.call('citizen-lan', 'GET', `/api/dossiers/${dossierId}`);
    expect((seen.body!.steps as { result?: Record<string, unknown> }[])[0]!.result).toMatchObject({
      birthCertificateNumber: expect.stringMatching(/KS-\d{6}$/),
    });
    await expect
      .poll(
        async () =>
          ((await portal.call('citizen-lan', 'GET', '/api/dossiers')).body as unknown as { dossierId: string }[]).map(
            (d) => d.dossierId,
          ),
        { timeout: 15_000 },
      )
      .toContain(dossierId);
    expect((await portal.call('citizen-hanh', 'GET', `/api/dossiers/${dossierId}`)).status).toBe(404);

    const key = `death-${Date.now()}`;
    const first = await portalWithKey('citizen-hanh', apiDeath(3), key);
    const again = await portalWithKey('citizen-hanh', apiDeath(3), key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.dossierId).toBe(first.body.dossierId);
    const death = await portal.follow('citizen-hanh', first.body.dossierId);
    expect(death.last.status).toBe('result-returned');
    expect(death.last.steps.find((s) => s.stepId === 'funeral-allowance')?.result).toMatchObject({
      amountVnd: 23_400_000,
    });
  });

  it('supply information an agency worker asked for, and withdraw a dossier that waits', async () => {
    await system.restartAgency('civil-status', 'manual');
    try {
      const { body } = await portal.call('citizen-lan', 'POST', '/api/dossiers', apiBirth(4));
      const dossierId = body!.dossierId as string;
      const task = await waitFor(async () =>
        (
          (await portal.call('worker-civil-status', 'GET', '/api/agencies/civil-status/tasks')).body as unknown as {
            taskId: string;
            dossierId: string;
          }[]
        ).find((t) => t.dossierId === dossierId),
      );
      expect(
        (
          await portal.call(
            'worker-civil-status',
            'POST',
            `/api/agencies/civil-status/tasks/${encodeURIComponent(task.taskId)}/claim`,
          )
        ).status,
      ).toBe(200);
      const asked = await portal.call(
        'worker-civil-status',
        'POST',
        `/api/agencies/civil-status/tasks/${encodeURIComponent(task.taskId)}/decision`,
        {
          decision: 'request-information',
          fields: ['child.fullName'],
          message: 'spell the name as on the hospital certificate',
        },
      );
      expect(asked.status).toBe(200);
      await expect
        .poll(async () => (await portal.call('citizen-lan', 'GET', `/api/dossiers/${dossierId}`)).body!.status, {
          timeout: 30_000,
        })
        .toBe('additional-info-requested');
      const refused = await portal.call('citizen-lan', 'POST', `/api/dossiers/${dossierId}/information`, {
        stepId: 'register-birth',
        fields: { 'child.fullName': ' ' },
      });
      expect(refused.status).toBe(400);
      const supplied = await portal.call('citizen-lan', 'POST', `/api/dossiers/${dossierId}/information`, {
        stepId: 'register-birth',
        fields: { 'child.fullName': 'Trần Minh Khang' },
      });
      expect(supplied.status).toBe(200);
      const second = await waitFor(async () =>
        (
          (await portal.call('worker-civil-status', 'GET', '/api/agencies/civil-status/tasks')).body as unknown as {
            taskId: string;
            dossierId: string;
          }[]
        ).find((t) => t.dossierId === dossierId && t.taskId !== task.taskId),
      );
      expect(
        (
          await portal.call(
            'worker-civil-status',
            'POST',
            `/api/agencies/civil-status/tasks/${encodeURIComponent(second.taskId)}/claim`,
          )
        ).status,
      ).toBe(200);
      expect(
        (
          await portal.call(
            'worker-civil-status',
            'POST',
            `/api/agencies/civil-status/tasks/${encodeURIComponent(second.taskId)}/decision`,
            { decision: 'approve' },
          )
        ).status,
      ).toBe(200);
      expect((await portal.follow('citizen-lan', dossierId)).last.status).toBe('result-returned');

      const waiting = await portal.call('citizen-lan', 'POST', '/api/dossiers', apiBirth(6));
      const waitingId = waiting.body!.dossierId as string;
      await waitFor(async () =>
        (
          (await portal.call('worker-civil-status', 'GET', '/api/agencies/civil-status/tasks')).body as unknown as {
            dossierId: string;
          }[]
        ).find((t) => t.dossierId === waitingId),
      );
      const withdrawn = await portal.call('citizen-lan', 'POST', `/api/dossiers/${waitingId}/withdrawal`, {
        reason: 'registered in person at the commune',
      });
      expect(withdrawn.status).toBe(200);
      expect((await portal.follow('citizen-lan', waitingId)).last.status).toBe('withdrawn');
      await expect
        .poll(
          async () =>
            (
              (await portal.call('worker-civil-status', 'GET', '/api/agencies/civil-status/tasks')).body as unknown as {
                dossierId: string;
              }[]
            ).some((t) => t.dossierId === waitingId),
          { timeout: 15_000 },
        )
        .toBe(false);
    } finally {
      await system.restartAgency('civil-status', 'auto');
    }
  });
});

async function portalWithKey(who: keyof typeof devUsers, input: unknown, key: string) {
  const token = await issueDevelopmentToken(devUsers[who]!, auth);
  const address = apps[0]!.server.address() as { port: number };
  const response = await fetch(`http://127.0.0.1:${address.port}/api/dossiers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(input),
  });
  return { status: response.status, body: (await response.json()) as { dossierId: string } };
}

describe('dossier records', () => {
  it('keep a closed dossier readable, with what was applied for, when Temporal no longer has it', async () => {
    const input = apiBirth(3);
    const submittedBirth = await portal.call('citizen-lan', 'POST', '/api/dossiers', input);
    expect(submittedBirth.status).toBe(201);
    const dossierId = submittedBirth.body!.dossierId as string;
    expect((await portal.follow('citizen-lan', dossierId)).last.status).toBe('result-returned');
    const running = await portal.call('citizen-lan', 'GET', `/api/dossiers/${dossierId}`);
    expect(running.body).toMatchObject({ application: { child: { fullName: input.child.fullName } } });

    const archived = await waitFor(async () => {
      const { rows } = await pool.query('select status from dossier_records where dossier_id = $1', [dossierId]);
      return rows[0] as { status: string } | undefined;
    });
    expect(archived.status).toBe('result-returned');
    // What the namespace's retention leaves behind: a record whose workflow Temporal does not have.
    // (Deleting the execution works too, but the server does it in the background, minutes later on a busy machine.)
    const records = createDossierRecords(pool, testDataConverter.payloadCodecs[0]!);
    const expired = `HS-20250101-${randomUUID()
      .slice(0, 10)
      .toUpperCase()
      .replace(/[^0-9A-Z]/g, 'X')}`;
    await records.save(
      { ...(await records.get(dossierId))!, dossierId: expired },
      citizenKey(input.applicant.personalIdNumber),
    );
    await expect(system.client.workflow.getHandle(expired).describe()).rejects.toThrow(/not found/i);

    const read = await portal.call('citizen-lan', 'GET', `/api/dossiers/${expired}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      dossierId: expired,
      status: 'result-returned',
      statusLabel: { vi: 'Đã trả kết quả' },
      application: { child: { fullName: input.child.fullName } },
    });
    expect((read.body!.steps as { result?: Record<string, unknown> }[])[0]!.result).toMatchObject({
      birthCertificateNumber: expect.stringMatching(/KS-\d{6}$/),
    });
    expect((await portal.call('citizen-hanh', 'GET', `/api/dossiers/${expired}`)).status).toBe(404);

    const mine = (await portal.call('citizen-lan', 'GET', '/api/dossiers?limit=500')).body as unknown as {
      dossierId: string;
      startedAt: string;
    }[];
    expect(mine.map((d) => d.dossierId)).toEqual(expect.arrayContaining([dossierId, expired]));
    const times = mine.map((d) => d.startedAt);
    expect(times).toEqual([...times].sort().reverse());

    const { rows } = await pool.query<{ view: Buffer }>('select view from dossier_records where dossier_id = $1', [
      dossierId,
    ]);
    const stored = rows[0]!.view.toString('utf8');
    for (const secret of [input.child.fullName, input.applicant.personalIdNumber, input.applicant.fullName])
      expect(stored.includes(secret), `${secret} in clear in the record`).toBe(false);
  });
});

describe('agency workers', () => {
  it('claim and complete their own tasks; a second claim and another agency are refused', async () => {
    await system.restartAgency('residence', 'manual');
    try {
      const { body } = await portal.call('citizen-lan', 'POST', '/api/dossiers', apiBirth(8));
      const dossierId = body!.dossierId as string;
      const task = await waitFor(async () =>
        (
          (await portal.call('worker-residence', 'GET', '/api/agencies/residence/tasks')).body as unknown as {
            taskId: string;
            dossierId: string;
          }[]
        ).find((t) => t.dossierId === dossierId),
      );
      const path = `/api/agencies/residence/tasks/${encodeURIComponent(task.taskId)}`;
      expect((await portal.call('worker-civil-status', 'GET', '/api/agencies/residence/tasks')).status).toBe(403);
      expect((await portal.call('worker-residence', 'POST', `${path}/claim`)).status).toBe(200);
      expect((await portal.call('worker-residence', 'POST', `${path}/release`)).status).toBe(200);
      expect((await portal.call('worker-residence', 'POST', `${path}/release`)).status).toBe(409);
      expect((await portal.call('worker-residence', 'POST', `${path}/claim`)).status).toBe(200);
      expect((await portal.call('worker-residence-2', 'POST', `${path}/claim`)).status).toBe(409);
      expect(
        (await portal.call('worker-civil-status', 'POST', `${path}/decision`, { decision: 'approve' })).status,
      ).toBe(403);
      expect(
        (await portal.call('worker-residence-2', 'POST', `${path}/decision`, { decision: 'approve' })).status,
      ).toBe(409);
      expect(
        (
          await portal.call('worker-residence', 'POST', `${path}/decision`, {
            decision: 'approve',
            reason: 'address checked',
          })
        ).status,
      ).toBe(200);
      expect((await portal.follow('citizen-lan', dossierId)).last.status).toBe('result-returned');
      expect((await portal.call('auditor', 'GET', `/api/dossiers/${dossierId}`)).status).toBe(200);
      const audit = (await portal.call('auditor', 'GET', `/api/audit?dossierId=${dossierId}`)).body as unknown as {
        actor: string;
        action: string;
        stepId?: string;
        reason: string;
        details: Record<string, unknown>;
      }[];
      // Every claim, release, decision and refused attempt, oldest first, each naming the dossier.
      expect(audit.toReversed().map((e) => [e.actor, e.action])).toEqual([
        ['worker-residence', 'task.claim'],
        ['worker-residence', 'task.release'],
        ['worker-residence', 'task.release'],
        ['worker-residence', 'task.release.refused'],
        ['worker-residence', 'task.claim'],
        ['worker-residence-2', 'task.claim'],
        ['worker-residence-2', 'task.claim.refused'],
        ['worker-civil-status', 'task.approve.refused'],
        ['worker-residence-2', 'task.approve'],
        ['worker-residence-2', 'task.approve.refused'],
        ['worker-residence', 'task.approve'],
        ['auditor', 'dossier.read'],
      ]);
      expect(audit[1]).toMatchObject({
        stepId: 'register-residence',
        reason: 'address checked',
        details: { note: 'address checked', agency: 'residence', taskId: task.taskId },
      });
    } finally {
      await system.restartAgency('residence', 'auto');
    }
  });
});

describe('operators', () => {
  it(
    'find a dossier stuck behind an agency outage, reset it, retry it after the outage, redrive the dead letter; the audit log shows each action',
    { timeout: 180_000 },
    async () => {
      // Simulated time starts on a Friday at 15:01 (after the cut-off) and runs 28,000 times faster:
      // the birth registration, due on Monday at 17:00, has about 9 s to complete; the residence step
      // runs out on Wednesday at 17:00, about 16 s after submission, and a retry has at least 2 more
      // working days. (From a Monday, the same 9 s for the birth left the residence step 27 s.) One
      // attempt, then an operator.
      const fast = await startPortal({
        clock: { realEpochMs: Date.now(), simulatedEpochMs: Date.parse('2026-11-27T08:01:00Z'), factor: 28_000 },
        maxAttempts: 1,
      });
      // The agency reads its outage windows at each command: the outage ends when the test says
      // so, once both runs' attempts have run out in it, rather than at a guessed wall-clock time.
      const outage = { from: new Date(Date.now() - 1_000), to: new Date(Date.now() + 170_000) };
      await system.restartAgency('residence', 'auto', { latencyMs: 0, failureRate: 0, outages: [outage] });
      try {
        const { body } = await fast.call('citizen-lan', 'POST', '/api/dossiers', apiBirth(9));
        const dossierId = body!.dossierId as string;
        const stuckFor = (reason: string) =>
          waitFor(
            async () =>
              (
                (await fast.call('operator', 'GET', '/api/operator/dossiers/stuck?limit=500')).body as unknown as {
                  dossiers: { dossierId: string; reasons: string[] }[];
                }
              ).dossiers.find((d) => d.dossierId === dossierId && d.reasons.includes(reason)),
            60_000,
          );
        // Listed first for its dead-lettered command.
        await stuckFor('dead-lettered');

        // Reset to before the step while the outage lasts: a new run sends the command again.
        const reset = await fast.call('operator', 'POST', `/api/operator/dossiers/${dossierId}/reset`, {
          reason: 'send the residence command again',
          beforeStep: 'register-residence',
        });
        expect(reset.status).toBe(200);
        const runId = reset.body!.runId as string;
        expect(runId).toMatch(/^[0-9a-f-]{36}$/);

        // The new run's one attempt runs out in the outage: failed, awaiting an operator.
        const stuck = await stuckFor('failed-awaiting-operator');
        expect(stuck.reasons).toEqual(expect.arrayContaining(['failed-awaiting-operator', 'dead-lettered']));
        const view = (await fast.call('auditor', 'GET', `/api/operator/dossiers/${dossierId}`))
          .body as unknown as DossierDepth;
        expect(view.workflow.runId).toBe(runId);
        expect(view.dossier.steps.find((s) => s.stepId === 'register-residence')?.status).toBe('failed');
        const found = await fast.call('operator', 'GET', '/api/operator/dossiers?failing=true&step=register-residence');
        expect((found.body as unknown as { dossierId: string }[]).map((d) => d.dossierId)).toContain(dossierId);
        expect(
          (
            await fast.call('auditor', 'POST', `/api/operator/dossiers/${dossierId}/steps/register-residence/retry`, {
              reason: 'outage over',
            })
          ).status,
        ).toBe(403);

        // The police registry is back.
        outage.to = new Date();
        const retried = await fast.call(
          'operator',
          'POST',
          `/api/operator/dossiers/${dossierId}/steps/register-residence/retry`,
          { reason: 'the police registry is back after its outage' },
        );
        expect(retried.status).toBe(200);
        const done = await fast.follow('citizen-lan', dossierId);
        expect(done.last.status).toBe('result-returned');
        expect(done.last.steps.find((s) => s.stepId === 'register-residence')!.attempts).toBeGreaterThanOrEqual(2);

        // Once the workflow has closed, a reset would register the child again: refused with the state.
        await system.client.workflow.getHandle(dossierId, runId).result();
        const late = await fast.call('operator', 'POST', `/api/operator/dossiers/${dossierId}/reset`, {
          reason: 'check the registration again',
          beforeStep: 'register-residence',
        });
        expect(late.status).toBe(409);
        expect(JSON.stringify(late.body)).toContain('result-returned');

        // The first attempt's command, dead-lettered during the outage, is a record; the step has
        // completed since, so it is obsolete: the dry run says so and a redrive skips it unless forced.
        let letter: DeadLetterRow | undefined;
        await expect
          .poll(
            async () =>
              (letter = (
                (
                  await fast.call(
                    'operator',
                    'GET',
                    `/api/operator/dead-letters?dossierId=${dossierId}&topic=agency.residence.commands`,
                  )
                ).body as unknown as DeadLetterRow[]
              ).find((row) => row.attempt === 1)),
            { timeout: 30_000, interval: 500 },
          )
          .toBeDefined();
        expect(letter).toMatchObject({ reason: 'handler-failed', stepId: 'register-residence', state: 'open' });
        const redrive = async (body: Record<string, unknown>) =>
          (await fast.call('operator', 'POST', '/api/operator/dead-letters/redrive', body))
            .body as unknown as RedriveReply;
        const dry = await redrive({
          deadLetterIds: [letter!.deadLetterId],
          reason: 'outage over, deliver the first attempt',
        });
        expect(dry.outcomes).toEqual([
          expect.objectContaining({ outcome: 'skipped', obsolete: 'step register-residence is already completed' }),
        ]);
        const forced = await redrive({
          deadLetterIds: [letter!.deadLetterId],
          reason: 'outage over, deliver the first attempt',
          dryRun: false,
          force: true,
        });
        expect(forced.outcomes.map((o) => o.outcome)).toEqual(['redriven']);

        const audit = (await fast.call('auditor', 'GET', `/api/audit?actor=operator`)).body as unknown as {
          action: string;
          dossierId?: string;
          reason: string;
        }[];
        expect(audit.filter((e) => e.dossierId === dossierId).map((e) => e.action)).toEqual(
          expect.arrayContaining(['step.retry', 'dossier.reset', 'dead-letter.redrive']),
        );
      } finally {
        await system.restartAgency('residence', 'auto');
      }
    },
  );
});

describe('an operator action the audit log cannot record', () => {
  it('is not carried out: single and bulk retries, and a reason with a NUL byte', async () => {
    await system.restartAgency('residence', 'manual');
    const admin = createPool(endpoints.postgres.adminUrl!);
    // A superuser makes the audit log refuse rows with a marker, as a full disk or an outage would.
    await admin.query(`
      create or replace function audit.test_refuse() returns trigger language plpgsql as $$
        begin raise exception 'the audit log is unavailable (test)'; end $$;
      create trigger test_refuse before insert on audit.audit_log for each row
        when (new.reason like '%[audit-refuses]%') execute function audit.test_refuse();`);
    try {
      const { body } = await portal.call('citizen-lan', 'POST', '/api/dossiers', apiBirth(10));
      const dossierId = body!.dossierId as string;
      await waitFor(async () =>
        (
          (await portal.call('worker-residence', 'GET', '/api/agencies/residence/tasks')).body as unknown as {
            dossierId: string;
          }[]
        ).find((t) => t.dossierId === dossierId),
      );
      const retry = `/api/operator/dossiers/${dossierId}/steps/register-residence/retry`;
      const refused = await portal.call('operator', 'POST', retry, { reason: 'retry it [audit-refuses]' });
      expect(refused.status).toBe(503);
      expect(refused.body!.detail).toMatch(/could not be recorded in the audit log, so it was not carried out/);
      const nul = await portal.call('operator', 'POST', retry, { reason: 'retry\u0000it' });
      expect([400, 503]).toContain(nul.status);
      const bulk = await portal.call('operator', 'POST', '/api/operator/bulk', {
        query: { step: 'register-residence' },
        action: 'retry',
        stepId: 'register-residence',
        reason: 'retry them all [audit-refuses]',
        dryRun: false,
      });
      expect(bulk.status).toBe(200);
      expect(bulk.body!.applied).toBe(0);
      expect(bulk.body!.failures as unknown as { dossierId: string }[]).toEqual(
        expect.arrayContaining([expect.objectContaining({ dossierId })]),
      );
      // Nothing was re-sent: the step is on its first attempt, and the log has no row for any of it.
      const view = (await portal.call('operator', 'GET', `/api/dossiers/${dossierId}`))
        .body as unknown as DossierStatusView;
      expect(view.steps.find((s) => s.stepId === 'register-residence')?.attempts).toBe(1);
      const history = await system.client.workflow.getHandle(dossierId).fetchHistory();
      expect((history.events ?? []).some((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toBe(false);
      const rows = (await portal.call('auditor', 'GET', `/api/audit?dossierId=${dossierId}`)).body as unknown as {
        action: string;
      }[];
      expect(rows.map((r) => r.action)).toEqual(['dossier.read']);
    } finally {
      await admin.query('drop trigger if exists test_refuse on audit.audit_log');
      await admin.end();
      await system.restartAgency('residence', 'auto');
    }
  });
});

describe('information given once: the registry fills the form, checks the people, and logs who read', () => {
  it("pre-fills Lan's birth form from GET /api/me; typing only the child, the dossier completes and every read is listed", async () => {
    const me = await portal.call('citizen-lan', 'GET', '/api/me');
    expect(me.status).toBe(200);
    const family = me.body as unknown as Me;
    expect(family.citizen.fullName).toBe(demoPeople.lan.fullName);
    expect(family.spouse?.personalIdNumber).toBe(demoPeople.hung.personalId);
    const form = family.forms['birth-bundle']!;
    // What the citizen types: the child and the hospital's reference; everything else is the registry's.
    const typed = birthInput(4);
    const application = {
      procedure: 'birth-bundle',
      ...form,
      residence: { ...form.residence!, parentConfirmed: true },
      child: typed.child,
      birthCertificateReference: typed.birthCertificateReference,
    };
    const created = await portal.call('citizen-lan', 'POST', '/api/dossiers', application);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const dossierId = created.body!.dossierId as string;
    const { last } = await portal.follow('citizen-lan', dossierId);
    expect(last.status).toBe('result-returned');
    const childId = String(last.steps.find((s) => s.stepId === 'register-birth')?.result?.childPersonalIdNumber);

    // The registry now knows the child as Lan's, living in her household.
    const after = (await portal.call('citizen-lan', 'GET', '/api/me')).body as unknown as Me;
    expect(after.children).toContainEqual(expect.objectContaining({ personalIdNumber: childId, alive: true }));
    expect(after.household.map((m) => m.personalIdNumber)).toContain(childId);

    const log = await portal.call('citizen-lan', 'GET', '/api/me/data-access');
    expect(log.status).toBe(200);
    const { reads, unavailable } = log.body as unknown as MyDataAccess;
    expect(unavailable).toEqual([]);
    const forDossier = reads.filter((r) => r.dossierId === dossierId);
    expect(forDossier).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          holder: 'registry',
          organisation: 'portal',
          purpose: 'application-check',
          actor: 'citizen-lan',
        }),
        expect.objectContaining({
          holder: 'civil-status',
          organisation: 'civil-status',
          purpose: 'case-decision',
          actor: 'rules',
        }),
        expect.objectContaining({ holder: 'residence', organisation: 'residence', purpose: 'case-decision' }),
      ]),
    );
    expect(reads).toContainEqual(expect.objectContaining({ purpose: 'own-record', organisation: 'portal' }));
    expect(reads[0]!.purposeLabel.vi.length).toBeGreaterThan(0);
    // Newest first.
    expect([...reads].sort((a, b) => b.at.localeCompare(a.at))).toEqual(reads);
    // Hùng was shown on Lan's page: he sees that as a read of his record by a relative.
    const hungReads = await system.registry.service.dataAccess(demoPeople.hung.personalId);
    expect(hungReads).toContainEqual(expect.objectContaining({ actor: 'citizen-lan', purpose: 'family-record' }));
  });

  it('refuses at submission, naming the field, an unknown ID number, a wrong name and a death registered already', async () => {
    const unknown = birthInput(3);
    unknown.father = { personalIdNumber: '079088000001', fullName: 'Trần Văn Hùng' };
    const refused = await portal.call('citizen-lan', 'POST', '/api/dossiers', unknown);
    expect(refused.status).toBe(422);
    expect(refused.body?.errors).toEqual([
      { path: 'body.father.personalIdNumber', message: 'is not in the national population database' },
    ]);
    const misnamed = birthInput(3);
    misnamed.mother = { ...misnamed.mother!, fullName: 'Nguyễn Thị Lành' };
    misnamed.applicant = { ...misnamed.applicant, fullName: 'Nguyễn Thị Lành' };
    const wrong = await portal.call('citizen-lan', 'POST', '/api/dossiers', misnamed);
    expect(wrong.status).toBe(422);
    expect((wrong.body?.errors as { path: string }[]).map((e) => e.path)).toEqual([
      'body.applicant.fullName',
      'body.mother.fullName',
    ]);
    // A person the registry records as dead cannot die again, whatever dossier says so.
    const gone: Citizen = {
      ...apiDeceased,
      personalId: '001052123988',
      fullName: 'Đinh Văn Thành',
      householdId: 'HK-001-API0002',
    };
    await system.addCitizens([{ ...gone, alive: false }]);
    const death = apiDeath(2);
    death.deceased = { ...death.deceased, personalIdNumber: gone.personalId, fullName: gone.fullName };
    const again = await portal.call('citizen-hanh', 'POST', '/api/dossiers', death);
    expect(again.status).toBe(422);
    expect(again.body?.errors).toEqual([
      {
        path: 'body.deceased.personalIdNumber',
        message: 'is already registered as deceased; a death is registered once',
      },
    ]);
  });
});

describe('personal data', () => {
  /** Names and ID numbers of the applicants, parents, deceased and survivors the tests used. */
  const secrets = [birthInput(1), apiDeath(4)].flatMap((input) =>
    input.procedure === 'birth-bundle'
      ? [
          input.applicant.fullName,
          input.applicant.personalIdNumber,
          input.child.fullName,
          input.father!.fullName,
          input.father!.personalIdNumber,
        ]
      : [
          input.applicant.fullName,
          input.applicant.personalIdNumber,
          input.deceased.fullName,
          input.deceased.personalIdNumber,
          ...input.survivors.flatMap((s) => [s.fullName, s.personalIdNumber]),
        ],
  );

  /** The history as Temporal stores it, every byte field read as text. */
  const rawText = (value: unknown): string => {
    if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
    if (Array.isArray(value)) return value.map(rawText).join('\n');
    if (value && typeof value === 'object')
      return Object.entries(value)
        .map(([k, v]) => `${k}=${rawText(v)}`)
        .join('\n');
    return String(value);
  };

  it('is in clear text neither in raw Temporal history (payloads, search attributes) nor in the log output', async () => {
    expect(submitted.length).toBeGreaterThanOrEqual(5);
    for (const dossierId of submitted) {
      const history = await system.client.workflowService.getWorkflowExecutionHistory({
        namespace: endpoints.temporal.namespace,
        execution: { workflowId: dossierId },
      });
      const text = rawText(history.history);
      expect(text).toContain(dossierId);
      for (const secret of secrets)
        expect(text.includes(secret), `${secret} in the raw history of ${dossierId}`).toBe(false);
      const described = rawText(
        (await system.client.workflow.getHandle(dossierId).describe()).raw.workflowExecutionInfo?.searchAttributes,
      );
      expect(described).toMatch(/c-[a-z2-7]{26}/);
    }
    const logs = logLines.join('');
    expect(logs.length).toBeGreaterThan(1_000);
    for (const secret of secrets) expect(logs.includes(secret), `${secret} in the log output`).toBe(false);
  });
});
