import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startThrowAwaySystem } from '../bench/system';
import { createLogger } from '../platform/logger';
import { launchChromium } from '../test/support/browser';
import { publishPoisonBirthResult } from '../test/support/poison';

/**
 * `npm run screenshots`: the main page of each role, phone-sized, in Vietnamese, written to
 * docs/screenshots/ for the README. Runs the whole system on throw-away servers (civil-status on
 * the manual policy, so a worker has a task), with the browser the tests find. While the task
 * waits, a poison result from civil status is dead-lettered: the operator's overview lists the
 * dossier as stuck, and the dead letter's page shows it.
 */
const out = resolve('docs/screenshots');
const log = createLogger({ level: 'info', format: 'json' }, { process: 'screenshots' });

const daysAgo = (days: number) => {
  const d = new Date(Date.now() - days * 86_400_000);
  return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
};

async function signedIn(browser: Browser, base: string, user: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: base, locale: 'vi-VN', viewport: { width: 360, height: 780 } });
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.check(`input[name="user"][value="${user}"]`);
  await page.click('main button[type="submit"]');
  await page.waitForLoadState();
  return page;
}

async function shoot(page: Page, name: string): Promise<void> {
  const path = `${out}/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  log.info({ path }, 'screenshot written');
}

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true });
  const system = await startThrowAwaySystem(log, { AGENCY_POLICY_CIVIL_STATUS: 'manual' });
  const { browser } = await launchChromium();
  try {
    const citizen = await signedIn(browser, system.url, 'citizen-lan');
    await citizen.goto('/apply/birth-bundle');
    await citizen.fill('#f-child-fullName', 'Trần Minh An');
    await citizen.check('#f-child-sex');
    await citizen.fill('#f-child-birthDate', daysAgo(3));
    await citizen.selectOption('#f-child-birthPlace-provinceCode', '001');
    await citizen.selectOption('#f-child-birthPlace-commune', 'Phường Hoàn Kiếm');
    await citizen.fill('#f-child-birthPlace-street', 'Bệnh viện Phụ sản Hà Nội, 929 La Thành');
    await citizen.fill('#f-birthCertificateReference', `GCS-SCREENSHOT-${Date.now()}`);
    await citizen.check('#f-residence-parentConfirmed');
    await citizen.click('button[data-prevent-double-click]');
    await citizen.waitForURL(/\/dossiers\/HS-/);
    const dossierId = citizen.url().split('/dossiers/')[1]!.split('?')[0]!;

    const worker = await signedIn(browser, system.url, 'worker-civil-status');
    for (let tries = 0; !(await worker.textContent('main'))?.includes(dossierId); tries++) {
      if (tries > 60) throw new Error('the task never reached the inbox');
      await new Promise((done) => setTimeout(done, 500));
      await worker.goto('/tasks');
    }
    await shoot(worker, 'worker-inbox');
    await worker.click(`.task-card:has-text("${dossierId}") a`);
    await worker.click('#claim');
    await worker.waitForURL(/done=claimed/);
    await shoot(worker, 'worker-task');

    const civilStatus = system.as('civil-status');
    await publishPoisonBirthResult(civilStatus.kafka, civilStatus.keyring, dossierId);
    const operator = await signedIn(browser, system.url, 'operator');
    for (let tries = 0; !(await operator.textContent('#operator-live'))?.includes(dossierId); tries++) {
      if (tries > 60) throw new Error('the poisoned dossier never reached the stuck list');
      await new Promise((done) => setTimeout(done, 1_000));
      await operator.goto('/operator');
    }
    await shoot(operator, 'operator-overview');
    await operator.goto(`/operator/dead-letters?dossierId=${dossierId}`);
    await operator.click('table.dead-letters a[href^="/operator/dead-letters/"]');
    await operator.waitForURL(/\/operator\/dead-letters\/[0-9a-f-]{36}$/);
    await shoot(operator, 'operator-dead-letter');
    await worker.click('#approve');
    await worker.waitForURL(/done=approve/);

    await citizen.waitForFunction(() => document.querySelectorAll('#dossier-live .tag-completed').length === 3, null, {
      timeout: 60_000,
    });
    await shoot(citizen, 'citizen-dossier');
    await citizen.goto('/');
    await shoot(citizen, 'citizen-home');
  } finally {
    await browser.close();
    await system.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
