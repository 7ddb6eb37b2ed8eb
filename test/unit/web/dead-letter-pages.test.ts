import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BirthRegistered } from '../../../contracts/agency-messages/civil-status';
import { DeadLetterRefusal, type DeadLetterOperations } from '../../../ops/dead-letters/service';
import type { DeadLetterRecord } from '../../../ops/dead-letters/store';
import { fakeApi, lanDossier } from './fake-api';

/**
 * The dead-letter pages over the fake api and an in-memory dead-letter module: what operators and
 * auditors see, the forms' errors in the reader's language, the dry run before a redrive. The real
 * stack and a real browser are test/integration/operator-pages.test.ts.
 */
const id = '6f1c1f9e-2d7a-4f7e-9a51-1d2b3c4d5e6f';
const letter: DeadLetterRecord = {
  deadLetterId: id,
  state: 'open',
  topic: 'agency.civil-status.events',
  partition: 0,
  offset: '7',
  consumerGroup: 'lienthong-event-bridge',
  key: lanDossier,
  eventId: 'evt-1',
  eventType: 'BirthRegistered.v1',
  dossierId: lanDossier,
  stepId: 'register-birth',
  attempt: 1,
  reason: 'schema-mismatch',
  error: '✖ must be a 12-digit personal ID number\n  → at childPersonalIdNumber',
  firstSeenAt: '2026-11-23T08:00:00.000Z',
  lastSeenAt: '2026-11-23T08:00:00.000Z',
  timesSeen: 1,
  redrivenFrom: null,
  closedAt: null,
  closedBy: null,
  closeReason: null,
  fix: null,
};
const data = {
  dossierId: lanDossier,
  stepId: 'register-birth',
  commandId: `${lanDossier}/register-birth/1`,
  birthCertificateNumber: '001/2026/KS-424242',
  childPersonalIdNumber: 'not-a-number',
  registeredAt: '2026-11-23T08:00:00.000Z',
};
const calls: string[] = [];
const deadLetters = {
  list: async () => [letter],
  counts: async () => ({ open: 1, redriven: 2, discarded: 0 }),
  describe: async (deadLetterId: string) => {
    if (deadLetterId !== id) throw new DeadLetterRefusal('not-found', 'no such dead letter');
    return { ...letter, headers: { ce_type: 'BirthRegistered.v1', dlq_reason: 'schema-mismatch' } };
  },
  show: async (deadLetterId: string, reader: { subject: string }) => {
    calls.push(`show ${deadLetterId} by ${reader.subject}`);
    return { ...letter, signedBy: 'civil-status', attributes: {}, data };
  },
  fix: async (deadLetterId: string, payload: unknown, actor: { reason: string }) => {
    const parsed = BirthRegistered.safeParse(payload);
    if (!parsed.success) throw new DeadLetterRefusal('invalid-fix', 'does not fit', [], parsed.error.issues);
    calls.push(`fix ${deadLetterId}: ${actor.reason}`);
    return letter;
  },
  redrivePreview: async () => ({
    state: 'open' as const,
    obsolete: { kind: 'step-decided' as const, stepId: 'register-birth', status: 'completed' as const },
  }),
  redriveOne: async (deadLetterId: string, options: { force: boolean }) => {
    calls.push(`redrive ${deadLetterId} force=${options.force}`);
    return {} as never;
  },
  discard: async (deadLetterId: string, actor: { reason: string }) => {
    calls.push(`discard ${deadLetterId}: ${actor.reason}`);
    return letter;
  },
} as unknown as DeadLetterOperations;

let api: Awaited<ReturnType<typeof fakeApi>>;
beforeAll(async () => {
  api = await fakeApi({ deadLetters });
});
afterAll(async () => api.app.close());

function browser() {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const remember = (setCookie: string | string[] | undefined) => {
    for (const line of [setCookie ?? []].flat()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      if (value.join('=') === '') jar.delete(name!);
      else jar.set(name!, value.join('='));
    }
  };
  return {
    async get(url: string) {
      const response = await api.app.inject({ method: 'GET', url, headers: { cookie: cookie() } });
      remember(response.headers['set-cookie']);
      return response;
    },
    async post(url: string, form: Record<string, string>) {
      const response = await api.app.inject({
        method: 'POST',
        url,
        headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(form).toString(),
      });
      remember(response.headers['set-cookie']);
      return response;
    },
  };
}
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
async function signedIn(user: string) {
  const b = browser();
  const page = await b.get('/sign-in');
  expect((await b.post('/sign-in', { _csrf: csrfOf(page.body), user })).statusCode).toBe(303);
  return b;
}

