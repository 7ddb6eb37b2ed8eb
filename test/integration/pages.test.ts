import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { catalogue } from '../../contracts/procedures';
import { demoPeople } from '../../contracts/demo-citizens';
import type { Citizen } from '../../contracts/population';
import { createAuditLog } from '../../platform/audit';
import { testAuditKey } from '../support/audit-key';
import { testKeyring } from '../support/bus-keys';
import { createTokenVerifier } from '../../platform/auth';
import { createPool, type Pool } from '../../platform/database';
import { createLogger } from '../../platform/logger';
import { citizenKeyer } from '../../platform/pseudonym';
import { insertRelations } from '../../registry/seed';
import { buildApi } from '../../web/app';
import { devUsers } from '../../web/auth';
import { createDossierGateway } from '../../web/dossiers';
import { createNotificationHub, feedFromKafka } from '../../web/notifications';
import { createSubmissionLedger } from '../../web/submission-ledger';
import { launchChromium } from '../support/browser';
import { startSystem } from '../support/system';
import { testDataConverter } from '../support/workflow-env';

/**
 * The citizen's pages in a real browser (playwright-core driving Chromium) over the real system:
 * Temporal, Kafka, PostgreSQL, the registry and the three agencies, with JavaScript on and off.
 */
const endpoints = inject('endpoints');
const log = createLogger({ level: 'warn', format: 'json' });
const auth = {
  issuer: 'lienthong-test',
  audience: 'lienthong-api',
  secret: new TextEncoder().encode('pages-test-secret-of-at-least-32-bytes!'),
};
let system: Awaited<ReturnType<typeof startSystem>>;
let pool: Pool;
let app: FastifyInstance;
let base: string;
let browser: Browser;
const stops: (() => Promise<void>)[] = [];
/** The browser contexts of the running test, closed after it. */
const contexts: BrowserContext[] = [];

/** Hạnh's husband, this file's own: his death is registered here, and no other file knows him. */
const husband: Citizen = {
  personalId: '001075246810',
  fullName: 'Vũ Văn Quang',
  sex: 'male',
  birthDate: '1975-05-05',
  provinceCode: '001',
  commune: 'Phường Cầu Giấy',
  street: '9 Phố Duy Tân',
  householdId: 'HK-001-PAGES01',
  householdHead: true,
  owner: true,
  contributionMonths: 150,
  pensioner: false,
  alive: true,
};

const pagesCitizenKey = citizenKeyer(new TextEncoder().encode('pages-citizen-search-secret'));

