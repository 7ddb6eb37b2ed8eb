import { dossierStatusLabels } from '../contracts/procedures/labels';
import type { Catalogue, Labels } from '../contracts/procedures';
import type { NotificationEvent } from '../contracts/notifications';
import { messageWords as words } from './words';

export type MessageLanguage = 'vi' | 'en';

/** A message rendered for both channels in the citizen's language. */
export interface RenderedMessage {
  sms: string;
  email: { subject: string; text: string; html: string };
}

/**
 * Two concatenated GSM-7 segments (153 characters each): an SMS longer than this is cut (it is
 * billed per segment, and a third part often arrives out of order on older phones).
 */
export const smsMaxLength = 306;

const vietnam = 'Asia/Ho_Chi_Minh';
const dateTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: vietnam,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** An instant as dd/mm/yyyy HH:mm in Vietnam's time, the way both languages read it here. */
export function formatVietnamTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return dateTime.format(date).replace(',', '');
}

/**
 * Text without diacritics, in plain ASCII: an SMS in GSM-7 (160 characters a segment) rather than
 * UCS-2 (70), and readable on every phone; Vietnamese readers are used to unaccented texts.
 */
export function asciiFold(text: string): string {
  return text
    .replaceAll('đ', 'd')
    .replaceAll('Đ', 'D')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[–—]/g, '-')
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/[^\x20-\x7e]/g, '?');
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A label the catalogue no longer knows (a retired step): its id. */
const unlisted = (id: string): Labels => ({ vi: id, en: id });

/**
 * Renders what to tell the citizen, from the catalogue's labels and the messages' own words: a
 * short ASCII SMS and an e-mail (subject, text, simple HTML) with the dossier's link.
 */
export function renderNotification(
  event: NotificationEvent,
  lang: MessageLanguage,
  catalogue: Catalogue,
  portalUrl: string,
): RenderedMessage {
  const say = (labels: Labels) => labels[lang];
  const link = new URL(`/dossiers/${encodeURIComponent(event.dossierId)}`, portalUrl).toString();
  const service = event.stepId ? catalogue.service(event.stepId) : undefined;
  const stepLabel = event.stepId ? say(service?.label ?? unlisted(event.stepId)) : '';
  const dossierLine = `${say(words.dossier)} ${event.dossierId}`;

  let subject: string;
  let lines: string[];
  let sms: string;
  switch (event.kind) {
    case 'information-requested': {
      const fields = (event.fields ?? []).map((field) => say(service?.informationFields[field] ?? unlisted(field)));
      const answerBy = event.answerBy ? formatVietnamTime(event.answerBy) : '';
      subject = say(words.informationSubject);
      lines = [
        `${say(words.informationLead)}: ${stepLabel}.`,
        ...(fields.length > 0 ? [`${say(words.informationFields)}: ${fields.join(', ')}.`] : []),
        `${say(words.answerBy)}: ${answerBy}.`,
        say(words.answerWarning),
      ];
      sms = `${dossierLine}: ${say(words.informationSubject)} (${stepLabel}). ${say(words.answerByShort)}: ${answerBy}.`;
      break;
    }
    case 'step-overdue': {
      const due = event.dueAt ? formatVietnamTime(event.dueAt) : '';
      subject = say(words.overdueSubject);
      lines = [
        `${say(words.overdueLead)} ${stepLabel}.`,
        ...(due ? [`${say(words.overdueDue)}: ${due}.`] : []),
        say(words.overdueReassure),
      ];
      sms = `${dossierLine}: ${stepLabel} ${say(words.overdueShort)}${due ? ` (${due})` : ''}.`;
      break;
    }
    case 'dossier-finished': {
      const ended = say(dossierStatusLabels[event.status]);
      subject = `${say(words.finishedSubject)}: ${ended}`;
      lines = [`${say(words.finishedLead)} ${ended}.`, say(words.finishedSeeResults)];
      sms = `${dossierLine}: ${ended}. ${say(words.finishedSeeResults)}`;
      break;
    }
  }
  const text = [dossierLine, '', ...lines, '', `${say(words.open)}: ${link}`, '', say(words.signature)].join('\n');
  const html = [
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>`,
    `<p><strong>${escapeHtml(dossierLine)}</strong></p>`,
    ...lines.map((line) => `<p>${escapeHtml(line)}</p>`),
    `<p><a href="${escapeHtml(link)}">${escapeHtml(say(words.open))}</a></p>`,
    `<p><small>${escapeHtml(say(words.signature))}</small></p>`,
    '</body></html>',
  ].join('\n');
  return { sms: fitSms(asciiFold(sms), link), email: { subject, text, html } };
}

/** The SMS with its link, cut (never the link) to `smsMaxLength`. */
function fitSms(body: string, link: string): string {
  const room = smsMaxLength - link.length - 1;
  const cut = body.length <= room ? body : `${body.slice(0, Math.max(0, room - 3))}...`;
  return `${cut} ${link}`;
}
