import { randomUUID } from 'node:crypto';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/** A signed-in browser's cookies, to open more contexts as the same user. */
type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { catalogue } from '../../contracts/procedures';
import { createAuditLog, type AuditLog } from '../../platform/audit';
import { createTokenVerifier, issueDevelopmentToken } from '../../platform/auth';
import { createPool, type Pool } from '../../platform/database';
import { createDossierRecords } from '../../platform/dossier-records';
import { createLogger } from '../../platform/logger';
import { citizenKeyer } from '../../platform/pseudonym';
import { createStepTimings } from '../../platform/step-timings';
import { startDossierArchive } from '../../services/dossier-archive';
import { buildApi } from '../../web/app';
import { devUsers } from '../../web/auth';
import { createDossierGateway } from '../../web/dossiers';
import { createNotificationHub, feedFromKafka } from '../../web/notifications';
import { createSubmissionLedger } from '../../web/submission-ledger';
import { orchestratorTaskQueue } from '../../contracts/dossier-workflow';
import { statusQuery } from '../../workflows/messages';
import { birthInput } from '../fixtures/dossiers';
import { testAuditKey } from '../support/audit-key';
import { launchChromium } from '../support/browser';
import { testKeyring } from '../support/bus-keys';
import { startDeadLetters } from '../support/dead-letters';
import { birthResult, publishPoisonBirthResult } from '../support/poison';
import { startSystem } from '../support/system';
import { testDataConverter } from '../support/workflow-env';

/**
 * The operator's pages in a real browser over the real system: an agency outage leaves a dossier
 * failed and overdue, an operator finds it and retries it with a reason, the audit page shows it;
 * an auditor sees the same pages without actions and the server refuses a forged one. A poison
 * result shows up live on the overview, and the operator fixes its dead letter on its page.
 */
const endpoints = inject('endpoints');
const log = createLogger({ level: 'warn', format: 'json' });
const auth = {
  issuer: 'lienthong-test',
  audience: 'lienthong-api',
  secret: new TextEncoder().encode('operator-pages-secret-of-at-least-32-bytes'),
};
const citizenKey = citizenKeyer(new TextEncoder().encode('operator-pages-citizen-secret'));
let system: Awaited<ReturnType<typeof startSystem>>;
let pool: Pool;
let audit: AuditLog;
let app: FastifyInstance;
let base: string;
let browser: Browser;
const stops: (() => Promise<void>)[] = [];
const contexts: BrowserContext[] = [];
/**
 * Simulated time from a Friday at 15:01 (after the cut-off), 28,000 times faster, from when the
 * outage test submits (the gateway reads it then): the birth registration, due on Monday at 17:00,
 * has about 9 s to complete; the residence step runs out on Wednesday at 17:00, about 16 s after
 * submission, and the retry has at least 2 more working days. (Started with the file, the birth's
 * time shrank by however long the file's start-up took.)
 */
const outageClock = { realEpochMs: Date.now(), simulatedEpochMs: Date.parse('2026-11-27T08:01:00Z'), factor: 28_000 };
/** The dossier the outage leaves stuck, retried by the operator. */
let dossierId: string;
/** A dead letter left open for the accessibility scan (its page shows the forms). */
let openDeadLetterId: string;
let dossiers: ReturnType<typeof createDossierGateway>;