beforeAll(async () => {
  system = await startSystem(endpoints, log);
  await system.addCitizens([husband]);
  await insertRelations(system.registryPool, {
    spouses: [[demoPeople.hanh.personalId, husband.personalId]],
    parents: [],
  });
  pool = createPool(endpoints.postgres.url);
  const audit = createAuditLog(pool, testAuditKey);
  await audit.ready();
  const ledger = createSubmissionLedger(pool);
  await ledger.migrate();
  const notifications = createNotificationHub();
  const feed = await feedFromKafka(notifications, system.kafka, testKeyring('api'), log);
  stops.push(() => feed.stop());
  app = await buildApi({
    context: {
      catalogue,
      dossiers: createDossierGateway({
        client: system.client,
        citizenKey: pagesCitizenKey,
        catalogue,
        ledger,
        registry: system.registry.service,
      }),
      registry: system.registry.service,
      notifications,
      backOffices: Object.fromEntries(Object.entries(system.agencies).map(([a, r]) => [a, r.backOffice])),
      audit,
      kafka: system.kafka,
      namespace: endpoints.temporal.namespace,
      codec: testDataConverter.payloadCodecs[0]!,
      messages: {
        forCitizen: (personalIdNumber, limit) =>
          system.notificationStore.forCitizen(pagesCitizenKey(personalIdNumber), limit),
        counts: () => system.notificationStore.counts(),
      },
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

afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  for (const stop of stops) await stop();
  await system?.stop();
  await pool?.end();
});

/** A browser of its own (cookies and all) in Vietnamese, phone-sized unless told. */
async function visitor(options: { javaScript?: boolean; locale?: string; width?: number } = {}) {
  const context: BrowserContext = await browser.newContext({
    baseURL: base,
    javaScriptEnabled: options.javaScript ?? true,
    locale: options.locale ?? 'vi-VN',
    viewport: { width: options.width ?? 360, height: 780 },
  });
  contexts.push(context);
  return context.newPage();
}

async function signIn(page: Page, user: keyof typeof devUsers) {
  await page.goto('/sign-in');
  await page.check(`input[name="user"][value="${user}"]`);
  await page.click('main button[type="submit"]');
  // Each role lands on its own home: a worker on the inbox.
  await page.waitForURL(devUsers[user]!.role === 'agency-worker' ? `${base}/tasks` : `${base}/`);
}

const daysAgo = (days: number) => {
  const d = new Date(Date.now() - days * 86_400_000);
  return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
};
let births = 0;
/** The fields of each birth form the tests sent. */
const sentForms: Record<string, string>[] = [];
/** Fills the birth form as a parent would: only the child and the certificate; the rest is the registry's. */
async function applyForBirth(page: Page) {
  births += 1;
  await page.goto('/apply/birth-bundle');
  await page.fill(
    '#f-child-fullName',
    `Trần ${['Minh', 'Gia', 'Bảo', 'Đức', 'Quốc'][births % 5]} ${['An', 'Khang', 'Phúc', 'Huy'][births % 4]} Trang ${'ABCDEFGH'[births]}`.replace(
      / [A-H]$/,
      (s) => ` ${['Anh', 'Bình', 'Chi', 'Dũng', 'Em', 'Giang', 'Hà', 'Hải'][' ABCDEFGH'.indexOf(s.trim())] ?? 'Lâm'}`,
    ),
  );
  await page.check('#f-child-sex');
  await page.fill('#f-child-birthDate', daysAgo(3));
  await page.selectOption('#f-child-birthPlace-provinceCode', '001');
  await page.selectOption('#f-child-birthPlace-commune', 'Phường Hoàn Kiếm');
  await page.fill('#f-child-birthPlace-street', 'Bệnh viện Phụ sản Hà Nội, 929 La Thành');
  await page.fill('#f-birthCertificateReference', `GCS-PAGES-${Date.now()}-${births}`);
  await page.check('#f-residence-parentConfirmed');
  sentForms.push(
    await page.$$eval('form[action="/apply/birth-bundle"] [name]', (fields) =>
      Object.fromEntries(
        fields
          // What a browser sends: no unchecked box and no button other than the one pressed.
          .filter((f) => !(f instanceof HTMLInputElement && ['radio', 'checkbox'].includes(f.type) && !f.checked))
          .filter((f) => !(f instanceof HTMLButtonElement))
          .map((f) => [(f as HTMLInputElement).name, (f as HTMLInputElement).value]),
      ),
    ),
  );
  await page.click('button[data-prevent-double-click]');
  await page.waitForURL(/\/dossiers\/HS-/);
  return page.url().split('/dossiers/')[1]!.split('?')[0]!;
}

/** The statuses of the dossier page's steps, as their tags' classes say. */
const stepStatuses = (page: Page) =>
  page.$$eval('#dossier-live .step .tag', (tags) => tags.map((tag) => tag.className.replace('tag tag-', '')));

/** Waits until the worker's inbox lists a task of the dossier (other than `except`), and opens it. */
async function openTaskOf(page: Page, dossierId: string, except?: string): Promise<string> {
  let href: string | null = null;
  await expect
    .poll(
      async () => {
        await page.goto('/tasks');
        const links = await page.$$eval('.task-card', (cards) =>
          cards.map((card) => ({ text: card.textContent ?? '', href: card.querySelector('a')?.getAttribute('href') })),
        );
        href = links.find((l) => l.text.includes(dossierId) && l.href !== except)?.href ?? null;
        return href;
      },
      { timeout: 30_000, interval: 500 },
    )
    .not.toBeNull();
  await page.goto(href!);
  return href!;
}

/** Pages the axe scan visits, filled in as the tests make them. */
const scanned: { user: keyof typeof devUsers; paths: string[] }[] = [
  { user: 'citizen-lan', paths: ['/sign-in', '/', '/apply/birth-bundle', '/data-access', '/messages'] },
  { user: 'worker-civil-status', paths: ['/tasks', '/tasks?status=approved&view=all'] },
  {
    user: 'citizen-hanh',
    paths: ['/apply/death-bundle', `/apply/death-bundle?deceased=${demoPeople.mo.personalId}`],
  },
];

describe('a citizen in the browser', () => {
  it('applies for a birth bundle from the pre-filled form and watches all three steps complete without reloading', async () => {
    const page = await visitor();
    await signIn(page, 'citizen-lan');
    await page.goto('/apply/birth-bundle');
    // The registry filled the parents and the residence: the citizen only reads them.
    await expect.poll(() => page.textContent('#from-registry + p + dl')).toContain(demoPeople.hung.fullName);
    const dossierId = await applyForBirth(page);
    let navigations = 0;
    page.on('framenavigated', () => (navigations += 1));
    await expect.poll(() => stepStatuses(page), { timeout: 60_000 }).toEqual(Array(3).fill('completed'));
    expect(navigations).toBe(0);
    expect(await page.textContent('#dossier-live')).toMatch(/\d{3}\/\d{4}\/KS-\d{6}/);
    expect(await page.getAttribute('#dossier-live', 'data-status')).toBe('result-returned');
    await page.click(`a[href="/dossiers/${dossierId}/results/register-birth"]`);
    expect(await page.textContent('.certificate')).toContain('Số định danh cá nhân của trẻ');
    scanned[0]!.paths.push(`/dossiers/${dossierId}`, `/dossiers/${dossierId}/results/register-birth`);
    scanned[0]!.paths.push(`/dossiers/${dossierId}/results/issue-health-insurance-card`);
    await page.goto('/');
    expect(await page.textContent('.dossier-list')).toContain(dossierId);
  });

  it('does the same with JavaScript off, reloading to follow the dossier; a double submission makes one dossier', async () => {
    const page = await visitor({ javaScript: false });
    await signIn(page, 'citizen-lan');
    const dossierId = await applyForBirth(page);
    await expect
      .poll(
        async () => {
          await page.reload();
          return stepStatuses(page);
        },
        { timeout: 60_000, interval: 500 },
      )
      .toEqual(['completed', 'completed', 'completed']);
    // The same form sent again, as a second click or a retry after a lost answer would: its key finds the same dossier.
    const resent = await page.request.post('/apply/birth-bundle', { form: sentForms.at(-1)!, maxRedirects: 0 });
    expect(resent.status()).toBe(303);
    expect(resent.headers().location).toBe(`/dossiers/${dossierId}`);
  });

  it('applies for a death bundle of 4 procedures, naming the relatives and the representative, and it completes', async () => {
    const page = await visitor({ locale: 'en-GB', width: 1280 });
    await signIn(page, 'citizen-hanh');
    await page.goto('/apply/death-bundle');
    expect(await page.textContent('h1')).toContain('Death registration');
    await page.check(`input[name="deceased"][value="${husband.personalId}"]`);
    await page.click('main button[type="submit"]');
    await page.fill('#f-deceased-dateOfDeath', daysAgo(2));
    await page.selectOption('#f-deceased-placeOfDeath-provinceCode', '001');
    await page.selectOption('#f-deceased-placeOfDeath-commune', 'Phường Cầu Giấy');
    await page.fill('#f-deceased-placeOfDeath-street', 'Bệnh viện Bạch Mai');
    await page.fill('#f-deathNoticeReference', `GBT-PAGES-${Date.now()}`);
    expect(await page.isVisible('input[name="survivors"]')).toBe(false);
    await page.check('input[name="variant"][value="4"]');
    await page.check(`input[name="survivors"][value="${demoPeople.hanh.personalId}"]`);
    await page.check(`input[name="representativeIdNumber"][value="${demoPeople.hanh.personalId}"]`);
    await page.click('button[data-prevent-double-click]');
    await page.waitForURL(/\/dossiers\/HS-/);
    await expect.poll(() => stepStatuses(page), { timeout: 60_000 }).toEqual(Array(4).fill('completed'));
    expect(await page.textContent('#step-funeral-allowance')).toContain('23.400.000');
    scanned[1]!.paths.push(new URL(page.url()).pathname, `${new URL(page.url()).pathname}/results/funeral-allowance`);
  });

  it('shows a form with its problems next to each field and in a summary that links to them', async () => {
    const page = await visitor({ javaScript: false });
    await signIn(page, 'citizen-lan');
    await page.goto('/apply/birth-bundle');
    await page.fill('#f-child-fullName', 'Bé 2');
    await page.fill('#f-child-birthDate', '31/02/2026');
    await page.click('button[data-prevent-double-click]');
    expect(await page.textContent('.error-summary')).toContain('Họ, chữ đệm và tên của trẻ');
    expect(await page.textContent('#f-child-fullName-error')).toContain('chữ cái');
    expect(await page.getAttribute('.error-summary a[href="#f-child-birthDate"]', 'href')).toBe('#f-child-birthDate');
  });
});

describe('agency workers in the browser (civil-status on the manual policy)', () => {
  beforeAll(async () => {
    await system.restartAgency('civil-status', 'manual');
  });
  afterAll(async () => {
    await system.restartAgency('civil-status', 'auto');
  });

  it('a worker claims and approves a task while a second sees it taken, a lost claim explained and a note shared', async () => {
    const citizen = await visitor();
    await signIn(citizen, 'citizen-lan');
    const dossierId = await applyForBirth(citizen);

    const first = await visitor();
    await signIn(first, 'worker-civil-status');
    const second = await visitor({ javaScript: false, locale: 'en-GB', width: 1280 });
    await signIn(second, 'worker-civil-status-2');
    const path = await openTaskOf(second, dossierId);
    // Only what the decision needs: the child's name is there, nothing from other steps.
    expect(await second.textContent('#task-facts')).toContain('Hospital birth certificate number');
    expect(await second.textContent('#task-facts')).not.toContain('Permanent residence');

    await first.goto(path);
    await first.click('#claim');
    await first.waitForURL(/done=claimed/);
    expect(await first.textContent('#task-holder')).toBe('Bạn');
    scanned[2]!.paths.push(new URL(first.url()).pathname);

    // The second worker's page still offers the claim: the colleague was first, and the page says so.
    await second.click('#claim');
    expect(await second.textContent('#task-warning')).toContain('A colleague claimed this task just before you');
    expect(await second.isVisible('#approve')).toBe(false);
    await second.fill('#f-note', 'Mother phoned: the certificate number is right.');
    await second.click('#add-note');
    await second.waitForURL(/done=note/);
    expect(await second.textContent('#claimed-by-colleague')).toContain('A colleague holds this task');

    await first.reload();
    expect(await first.textContent('#task-notes')).toContain('Mother phoned');
    // A rejection without a reason is shown next to its fields, in the worker's language.
    await first.click('#reject');
    expect(await first.textContent('#f-reasonCode-error')).toContain('Hãy chọn một mục');
    await first.click('#approve');
    await first.waitForURL(/\/tasks\?done=approve/);
    await expect.poll(() => stepStatuses(citizen), { timeout: 60_000 }).toEqual(Array(3).fill('completed'));

    await second.goto(path);
    expect(await second.textContent('#task-summary')).toContain('Approved');
  });

  it('a worker asks for information, the citizen answers on the dossier page and it completes; another is withdrawn', async () => {
    const citizen = await visitor();
    await signIn(citizen, 'citizen-lan');
    const dossierId = await applyForBirth(citizen);
    const worker = await visitor({ javaScript: false });
    await signIn(worker, 'worker-civil-status');
    const asked = await openTaskOf(worker, dossierId);
    await worker.click('#claim');
    await worker.waitForURL(/done=claimed/);
    await worker.check('input[name="fields"][value="child.fullName"]');
    await worker.fill('#f-askMessage', 'Xin ghi họ tên đúng như trên giấy chứng sinh');
    await worker.click('#ask');
    await worker.waitForURL(/done=request-information/);

    // The request arrives on the open page, form and all.
    await citizen.waitForSelector('#f-fields-child-fullName', { timeout: 30_000 });
    scanned[0]!.paths.push(`/dossiers/${dossierId}`);
    expect(await citizen.textContent('#dossier-actions')).toContain('Xin ghi họ tên');
    await citizen.fill('#f-fields-child-fullName', 'Trần Minh Khôi');
    await citizen.click('#dossier-actions button[type="submit"]');
    await citizen.waitForURL(/done=information/);

    await openTaskOf(worker, dossierId, asked);
    expect(await worker.textContent('#task-facts')).toContain('Trần Minh Khôi');
    await worker.click('#claim');
    await worker.click('#approve');
    await worker.waitForURL(/done=approve/);
    await expect.poll(() => stepStatuses(citizen), { timeout: 60_000 }).toEqual(Array(3).fill('completed'));

    const waiting = await applyForBirth(citizen);
    await openTaskOf(worker, waiting);
    await citizen.click('#dossier-actions summary');
    await citizen.fill('#f-reason', 'Đã đăng ký trực tiếp tại xã');
    await citizen.click('#dossier-actions .button-warning');
    await citizen.waitForURL(/done=withdrawn/);
    await expect
      .poll(
        async () => {
          await citizen.reload();
          return citizen.getAttribute('#dossier-live', 'data-status');
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe('withdrawn');
    expect(await stepStatuses(citizen)).toContain('cancelled');
    expect(await stepStatuses(citizen)).not.toContain('completed');
  });
});

/** Runs `jobs` with at most `limit` at once. */
async function inParallel<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, lane));
  return results;
}

describe('every page', () => {
  it('has no serious or critical accessibility violation at 360 px and at desktop width, in Vietnamese and English', async () => {
    // Each user, language and handful of pages in a browser context of its own, several at once:
    // the scans are the slow part of this file, and they share nothing.
    const jobs = scanned.flatMap(({ user, paths }) => {
      const unique = [...new Set(paths)];
      const chunks = Array.from({ length: Math.ceil(unique.length / 3) }, (_, i) => unique.slice(i * 3, i * 3 + 3));
      return ['vi-VN', 'en-GB'].flatMap((locale) =>
        chunks.map((chunk) => async () => {
          const found: string[] = [];
          const page = await visitor({ locale, width: 360 });
          await signIn(page, user);
          for (const path of chunk) {
            await page.goto(path);
            for (const width of [360, 1280]) {
              await page.setViewportSize({ width, height: 780 });
              // Legacy mode runs axe.run in the page; the default runs it per frame, then opens a blank page to
              // merge the results and injects axe there too: twice the work for pages without frames.
              const { violations } = await new AxeBuilder({ page })
                .setLegacyMode()
                .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
                .options({ resultTypes: ['violations'] })
                .analyze();
              for (const v of violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'))
                found.push(
                  `${path} ${locale} ${width}px: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
                );
              // Nothing wider than a phone: no sideways scrolling at 360 px.
              if (width === 360)
                expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(360);
            }
            await page.setViewportSize({ width: 360, height: 780 });
          }
          return found;
        }),
      );
    });
    expect((await inParallel(jobs, 4)).flat()).toEqual([]);
  }, 300_000);
});
