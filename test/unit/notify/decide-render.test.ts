import { describe, expect, it } from 'vitest';
import { workingDaysCalendar } from '../../../contracts/calendar';
import type { DossierStatusChanged, StepView } from '../../../contracts/dossier-status';
import { recipientHint } from '../../../contracts/notifications';
import { catalogue } from '../../../contracts/procedures';
import { decideNotifications } from '../../../notify/decide';
import { asciiFold, formatVietnamTime, renderNotification, smsMaxLength } from '../../../notify/render';

const calendar = workingDaysCalendar();
const citizenKey = 'c-abcdefghijklmnopqrstuvwxyz';
const portal = 'https://dichvucong.example.vn/';

const step = (stepId: string, agency: StepView['agency'], status: StepView['status'], extra: Partial<StepView> = {}) =>
  ({ stepId, agency, status, attempts: 1, ...extra }) satisfies StepView;

const change = (status: DossierStatusChanged['status'], steps: StepView[], extra: Partial<DossierStatusChanged> = {}) =>
  ({
    dossierId: 'HS-20261130-UNIT01',
    procedure: 'birth-bundle',
    citizenKey,
    status,
    // Monday 30 November 2026, 10:00 in Vietnam: counted from that day.
    changedAt: '2026-11-30T03:00:00.000Z',
    steps,
    ...extra,
  }) satisfies DossierStatusChanged;

const askedForName = step('register-birth', 'civil-status', 'awaiting-citizen', {
  informationRequest: { fields: ['child.fullName'], message: 'the name is not legible' },
});

describe('decideNotifications', () => {
  it('tells of an information request with the 7-working-day deadline, 17:00 in Vietnam', () => {
    const [event, ...rest] = decideNotifications(change('additional-info-requested', [askedForName]), calendar);
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      kind: 'information-requested',
      changeKey: 'information-requested:register-birth:1',
      stepId: 'register-birth',
      fields: ['child.fullName'],
      citizenKey,
    });
    // Tue 1, Wed 2, Thu 3, Fri 4, Mon 7, Tue 8, Wed 9 December.
    expect(event?.answerBy).toBe('2026-12-09T10:00:00.000Z');
  });

  it('skips weekends and public holidays, and counts from the next working day after the 15:00 cut-off', () => {
    // Friday 28 August 2026, 16:00 local: counted from Monday 31; 1 and 2 September are holidays.
    const [event] = decideNotifications(
      change('additional-info-requested', [askedForName], { changedAt: '2026-08-28T09:00:00.000Z' }),
      calendar,
    );
    // Thu 3, Fri 4, Mon 7, Tue 8, Wed 9, Thu 10, Fri 11 September.
    expect(event?.answerBy).toBe('2026-09-11T10:00:00.000Z');
  });

  it('names a second request of the same step (a later attempt) as a new change', () => {
    const again = step('register-birth', 'civil-status', 'awaiting-citizen', { attempts: 2 });
    expect(decideNotifications(change('additional-info-requested', [again]), calendar)[0]?.changeKey).toBe(
      'information-requested:register-birth:2',
    );
  });

  it('tells of an overdue step once per step, whatever the attempt', () => {
    const late = (attempts: number) =>
      decideNotifications(
        change('processing', [
          step('register-birth', 'civil-status', 'completed'),
          step('register-residence', 'residence', 'overdue', { attempts, dueAt: '2026-12-02T10:00:00.000Z' }),
        ]),
        calendar,
      );
    expect(late(1)).toEqual([
      expect.objectContaining({
        kind: 'step-overdue',
        changeKey: 'step-overdue:register-residence',
        dueAt: '2026-12-02T10:00:00.000Z',
      }),
    ]);
    expect(late(3)[0]?.changeKey).toBe('step-overdue:register-residence');
  });

  it.each(['result-returned', 'partially-completed', 'rejected', 'not-accepted'] as const)(
    'tells that the dossier ended %s',
    (status) => {
      expect(
        decideNotifications(change(status, [step('register-birth', 'civil-status', 'completed')]), calendar),
      ).toEqual([expect.objectContaining({ kind: 'dossier-finished', changeKey: 'dossier-finished', status })]);
    },
  );

  it.each(['submitted', 'received', 'processing', 'processed', 'withdrawn'] as const)(
    'stays silent at %s',
    (status) => {
      expect(decideNotifications(change(status, [step('register-birth', 'civil-status', 'sent')]), calendar)).toEqual(
        [],
      );
    },
  );

  it('tells no one about a dossier that names no citizen', () => {
    expect(decideNotifications(change('rejected', [askedForName], { citizenKey: undefined }), calendar)).toEqual([]);
  });
});

