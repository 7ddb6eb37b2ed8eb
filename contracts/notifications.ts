import { z } from 'zod';
import { DossierStatus } from './dossier-status';
import { EmailAddress, PhoneNumber } from './registry';

/** How a citizen is told: a text message to their phone, or an e-mail. */
export const notificationChannels = ['sms', 'email'] as const;
export const NotificationChannel = z.enum(notificationChannels);
export type NotificationChannel = z.infer<typeof NotificationChannel>;

/** What deserves a message: an information request (with its answer deadline), an overdue step, a finished dossier. */
export const notificationKinds = ['information-requested', 'step-overdue', 'dossier-finished'] as const;
export const NotificationKind = z.enum(notificationKinds);
export type NotificationKind = z.infer<typeof NotificationKind>;

/**
 * One thing to tell a citizen, decided from a status change. `changeKey` names it within its
 * dossier so that it is told once per channel however often the change is redelivered: a step's
 * information request per attempt, a step's first overdue, the dossier's end.
 */
export const NotificationEvent = z.strictObject({
  dossierId: z.string(),
  kind: NotificationKind,
  changeKey: z.string().min(1).max(200),
  citizenKey: z.string(),
  /** The step it is about (not for a finished dossier). */
  stepId: z.string().optional(),
  /** The dossier's status at the change: for a finished dossier, how it ended. */
  status: DossierStatus,
  /** The last moment to answer an information request (ISO, 17:00 in Vietnam on the 7th working day). */
  answerBy: z.string().optional(),
  /** The step's legal due time (an overdue step). */
  dueAt: z.string().optional(),
  /** Fields the agency asked for (an information request). */
  fields: z.array(z.string()).optional(),
});
export type NotificationEvent = z.infer<typeof NotificationEvent>;

/** Where a delivery stands: waiting (its first try or a retry), sent, failed for good, or nowhere to send it. */
export const deliveryStates = ['pending', 'sent', 'failed', 'no-recipient'] as const;
export const DeliveryState = z.enum(deliveryStates);
export type DeliveryState = z.infer<typeof DeliveryState>;

/**
 * The body the `sms-gateway` transport POSTs (JSON, `Authorization: Bearer <SMS_GATEWAY_TOKEN>`) to
 * SMS_GATEWAY_URL. `messageId` is stable across retries of the same delivery, so a gateway that
 * dedupes by it sends a text once; any 2xx answer counts as accepted (its JSON `id`, if any, is kept).
 */
export const SmsGatewayRequest = z.strictObject({
  messageId: z.string(),
  to: PhoneNumber,
  text: z.string().min(1).max(480),
  /** The sender name the gateway shows. */
  sender: z.string().max(11).optional(),
});
export type SmsGatewayRequest = z.infer<typeof SmsGatewayRequest>;

/** A message as the citizen's "Messages" page shows it: never the full phone number or address. */
export const DeliveredMessage = z.strictObject({
  dossierId: z.string(),
  kind: NotificationKind,
  channel: NotificationChannel,
  /** A hint of where it went, e.g. `•••••0001` or `l••@example.vn`. */
  recipientHint: z.string(),
  /** The language it was written in (the citizen's choice in the registry). */
  language: z.enum(['vi', 'en']),
  subject: z.string().nullable(),
  text: z.string(),
  state: DeliveryState,
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});
export type DeliveredMessage = z.infer<typeof DeliveredMessage>;

/** A recipient hint: enough for the citizen to recognise their number or address, not to learn it. */
export function recipientHint(channel: NotificationChannel, address: string): string {
  if (channel === 'sms') return `•••••${address.slice(-4)}`;
  const [local = '', domain = ''] = address.split('@');
  return `${local.slice(0, 1)}••@${domain}`;
}

/** E-mail and phone as the transports take them (validated again at the edge). */
export const Recipient = z.discriminatedUnion('channel', [
  z.strictObject({ channel: z.literal('sms'), address: PhoneNumber }),
  z.strictObject({ channel: z.literal('email'), address: EmailAddress }),
]);
export type Recipient = z.infer<typeof Recipient>;
