import AxeBuilder from '@axe-core/playwright';
import { randomBytes, randomUUID } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dueAt, workingDaysCalendar } from '../../contracts/calendar';
import { demoPeople } from '../../contracts/demo-citizens';
import { orchestratorTaskQueue } from '../../contracts/dossier-workflow';
import type { DossierStatusView } from '../../contracts/dossier-status';
import { catalogue, type DossierInput } from '../../contracts/procedures';
import { rules } from '../../contracts/rules';
import { notificationsTopic } from '../../contracts/topics';
import { sealMessage } from '../../platform/bus';
import { createPool, type Pool } from '../../platform/database';
import { listDeadLetters } from '../../ops/dead-letters/topic';
import { testKeyring } from '../support/bus-keys';
import { createLogger } from '../../platform/logger';
import { formatVietnamTime } from '../../notify/render';
import { createSender } from '../../notify/sender';
import { createNotificationStore } from '../../notify/store';
import { outboxTransport, smtpTransport } from '../../notify/transports';
import { statusQuery, supplyInformationUpdate } from '../../workflows/messages';
import { birthInput } from '../fixtures/dossiers';
import { launchChromium } from '../support/browser';
import { startPortal } from '../support/portal';
import { testCitizenKey } from '../support/registry-fixtures';
import { startSmtpSink } from '../support/smtp-sink';
import { startSystem } from '../support/system';
import { testDataConverter } from '../support/workflow-env';

/**
 * The notifications service on the real stack: a dossier asks its citizen for information and
 * completes; the citizen is told once per change and channel, however often the changes are read.
 */
const endpoints = inject('endpoints');
const log = createLogger({ level: 'warn', format: 'json' });
let system: Awaited<ReturnType<typeof startSystem>>;
let portal: Awaited<ReturnType<typeof startPortal>>;
let pool: Pool;
let browser: Browser | undefined;
const lan = demoPeople.lan;

beforeAll(async () => {
  system = await startSystem(endpoints, log);
  pool = createPool(endpoints.postgres.url);
  portal = await startPortal(system, endpoints, pool, log, {
    context: {
      messages: {
        forCitizen: (personalIdNumber, limit) =>
          system.notificationStore.forCitizen(testCitizenKey(personalIdNumber), limit),
        counts: () => system.notificationStore.counts(),
      },
    },
  });
});

afterAll(async () => {
  await browser?.close();
  await portal?.close();
  await system?.stop();
  await pool?.end();
});

/** Starts a dossier as the api would, naming its citizen by the pseudonymous key the registry's contacts use. */
async function submit(input: DossierInput) {
  const dossierId = `HS-20261130-${randomBytes(5).toString('hex').toUpperCase()}`;
  const handle = await system.client.workflow.start(catalogue.procedureOf(input).workflowType, {
    taskQueue: orchestratorTaskQueue,
    workflowId: dossierId,
    args: [{ dossierId, input, citizenKey: testCitizenKey(input.applicant.personalIdNumber) }],
  });
  return { dossierId, handle };
}

/** Waits until a consumer group has committed every message of the notifications topic (it read them all). */
async function caughtUp(groupId: string) {
  const admin = system.kafka.admin();
  await admin.connect();
  try {
    await expect
      .poll(
        async () => {
          const ends = await admin.fetchTopicOffsets(notificationsTopic);
          const [committed] = await admin.fetchOffsets({ groupId, topics: [notificationsTopic] });
          return ends.every((end) => {
            const offset = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
            return Number(end.high) === 0 || Number(offset) >= Number(end.high);
          });
        },
        { timeout: 90_000, interval: 500 },
      )
      .toBe(true);
  } finally {
    await admin.disconnect();
  }
}

const notificationReads = async (dossierId: string) =>
  (await system.registry.service.dataAccess(lan.personalId)).filter(
    (read) => read.dossierId === dossierId && read.purpose === 'notification',
  );