beforeAll(async () => {
  system = await startSystem(endpoints, log);
  pool = createPool(endpoints.postgres.url);
  audit = createAuditLog(pool, testAuditKey);
  await audit.ready();
  const ledger = createSubmissionLedger(pool);
  await ledger.migrate();
  const codec = testDataConverter.payloadCodecs[0]!;
  const records = createDossierRecords(pool, codec);
  await records.migrate();
  const stepTimings = createStepTimings(pool);
  await stepTimings.migrate();
  const notifications = createNotificationHub();
  const feed = await feedFromKafka(notifications, system.kafka, testKeyring('api'), log);
  stops.push(() => feed.stop());
  const archive = await startDossierArchive({
    kafka: system.kafka,
    keyring: testKeyring('api'),
    client: system.client,
    records,
    stepTimings,
    citizenKey,
    log,
    groupId: `operator-pages-archive-${randomUUID()}`,
  });
  stops.push(() => archive.stop());
  dossiers = createDossierGateway({
    client: system.client,
    citizenKey,
    catalogue,
    ledger,
    records,
    registry: system.registry.service,
    // One attempt, then the step fails and waits for an operator; the outage test starts the clock.
    settings: { clock: outageClock, maxAttempts: 1 },
  });
  // Dead letters as the api process keeps them: the recorder and the operations principal's actions.
  const deadLetters = await startDeadLetters({
    pool,
    kafka: system.kafkaOf('operations'),
    audit,
    view: (id) => dossiers.view(id),
    log,
  });
  stops.push(() => deadLetters.stop());
  app = await buildApi({
    context: {
      catalogue,
      dossiers,
      deadLetters: deadLetters.deadLetters,
      registry: system.registry.service,
      notifications,
      backOffices: Object.fromEntries(Object.entries(system.agencies).map(([a, r]) => [a, r.backOffice])),
      audit,
      kafka: system.kafka,
      namespace: endpoints.temporal.namespace,
      codec,
      temporalUiUrl: 'http://127.0.0.1:8233',
      stepTimings,
    },
    verifier: createTokenVerifier(auth),
    devLogin: auth,
    log,
    bodyLimitBytes: 256 * 1024,
    rateLimitPerMinute: 100_000,
    ready: async () => ({ temporal: true }),
  });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  ({ browser } = await launchChromium());
});

afterAll(async () => {
  for (const context of contexts.splice(0)) await context.close();
  await browser?.close();
  await app?.close();
  for (const stop of stops) await stop();
  await system?.restartAgency('residence', 'auto');
  await system?.stop();
  await pool?.end();
});

async function visitor(
  options: { locale?: string; width?: number; javaScript?: boolean; storageState?: StorageState } = {},
) {
  const context = await browser.newContext({
    baseURL: base,
    locale: options.locale ?? 'vi-VN',
    javaScriptEnabled: options.javaScript ?? true,
    viewport: { width: options.width ?? 1280, height: 800 },
    storageState: options.storageState,
  });
  contexts.push(context);
  return context.newPage();
}

async function signIn(page: Page, user: keyof typeof devUsers) {
  await page.goto('/sign-in?next=/operator');
  await page.check(`input[name="user"][value="${user}"]`);
  await page.click('main button[type="submit"]');
  await page.waitForURL(`${base}/operator`);
}