describe('the dead-letter pages', () => {
  it('list dead letters with counts per state, filters kept in the links', async () => {
    const b = await signedIn('auditor');
    const page = await b.get(`/operator/dead-letters?dossierId=${lanDossier}&lang=en`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('schema-mismatch');
    expect(page.body).toContain(`href="/operator/dead-letters/${id}"`);
    expect(page.body).toContain(`/operator/dead-letters?dossierId=${lanDossier}&amp;state=redriven`);
    expect(page.body).toMatch(/<span class="status-count">2<\/span> Redriven/);
    expect((await b.get('/operator/dead-letters?topic=nope')).statusCode).toBe(422);
  });

  it("show an auditor a dead letter's reason and headers, never its data or forms, and refuse an auditor's action", async () => {
    calls.length = 0;
    const b = await signedIn('auditor');
    const page = await b.get(`/operator/dead-letters/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('dlq_reason');
    expect(page.body).not.toContain('not-a-number');
    expect(page.body).not.toContain('id="dead-letter-forms"');
    expect(calls).toEqual([]);
    const forged = await b.post(`/operator/dead-letters/${id}/discard`, {
      _csrf: csrfOf(page.body),
      'discard.reason': 'forged by an auditor',
    });
    expect(forged.statusCode).toBe(403);
    expect(calls).toEqual([]);
    expect((await b.get('/operator/dead-letters/not-an-id')).statusCode).toBe(404);
  });

  it("show an operator the data (an audited read) and a fix's problems next to the field, in Vietnamese", async () => {
    calls.length = 0;
    const b = await signedIn('operator');
    const page = await b.get(`/operator/dead-letters/${id}`);
    expect(page.body).toContain('not-a-number');
    expect(calls).toEqual([`show ${id} by operator`]);
    const csrf = csrfOf(page.body);
    const badJson = await b.post(`/operator/dead-letters/${id}/fix`, {
      _csrf: csrf,
      'fix.payload': '{ nope',
      'fix.reason': 'sửa số định danh',
    });
    expect(badJson.statusCode).toBe(422);
    expect(badJson.body).toContain('Không phải JSON hợp lệ');
    const invalid = await b.post(`/operator/dead-letters/${id}/fix`, {
      _csrf: csrf,
      'fix.payload': JSON.stringify(data),
      'fix.reason': 'ok',
    });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.body).toContain('Nhập lý do, ít nhất 3 ký tự');
    const wrong = await b.post(`/operator/dead-letters/${id}/fix`, {
      _csrf: csrf,
      'fix.payload': JSON.stringify(data),
      'fix.reason': 'sửa số định danh',
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toContain('id="f-fix-payload-childPersonalIdNumber"');
    expect(wrong.body).toContain('Sai định dạng');
    const fixed = await b.post(`/operator/dead-letters/${id}/fix`, {
      _csrf: csrf,
      'fix.payload': JSON.stringify({ ...data, childPersonalIdNumber: '001226424242' }),
      'fix.reason': 'sửa số định danh',
    });
    expect(fixed.statusCode).toBe(303);
    expect(fixed.headers.location).toBe(`/operator/dead-letters/${id}?done=fix`);
    expect(calls).toContain(`fix ${id}: sửa số định danh`);
  });

  it('run a dry run before a redrive, warn of an obsolete one, and send it only when forced and confirmed', async () => {
    calls.length = 0;
    const b = await signedIn('operator');
    const csrf = csrfOf((await b.get(`/operator/dead-letters?lang=en`)).body);
    const dry = await b.post(`/operator/dead-letters/${id}/redrive`, { _csrf: csrf, 'redrive.reason': 'bridge fixed' });
    expect(dry.statusCode).toBe(200);
    expect(dry.body).toContain('This dead letter is obsolete');
    expect(dry.body).not.toContain('name="confirm"');
    const forced = await b.post(`/operator/dead-letters/${id}/redrive`, {
      _csrf: csrf,
      'redrive.reason': 'bridge fixed',
      'redrive.force': 'yes',
    });
    expect(forced.body).toContain('name="confirm"');
    expect(calls).toEqual([]);
    const sent = await b.post(`/operator/dead-letters/${id}/redrive`, {
      _csrf: csrfOf(forced.body),
      'redrive.reason': 'bridge fixed',
      'redrive.force': 'yes',
      confirm: 'yes',
    });
    expect(sent.statusCode).toBe(303);
    expect(calls).toEqual([`redrive ${id} force=true`]);
  });

  it('link dead letters from the overview, live with JavaScript and a refresh link without', async () => {
    const b = await signedIn('operator');
    const overview = await b.get('/operator');
    expect(overview.body).toContain('data-events="/operator/events"');
    expect(overview.body).toContain('href="/operator/dead-letters?state=open"');
    expect(overview.body).toMatch(/class="hint no-js-only">[^<]*<a href="\/operator">/);
    const dossier = await b.get(`/operator/dossiers/${lanDossier}`);
    expect(dossier.body).toContain(`href="/operator/dead-letters/${id}"`);
  });
});