describe('the notifications service', () => {
  let dossierId = '';

  it('dead-letters a status change it cannot read, naming the field, and goes on', async () => {
    const producer = system.kafkaOf('orchestrator').producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const id = `bad-${randomUUID()}`;
    const badDossier = `HS-BAD-${randomBytes(4).toString('hex').toUpperCase()}`;
    try {
      await producer.send({
        topic: notificationsTopic,
        messages: [
          sealMessage(
            notificationsTopic,
            {
              key: badDossier,
              value: JSON.stringify({ dossierId: badDossier, procedure: 'birth-bundle', status: 'lost', steps: [] }),
              headers: {
                ce_id: id,
                ce_source: 'test',
                ce_type: 'DossierStatusChanged.v1',
                ce_specversion: '1.0',
                ce_subject: badDossier,
                ce_time: new Date().toISOString(),
                'content-type': 'application/json',
              },
            },
            testKeyring('orchestrator'),
          ),
        ],
      });
    } finally {
      await producer.disconnect();
    }
    let dead: Awaited<ReturnType<typeof listDeadLetters>>[number] | undefined;
    await expect
      .poll(async () => (dead = (await listDeadLetters(system.kafka, notificationsTopic)).find((d) => d.id === id)), {
        timeout: 30_000,
        interval: 500,
      })
      .toBeDefined();
    expect(dead!.reason).toBe('schema-mismatch');
    expect(dead!.error).toMatch(/status/);
    expect(dead!.error).toMatch(/changedAt/);
    expect(await system.notificationStore.forDossier(badDossier)).toEqual([]);
  });

  it('tells the citizen of an information request (with the 7-working-day deadline) and of the result, once per channel', async () => {
    const input = birthInput(14);
    // The father lives at the mother's address without owning it: the residence agency asks for the consents.
    input.residence = { ...input.residence, parent: 'father', householdHeadConsent: false, ownerConsent: false };
    const before = new Date();
    const submitted = await submit(input);
    dossierId = submitted.dossierId;
    const { handle } = submitted;
    const residence = async () =>
      (await handle.query(statusQuery)).steps.find((s) => s.stepId === 'register-residence');
    await expect.poll(async () => (await residence())?.status, { timeout: 60_000 }).toBe('awaiting-citizen');
    const after = new Date();

    const kept = () => system.notificationStore.forDossier(dossierId);
    await expect
      .poll(async () => (await kept()).map((d) => [d.changeKey, d.channel, d.state]), { timeout: 30_000 })
      .toEqual([
        ['information-requested:register-residence:1', 'sms', 'sent'],
        ['information-requested:register-residence:1', 'email', 'sent'],
      ]);
    const [sms, email] = await kept();
    // The deadline is the workflow's: 7 working days from the request, 17:00 in Vietnam.
    const deadlines = [before, after].map((at) =>
      formatVietnamTime(dueAt(at, rules.informationAnswerWorkingDays.value, workingDaysCalendar()).toISOString()),
    );
    expect(deadlines.some((deadline) => email!.text.includes(`Hạn bổ sung (7 ngày làm việc): ${deadline}.`))).toBe(
      true,
    );
    expect(deadlines.some((deadline) => sms!.text.includes(deadline))).toBe(true);
    expect(email).toMatchObject({ subject: 'Cần bổ sung thông tin cho hồ sơ', transport: 'outbox', attempts: 1 });
    expect(email!.text).toContain('Ý kiến đồng ý của chủ hộ');
    expect(sms!.text).toMatch(/^[\x20-\x7e]+$/);
    expect(sms!.text).toContain(`/dossiers/${dossierId}`);

    // The service goes down and comes back in its group: nothing is told twice.
    await system.restartNotifications();
    await handle.executeUpdate(supplyInformationUpdate, {
      args: [
        {
          stepId: 'register-residence',
          fields: { 'residence.householdHeadConsent': 'có', 'residence.ownerConsent': 'true' },
        },
      ],
    });
    const view: DossierStatusView = await handle.result();
    expect(view.status).toBe('result-returned');
    await expect
      .poll(async () => (await kept()).map((d) => [d.changeKey, d.channel, d.state]), { timeout: 30_000 })
      .toEqual([
        ['information-requested:register-residence:1', 'sms', 'sent'],
        ['information-requested:register-residence:1', 'email', 'sent'],
        ['dossier-finished', 'sms', 'sent'],
        ['dossier-finished', 'email', 'sent'],
      ]);
    const finished = (await kept()).find((d) => d.changeKey === 'dossier-finished' && d.channel === 'email');
    expect(finished?.subject).toBe('Hồ sơ đã có kết quả: Đã trả kết quả');

    // Each read of Lan's contact details is in her data-access log, for this dossier.
    const reads = await notificationReads(dossierId);
    expect(reads.length).toBeGreaterThanOrEqual(2);
    expect(reads[0]).toMatchObject({ holder: 'registry', organisation: 'notifications', actor: 'notifications' });

    // Every change read again from the start of the topic, by a group that has seen none of them.
    const rereader = `lienthong-notifications-reread-${randomBytes(4).toString('hex')}`;
    await system.restartNotifications(rereader);
    await caughtUp(rereader);
    expect((await kept()).map((d) => [d.changeKey, d.channel])).toEqual([
      ['information-requested:register-residence:1', 'sms'],
      ['information-requested:register-residence:1', 'email'],
      ['dossier-finished', 'sms'],
      ['dossier-finished', 'email'],
    ]);
    // A redelivery finds the messages kept and reads no contact details again.
    expect(await notificationReads(dossierId)).toHaveLength(reads.length);
    await system.restartNotifications();
  }, 240_000);

  it('shows the citizen the messages on a page, newest first, in both languages, with JavaScript off; axe finds nothing serious', async () => {
    expect(dossierId).not.toBe('');
    ({ browser } = await launchChromium());
    const context = await browser.newContext({
      baseURL: portal.url,
      javaScriptEnabled: false,
      locale: 'vi-VN',
      viewport: { width: 360, height: 780 },
    });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      await page.goto('/sign-in');
      await page.check('input[name="user"][value="citizen-lan"]');
      await page.click('main button[type="submit"]');
      await page.waitForURL(`${portal.url}/`);
      await page.click('a[href="/messages"]');
      await page.waitForURL(`${portal.url}/messages`);
      expect(await page.textContent('h1')).toBe('Thông báo');
      const items = await page.$$eval('.message', (nodes) =>
        nodes.map((node) => ({
          text: node.textContent ?? '',
          link: node.querySelector('a[href^="/dossiers/"]')?.getAttribute('href'),
        })),
      );
      const ours = items.filter((item) => item.link === `/dossiers/${dossierId}`);
      expect(ours).toHaveLength(4);
      // Newest first: the result before the request, each on both channels.
      expect(ours[0]!.text).toMatch(/Hồ sơ đã có kết quả|Da tra ket qua/);
      expect(ours[3]!.text).toMatch(/Cần bổ sung thông tin|can bo sung|Can bo sung/);
      expect(ours.filter((item) => item.text.includes('SMS'))).toHaveLength(2);
      expect(ours.filter((item) => item.text.includes('Thư điện tử'))).toHaveLength(2);
      expect(ours.some((item) => item.text.includes('•••••0001'))).toBe(true);
      expect(ours.some((item) => item.text.includes('l••@example.vn'))).toBe(true);
      expect(items.map((item) => item.text).join('\n')).not.toContain(lan.personalId);
      expect(items.map((item) => item.text).join('\n')).not.toContain('+84912000001');

      // axe runs as a script in the page: a browser with JavaScript on, the same page.
      const scanning = await browser.newContext({
        baseURL: portal.url,
        locale: 'vi-VN',
        viewport: { width: 360, height: 780 },
      });
      const scan = await scanning.newPage();
      scan.setDefaultTimeout(30_000);
      await scan.goto('/sign-in');
      await scan.check('input[name="user"][value="citizen-lan"]');
      await scan.click('main button[type="submit"]');
      await scan.waitForURL(`${portal.url}/`);
      const found: string[] = [];
      try {
        for (const lang of ['vi', 'en'] as const) {
          await scan.goto(`/messages?lang=${lang}`);
          if (lang === 'en') expect(await scan.textContent('h1')).toBe('Messages');
          for (const width of [360, 1280]) {
            await scan.setViewportSize({ width, height: 780 });
            // Legacy mode runs axe.run in the page; the default runs it per frame, then opens a blank page to
            // merge the results and injects axe there too: twice the work for pages without frames.
            const { violations } = await new AxeBuilder({ page: scan })
              .setLegacyMode()
              .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
              .options({ resultTypes: ['violations'] })
              .analyze();
            for (const v of violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'))
              found.push(`/messages ${lang} ${width}px: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
            if (width === 360)
              expect(await scan.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
          }
        }
      } finally {
        await scanning.close();
      }
      expect(found).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);

  it('counts deliveries by channel and outcome on /metrics', async () => {
    const metrics = await (await fetch(`${portal.url}/metrics`)).text();
    expect(metrics).toMatch(/^lienthong_notifications_total\{channel="email",outcome="sent"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^lienthong_notifications_total\{channel="sms",outcome="failed"\} \d+$/m);
  });
});

describe('delivery through SMTP', () => {
  it('sends a kept e-mail to an SMTP server, retrying with backoff, and records a refused one as failed', async () => {
    const sink = await startSmtpSink({ answers: ['451 4.3.0 mailbox busy, try later'] });
    const store = createNotificationStore(pool, testDataConverter.payloadCodecs[0]!);
    const smtp = smtpTransport({
      host: '127.0.0.1',
      port: sink.port,
      secure: false,
      user: 'lienthong',
      password: 'secret',
      from: 'Cổng dịch vụ công <no-reply@example.vn>',
    });
    const sender = createSender({
      store,
      transports: { email: smtp, sms: outboxTransport() },
      log,
      initialBackoffMs: 200,
      maxAttempts: 3,
    });
    try {
      const dossierId = `HS-SMTP-${randomBytes(5).toString('hex').toUpperCase()}`;
      const row = (changeKey: string, recipient: string) => ({
        dossierId,
        changeKey,
        channel: 'email' as const,
        kind: 'dossier-finished' as const,
        citizenKey: testCitizenKey(lan.personalId),
        lang: 'vi' as const,
        recipient,
        recipientHint: 'l••@example.vn',
        subject: 'Hồ sơ đã có kết quả: Đã trả kết quả',
        text: `Hồ sơ ${dossierId}\n\nXem hồ sơ: http://127.0.0.1:8080/dossiers/${dossierId}`,
        html: `<p>Hồ sơ ${dossierId}</p>`,
        transport: 'smtp',
      });
      expect(await store.add([row('dossier-finished', 'lan@example.vn')])).toBe(1);
      // The same change again (a redelivery) adds nothing.
      expect(await store.add([row('dossier-finished', 'lan@example.vn')])).toBe(0);

      // First attempt: the server says try later; the row waits, with its attempts and the error.
      await expect.poll(() => sender.deliverDue(), { timeout: 10_000 }).toBeGreaterThan(0);
      expect((await store.forDossier(dossierId))[0]).toMatchObject({
        state: 'pending',
        attempts: 1,
        lastError: expect.stringContaining('451'),
      });
      // After the backoff the mail goes through.
      await expect
        .poll(
          async () => {
            await sender.deliverDue();
            return (await store.forDossier(dossierId))[0]?.state;
          },
          { timeout: 15_000, interval: 100 },
        )
        .toBe('sent');
      expect((await store.forDossier(dossierId))[0]).toMatchObject({
        attempts: 2,
        lastError: null,
        providerId: `<${dossierId}.dossier-finished.email@lienthong>`,
      });
      expect(sink.received).toHaveLength(1);
      expect(sink.received[0]).toMatchObject({
        to: ['lan@example.vn'],
        user: 'lienthong',
        from: 'no-reply@example.vn',
      });
      expect(sink.received[0]!.data).toContain(dossierId);

      // A mailbox the server refuses for good: failed at once, visible, the address kept out of the error.
      await store.add([row('information-requested:x:1', 'nobody@example.vn')]);
      const refusing = await startSmtpSink({ answers: ['550 5.1.1 <nobody@example.vn>: no such user'] });
      try {
        const refused = createSender({
          store,
          transports: {
            email: smtpTransport({
              host: '127.0.0.1',
              port: refusing.port,
              secure: false,
              from: 'no-reply@example.vn',
            }),
            sms: outboxTransport(),
          },
          log,
        });
        await expect.poll(() => refused.deliverDue(), { timeout: 10_000 }).toBeGreaterThan(0);
      } finally {
        await refusing.close();
      }
      const failed = (await store.forDossier(dossierId)).find((d) => d.changeKey === 'information-requested:x:1');
      expect(failed).toMatchObject({ state: 'failed', attempts: 1, lastError: expect.stringContaining('550') });
      expect(failed?.lastError).not.toContain('nobody@example.vn');
    } finally {
      await smtp.close?.();
      await sink.close();
    }
  }, 60_000);
});