describe('renderNotification', () => {
  const [requested] = decideNotifications(change('additional-info-requested', [askedForName]), calendar);

  it('writes the information request in Vietnamese from the catalogue, with the deadline and the link', () => {
    const message = renderNotification(requested!, 'vi', catalogue, portal);
    expect(message.email.subject).toBe('Cần bổ sung thông tin cho hồ sơ');
    expect(message.email.text).toContain('Đăng ký khai sinh');
    expect(message.email.text).toContain('Họ, chữ đệm và tên của trẻ');
    expect(message.email.text).toContain('09/12/2026 17:00');
    expect(message.email.text).toContain('https://dichvucong.example.vn/dossiers/HS-20261130-UNIT01');
    expect(message.email.html).toContain('<a href="https://dichvucong.example.vn/dossiers/HS-20261130-UNIT01">');
    expect(message.sms).toContain('Dang ky khai sinh');
    expect(message.sms).toContain('09/12/2026 17:00');
    expect(message.sms.endsWith(' https://dichvucong.example.vn/dossiers/HS-20261130-UNIT01')).toBe(true);
  });

  it('writes it in English for a citizen who reads English', () => {
    const message = renderNotification(requested!, 'en', catalogue, portal);
    expect(message.email.subject).toBe('Information needed for your dossier');
    expect(message.email.text).toContain("Child's full name");
    expect(message.email.text).toContain('Answer by (7 working days): 09/12/2026 17:00.');
    expect(message.sms).toMatch(/^Dossier HS-20261130-UNIT01: Information needed/);
  });

  it('keeps every SMS plain ASCII and within two segments, cutting the text but never the link', () => {
    const long = { ...requested!, dossierId: `HS-${'X'.repeat(120)}`, stepId: 'register-birth' };
    for (const lang of ['vi', 'en'] as const) {
      for (const event of [
        requested!,
        long,
        ...decideNotifications(change('partially-completed', []), calendar),
        ...decideNotifications(
          change('processing', [
            step('issue-health-insurance-card', 'social-insurance', 'overdue', { dueAt: '2026-12-01T10:00:00Z' }),
          ]),
          calendar,
        ),
      ]) {
        const { sms } = renderNotification(event, lang, catalogue, portal);
        expect(sms).toMatch(/^[\x20-\x7e]+$/);
        expect(sms.length).toBeLessThanOrEqual(smsMaxLength);
        expect(sms).toContain(`/dossiers/${event.dossierId}`);
      }
    }
  });

  it('names how a finished dossier ended with the catalogue status label', () => {
    const [ended] = decideNotifications(change('partially-completed', []), calendar);
    expect(renderNotification(ended!, 'vi', catalogue, portal).email.subject).toBe(
      'Hồ sơ đã có kết quả: Hoàn thành một phần',
    );
    expect(renderNotification(ended!, 'en', catalogue, portal).sms).toContain('Partly completed');
  });

  it('escapes what it puts in the HTML', () => {
    const odd = { ...requested!, stepId: '<script>alert(1)</script>' };
    const { html } = renderNotification(odd, 'en', catalogue, portal).email;
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });
});

describe('message helpers', () => {
  it('folds Vietnamese to ASCII', () => {
    expect(asciiFold('Đăng ký khai sinh – Ủy ban nhân dân')).toBe('Dang ky khai sinh - Uy ban nhan dan');
  });

  it('formats instants in Vietnam time', () => {
    expect(formatVietnamTime('2026-12-09T10:00:00.000Z')).toBe('09/12/2026 17:00');
  });

  it('hints at a recipient without showing it', () => {
    expect(recipientHint('sms', '+84912000001')).toBe('•••••0001');
    expect(recipientHint('email', 'lan@example.vn')).toBe('l••@example.vn');
  });
});
