import nodemailer from 'nodemailer';
import { SmsGatewayRequest, type NotificationChannel } from '../contracts/notifications';

/** One message handed to a transport. `deliveryId` is the same on every attempt of one delivery. */
export interface OutgoingMessage {
  deliveryId: string;
  channel: NotificationChannel;
  to: string;
  subject: string | null;
  text: string;
  html: string | null;
}

/** Where messages of a channel go: the local outbox, an SMTP server, an SMS gateway. */
export interface Transport {
  readonly name: 'outbox' | 'smtp' | 'sms-gateway';
  /** Resolves when the message was accepted; throws a {@link DeliveryError} (or anything) when not. */
  send(message: OutgoingMessage): Promise<{ providerId?: string }>;
  close?(): Promise<void>;
}

/** A transport's refusal; `permanent` ones (a bad address, a refused token) are not tried again. */
export class DeliveryError extends Error {
  readonly type = 'DeliveryError';
  constructor(
    message: string,
    readonly permanent: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'DeliveryError';
    this.retriable = !permanent;
  }
  readonly retriable: boolean;
}

/**
 * The local outbox: the delivery's row is the message (the citizen's "Messages" page reads it), so
 * sending is only accepting it. The default where no SMTP server or SMS gateway is configured.
 */
export function outboxTransport(): Transport {
  return { name: 'outbox', send: async () => ({ providerId: 'outbox' }) };
}

export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  user?: string;
  password?: string;
  /** The sender, e.g. `Cổng dịch vụ công <no-reply@dichvucong.example.vn>`. */
  from: string;
  /** Per connection and per command; an SMTP server that hangs is a failed attempt, not a stuck sender. */
  timeoutMs?: number;
}

/** E-mail through an SMTP server (nodemailer): what a deployment configures with SMTP_*. */
export function smtpTransport(settings: SmtpSettings): Transport {
  const timeout = settings.timeoutMs ?? 30_000;
  const mailer = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? '' } } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    name: 'smtp',
    async send(message) {
      try {
        const info = await mailer.sendMail({
          from: settings.from,
          to: message.to,
          subject: message.subject ?? '',
          text: message.text,
          ...(message.html ? { html: message.html } : {}),
          // The same id on every attempt: a receiving system can tell a retried message from a new one.
          messageId: `<${message.deliveryId.replace(/[^A-Za-z0-9.-]/g, '.')}@lienthong>`,
        });
        return { providerId: info.messageId };
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        // 5xx is the server's final word (unknown mailbox, refused sender); anything else may pass later.
        throw new DeliveryError(`smtp: ${(err as Error).message}`, code !== undefined && code >= 500, { cause: err });
      }
    },
    async close() {
      mailer.close();
    },
  };
}

export interface SmsGatewaySettings {
  url: string;
  token: string;
  sender?: string;
  timeoutMs?: number;
}

/**
 * Text messages through an SMS gateway's HTTP interface: `POST <url>` with
 * `Authorization: Bearer <token>`, `Idempotency-Key: <messageId>` and the JSON body
 * {@link SmsGatewayRequest}; any 2xx is accepted (a JSON `id` in the answer is kept).
 */
export function smsGatewayTransport(settings: SmsGatewaySettings): Transport {
  return {
    name: 'sms-gateway',
    async send(message) {
      const body = SmsGatewayRequest.parse({
        messageId: message.deliveryId,
        to: message.to,
        text: message.text,
        ...(settings.sender ? { sender: settings.sender } : {}),
      });
      let response: Response;
      try {
        response = await fetch(settings.url, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${settings.token}`,
            'content-type': 'application/json',
            'idempotency-key': body.messageId,
          },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(settings.timeoutMs ?? 15_000),
        });
      } catch (err) {
        throw new DeliveryError(`sms-gateway: could not be reached: ${(err as Error).message}`, false, { cause: err });
      }
      const answer = await response.text();
      if (!response.ok) {
        // A request the gateway refuses as such (bad number, bad token) will not pass later; overload and outages may.
        const permanent = response.status >= 400 && response.status < 500 && ![408, 425, 429].includes(response.status);
        throw new DeliveryError(`sms-gateway: answered ${response.status}: ${answer.slice(0, 200)}`, permanent);
      }
      let id: unknown;
      try {
        id = (JSON.parse(answer) as { id?: unknown }).id;
      } catch {
        id = undefined;
      }
      return typeof id === 'string' || typeof id === 'number' ? { providerId: String(id) } : {};
    },
  };
}