async function submitAsCitizen() {
  const token = await issueDevelopmentToken(devUsers['citizen-lan']!, auth);
  const response = await fetch(`${base}/api/dossiers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...birthInput(12), birthCertificateReference: `GCS-OPPAGES-${Date.now()}` }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { dossierId: string }).dossierId;
}

describe('an operator in the browser', () => {
  it('finds the dossier an agency outage left stuck, retries it with a reason, sees it complete and the audit page show it', async () => {
    // The agency reads its outage windows at each command: the outage ends when the test says so,
    // once the step has failed in it, rather than at a guessed wall-clock time.
    const outage = { from: new Date(Date.now() - 1_000), to: new Date(Date.now() + 110_000) };
    await system.restartAgency('residence', 'auto', { latencyMs: 0, failureRate: 0, outages: [outage] });
    outageClock.realEpochMs = Date.now();
    dossierId = await submitAsCitizen();
    const page = await visitor({ javaScript: false });
    await signIn(page, 'operator');
    await expect
      .poll(
        async () => {
          await page.reload();
          return (await page.textContent('main')) ?? '';
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toMatch(new RegExp(`${dossierId}[\\s\\S]*Thất bại, chờ vận hành viên`));
    await page.click(`a[href="/operator/dossiers/${dossierId}"]`);
    expect(await page.textContent('#step-register-residence')).toContain('Lỗi, chờ quản trị viên');
    expect(await page.getAttribute('a[href*="/namespaces/default/workflows/"]', 'href')).toContain(dossierId);

    // A reason that is too short is shown next to its field, and nothing is done.
    await page.selectOption('#f-retry-stepId', 'register-residence');
    await page.fill('#f-retry-reason', 'ok');
    await page.click('form[action$="/retry"] button[type="submit"]');
    expect(await page.textContent('#f-retry-reason-error')).toContain('ít nhất 3 ký tự');

    // The police registry is back.
    outage.to = new Date();
    await page.selectOption('#f-retry-stepId', 'register-residence');
    await page.fill('#f-retry-reason', 'Hệ thống công an đã hoạt động lại sau sự cố');
    await page.click('form[action$="/retry"] button[type="submit"]');
    await page.waitForURL(/done=retry/);
    expect(await page.textContent('.notice[role="status"]')).toContain('Đã gửi lại bước');
    await expect
      .poll(
        async () => {
          await page.goto(`/operator/dossiers/${dossierId}`);
          return page.textContent('.summary .tag');
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toBe('Đã trả kết quả');
    // Finished: the page says so instead of offering actions.
    expect(await page.textContent('#operator-actions')).toContain('Hồ sơ đã kết thúc');

    await page.goto('/operator/audit');
    await page.fill('#f-dossierId', dossierId);
    await page.click('form.filters button[type="submit"]');
    const log = await page.textContent('#audit-log');
    expect(log).toContain('step.retry');
    expect(log).toContain('Hệ thống công an đã hoạt động lại sau sự cố');

    // A finished dossier's action, sent from a page opened before it finished: a 409 explained on the page.
    const csrf = await page.getAttribute('header input[name="_csrf"]', 'value');
    const late = await page.request.post(`/operator/dossiers/${dossierId}/terminate`, {
      form: { _csrf: csrf!, 'terminate.reason': 'đóng hồ sơ đã xong' },
      maxRedirects: 0,
    });
    expect(late.status()).toBe(409);
    expect(await late.text()).toContain('Hồ sơ đã kết thúc');

    // The on-time chart counts the steps the read model saw finish, with the figures in words.
    await page.goto('/operator');
    expect(await page.textContent('.on-time-chart')).toMatch(/\d+%/);
  });

  it('shows an auditor the same pages without action buttons, and refuses a forged action', async () => {
    const page = await visitor();
    await signIn(page, 'auditor');
    await page.goto(`/operator/dossiers/${dossierId}`);
    expect(await page.textContent('h1')).toContain(dossierId);
    expect(await page.$('#operator-actions')).toBeNull();
    expect(await page.textContent('.notice')).toContain('kiểm toán viên');
    await page.goto('/operator/search?running=true');
    expect(await page.$('form[action="/operator/bulk"]')).toBeNull();

    const csrf = await page.getAttribute('header input[name="_csrf"]', 'value');
    const forged = await page.request.post(`/operator/dossiers/${dossierId}/retry`, {
      form: { _csrf: csrf!, 'retry.stepId': 'register-residence', 'retry.reason': 'forged by an auditor' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    const forgedBulk = await page.request.post('/operator/bulk', {
      form: { _csrf: csrf!, action: 'terminate', reason: 'forged by an auditor', confirm: 'yes' },
      maxRedirects: 0,
    });
    expect(forgedBulk.status()).toBe(403);
    const rows = await audit.list({ actor: 'auditor', limit: 50 });
    expect(rows.filter((r) => r.action !== 'dossier.read')).toEqual([]);
  });

  it('counts a bulk action first and asks for a confirmation', async () => {
    const page = await visitor({ width: 360 });
    await signIn(page, 'operator');
    await page.goto('/operator/search?running=true&step=register-residence');
    await page.check('#f-action-1');
    await page.fill('#f-reason', 'Kiểm tra đếm trước');
    await page.click('form[action="/operator/bulk"] button[type="submit"]');
    expect(await page.textContent('h1')).toContain('Xác nhận');
    expect(Number(await page.textContent('#bulk-matched'))).toBeGreaterThanOrEqual(0);
    expect(await page.$('form[action="/operator/bulk"] input[name="confirm"][value="yes"]')).not.toBeNull();
  });
});

/** A birth whose first step waits for civil status's worker (the agency on the manual policy). */
async function waitingBirth() {
  const waitingId = `HS-20261123-${randomUUID().slice(0, 10).toUpperCase()}`;
  const input = birthInput(5);
  const handle = await system.client.workflow.start(catalogue.procedureOf(input).workflowType, {
    taskQueue: orchestratorTaskQueue,
    workflowId: waitingId,
    args: [{ dossierId: waitingId, input }],
  });
  await expect
    .poll(async () => (await handle.query(statusQuery)).steps[0]?.status, { timeout: 30_000 })
    .toBe('awaiting-agency-worker');
  return { dossierId: waitingId, handle };
}

const poison = (id: string) =>
  publishPoisonBirthResult(system.kafkaOf('civil-status'), testKeyring('civil-status'), id);

/** The serious and critical accessibility violations of the page as it is. */
async function seriousViolations(page: Page): Promise<string[]> {
  // Legacy mode runs axe.run in the page; the default runs it per frame, then opens a blank page to
  // merge the results and injects axe there too: twice the work for pages without frames.
  const { violations } = await new AxeBuilder({ page })
    .setLegacyMode()
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .options({ resultTypes: ['violations'] })
    .analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('an operator and dead letters in the browser', () => {
  /** The dossier a poison result leaves waiting, fixed by the operator. */
  let poisoned: Awaited<ReturnType<typeof waitingBirth>>;
  let fixedId: string;

  beforeAll(async () => {
    await system.restartAgency('civil-status', 'manual');
  });
  afterAll(async () => {
    await system.restartAgency('civil-status', 'auto');
  });

  it('sees a poisoned dossier appear live on the overview, opens its dead letter, fixes it on the page, and the step completes', async () => {
    poisoned = await waitingBirth();
    const page = await visitor();
    await signIn(page, 'operator');
    // Set on this document: still there after the update means the page was not reloaded.
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    expect(await page.textContent('#operator-live')).not.toContain(poisoned.dossierId);
    await poison(poisoned.dossierId);
    await page.waitForFunction(
      (id) => document.querySelector('#operator-live')?.textContent?.includes(id) ?? false,
      poisoned.dossierId,
      { timeout: 60_000 },
    );
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect(await page.textContent('#operator-live')).toContain('Lệnh hoặc kết quả nằm trong hàng đợi lỗi');

    // From the stuck list to the dossier in depth, and from there to its dead letter.
    await page.click(`#operator-live a[href="/operator/dossiers/${poisoned.dossierId}"]`);
    await page.click('#dossier-dead-letters + .table-wrap a[href^="/operator/dead-letters/"]');
    await page.waitForURL(/\/operator\/dead-letters\/[0-9a-f-]{36}$/);
    fixedId = page.url().split('/').at(-1)!;
    expect(await page.textContent('#dead-letter-summary')).toContain('schema-mismatch');
    expect(await page.textContent('#dead-letter-data')).toContain('not-a-number');

    // A payload that still does not fit: the problem next to the field, in Vietnamese, nothing sent.
    const still = JSON.stringify(birthResult(poisoned.dossierId, 'still-wrong'), null, 2);
    await page.fill('#f-fix-payload', still);
    await page.fill('#f-fix-reason', 'Cơ quan hộ tịch xác nhận số định danh qua điện thoại');
    await page.click('form[action$="/fix"] button[type="submit"]');
    expect(await page.textContent('#f-fix-payload-childPersonalIdNumber')).toContain('Sai định dạng');
    expect(await page.textContent('.error-summary')).toContain('childPersonalIdNumber');

    const fixed = (await page.inputValue('#f-fix-payload')).replace('still-wrong', '001226424242');
    await page.fill('#f-fix-payload', fixed);
    await page.click('form[action$="/fix"] button[type="submit"]');
    await page.waitForURL(/done=fix/);
    expect(await page.textContent('.notice[role="status"]')).toContain('Đã gửi bản sửa');
    expect(await page.textContent('#dead-letter-state')).toBe('Đã gửi lại');
    expect(await page.$('#dead-letter-forms form')).toBeNull();
    await expect
      .poll(async () => (await poisoned.handle.query(statusQuery)).steps[0], { timeout: 60_000 })
      .toMatchObject({ status: 'completed', result: { childPersonalIdNumber: '001226424242' } });

    const entries = await audit.list({ dossierId: poisoned.dossierId, limit: 50 });
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['dead-letter.read', 'dead-letter.fix']));
    expect(entries.find((e) => e.action === 'dead-letter.fix')?.reason).toBe(
      'Cơ quan hộ tịch xác nhận số định danh qua điện thoại',
    );
  });

  it('runs a dry run before a redrive and warns that a dead letter of a decided step is obsolete; discards it with a reason', async () => {
    // Two more poison results for the step that is now completed: both obsolete.
    await poison(poisoned.dossierId);
    await poison(poisoned.dossierId);
    // Axe runs as a script in the page: JavaScript stays on (the forms need none).
    const page = await visitor({ width: 360 });
    await signIn(page, 'operator');
    const list = `/operator/dead-letters?dossierId=${poisoned.dossierId}`;
    await expect
      .poll(
        async () => {
          await page.goto(list);
          return page.locator('table.dead-letters tbody tr').count();
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toBe(2);
    expect(await page.textContent('#dead-letters-open')).toContain('2');
    expect(await page.textContent('#dead-letters-redriven')).toContain('1');
    const [first, second] = await page.$$eval(
      'table.dead-letters tbody tr a[href^="/operator/dead-letters/"]',
      (links) => links.map((a) => a.getAttribute('href')!),
    );
    openDeadLetterId = second!.split('/').at(-1)!;

    await page.goto(first!);
    await page.fill('#f-redrive-reason', 'Cầu nối sự kiện đã được sửa');
    await page.click('form[action$="/redrive"] button[type="submit"]');
    expect(await page.textContent('#redrive-obsolete')).toContain('Bước này đã có kết quả');
    expect(await page.$('input[name="confirm"]')).toBeNull();
    expect(await seriousViolations(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

    await page.goto(first!);
    await page.fill('#f-discard-reason', 'Kết quả trùng, bước đã hoàn thành');
    await page.click('form[action$="/discard"] button[type="submit"]');
    await page.waitForURL(/done=discard/);
    expect(await page.textContent('#dead-letter-state')).toBe('Đã hủy');
    expect(await page.textContent('#dead-letter-summary')).toContain('Kết quả trùng, bước đã hoàn thành');
  });

  it('shows an auditor a dead letter without its data or forms, and refuses a forged fix', async () => {
    const page = await visitor({ locale: 'en-GB' });
    await signIn(page, 'auditor');
    await page.goto(`/operator/dead-letters?dossierId=${poisoned.dossierId}&state=all`);
    await page.click(`a[href="/operator/dead-letters/${fixedId}"]`);
    expect(await page.textContent('#dead-letter-summary')).toContain('schema-mismatch');
    expect(await page.textContent('main')).toContain("Only operators may see a dead letter's data.");
    expect(await page.$('#dead-letter-data')).toBeNull();
    expect(await page.$('#dead-letter-forms')).toBeNull();

    const csrf = await page.getAttribute('header input[name="_csrf"]', 'value');
    const forged = await page.request.post(`/operator/dead-letters/${openDeadLetterId}/fix`, {
      form: {
        _csrf: csrf!,
        'fix.payload': JSON.stringify(birthResult(poisoned.dossierId, '001226424242')),
        'fix.reason': 'forged by an auditor',
      },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    const rows = await audit.list({ actor: 'auditor', limit: 50 });
    expect(rows.filter((r) => r.action.startsWith('dead-letter.'))).toEqual([]);
  });
});

describe('every operator page', () => {
  it('has no serious or critical accessibility violation at 360 px and at desktop width, in both languages', async () => {
    const paths = [
      '/operator',
      '/operator/search',
      '/operator/search?running=true',
      `/operator/dossiers/${dossierId}`,
      '/operator/audit',
      '/operator/audit?since=31/02/2026',
      '/operator/dead-letters',
      '/operator/dead-letters?state=all',
      '/operator/dead-letters?topic=nope',
      `/operator/dead-letters/${openDeadLetterId}`,
    ];
    const found: string[] = [];
    // Each user signs in once; every scan opens a context of its own with that session's cookie.
    const sessions = new Map<keyof typeof devUsers, Promise<StorageState>>();
    const sessionOf = (user: keyof typeof devUsers) => {
      if (!sessions.has(user))
        sessions.set(
          user,
          (async () => {
            const page = await visitor();
            await signIn(page, user);
            return page.context().storageState();
          })(),
        );
      return sessions.get(user)!;
    };
    const scan = async (user: keyof typeof devUsers, locale: string, path: string) => {
      const page = await visitor({ locale, width: 360, storageState: await sessionOf(user) });
      await page.goto(path);
      for (const width of [360, 1280]) {
        await page.setViewportSize({ width, height: 800 });
        for (const violation of await seriousViolations(page))
          found.push(`${user} ${path} ${locale} ${width}px: ${violation}`);
        if (width === 360)
          expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(360);
      }
      await page.context().close();
    };
    // Scans run side by side, a few at a time (two cores shared with the servers).
    const jobs = ['vi-VN', 'en-GB'].flatMap((locale) => paths.map((path) => () => scan('operator', locale, path)));
    jobs.push(() => scan('auditor', 'en-GB', `/operator/dossiers/${dossierId}`));
    jobs.push(() => scan('auditor', 'vi-VN', `/operator/dead-letters/${openDeadLetterId}`));
    const running = new Set<Promise<void>>();
    for (const job of jobs) {
      const next = job().finally(() => running.delete(next));
      running.add(next);
      if (running.size >= 4) await Promise.race(running);
    }
    await Promise.all(running);
    expect(found).toEqual([]);
  });
});
