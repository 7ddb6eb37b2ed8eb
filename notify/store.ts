import type { Payload, PayloadCodec } from '@temporalio/common';
import protoModule from '@temporalio/proto';
import {
  DeliveredMessage,
  type DeliveryState,
  type NotificationChannel,
  type NotificationKind,
} from '../contracts/notifications';
import { inTransaction, type Pool } from '../platform/database';

const { temporal } = protoModule;

/** A message to deliver once: one row per dossier, change and channel. */
export interface NewDelivery {
  dossierId: string;
  changeKey: string;
  channel: NotificationChannel;
  kind: NotificationKind;
  citizenKey: string;
  lang: 'vi' | 'en';
  /** The phone number or e-mail address; null when the citizen gave none (the row says so). */
  recipient: string | null;
  recipientHint: string;
  subject: string | null;
  text: string;
  html: string | null;
  transport: string;
}

/** A row claimed for a delivery attempt, with its recipient opened. */
export interface DueDelivery {
  id: string;
  dossierId: string;
  changeKey: string;
  channel: NotificationChannel;
  kind: NotificationKind;
  recipient: string;
  recipientHint: string;
  subject: string | null;
  text: string;
  html: string | null;
  attempts: number;
}

/** A delivery as operators and tests read it: its state, attempts and last error, no recipient. */
export interface DeliveryRecord {
  dossierId: string;
  changeKey: string;
  channel: NotificationChannel;
  kind: NotificationKind;
  state: DeliveryState;
  attempts: number;
  lastError: string | null;
  transport: string;
  providerId: string | null;
  subject: string | null;
  text: string;
}

/** The advisory lock the table's migration holds (any constant unique in the platform database). */
const migrationLock = 0x6e6f7469;

/** How long a claimed row is left to its sender before another may try it (a sender that died mid-send). */
const claimLeaseSeconds = 120;

/**
 * The notifications service's table, `notify.deliveries` in the platform database: one row per
 * (dossier, change, channel), so a redelivered status change never makes a second message; each
 * row is also the delivery's state (pending → sent, or failed after its attempts, with the last
 * error), and with the `outbox` transport the row is the message the citizen reads. The recipient
 * is sealed with the payload codec; only a hint of it is in clear.
 */
export function createNotificationStore(pool: Pool, codec: PayloadCodec) {
  const seal = async (text: string): Promise<Buffer> => {
    const plain: Payload = {
      metadata: { encoding: new TextEncoder().encode('json/plain') },
      data: new TextEncoder().encode(JSON.stringify(text)),
    };
    const [sealed] = await codec.encode([plain]);
    return Buffer.from(temporal.api.common.v1.Payload.encode(sealed!).finish());
  };
  const open = async (bytes: Buffer): Promise<string> => {
    const [plain] = await codec.decode([temporal.api.common.v1.Payload.decode(bytes)]);
    return JSON.parse(new TextDecoder().decode(plain?.data ?? new Uint8Array())) as string;
  };

  return {
    async migrate(): Promise<void> {
      // Serialised: processes starting together would race on `create … if not exists` (a duplicate-key error).
      await inTransaction(pool, async (client) => {
        await client.query('select pg_advisory_xact_lock($1)', [migrationLock]);
        await client.query(`
        create schema if not exists notify;
        create table if not exists notify.deliveries (
          id bigserial primary key,
          dossier_id text not null,
          change_key text not null,
          channel text not null check (channel in ('sms', 'email')),
          kind text not null,
          citizen_key text not null,
          lang text not null,
          recipient bytea,
          recipient_hint text not null,
          subject text,
          body text not null,
          html text,
          transport text not null,
          state text not null check (state in ('pending', 'sent', 'failed', 'no-recipient')),
          attempts int not null default 0,
          last_error text,
          next_attempt_at timestamptz not null default now(),
          created_at timestamptz not null default now(),
          sent_at timestamptz,
          provider_id text,
          unique (dossier_id, change_key, channel)
        );
        create index if not exists deliveries_due on notify.deliveries (next_attempt_at) where state = 'pending';
        create index if not exists deliveries_by_citizen on notify.deliveries (citizen_key, created_at desc);
      `);
      });
    },

    /** The channels a change already has a row for: what a redelivery must not add again. */
    async channelsOf(dossierId: string, changeKey: string): Promise<Set<NotificationChannel>> {
      const { rows } = await pool.query<{ channel: NotificationChannel }>(
        'select channel from notify.deliveries where dossier_id = $1 and change_key = $2',
        [dossierId, changeKey],
      );
      return new Set(rows.map((r) => r.channel));
    },

    /** Adds deliveries; one that exists (same dossier, change and channel) is left as it is. Returns how many were new. */
    async add(deliveries: NewDelivery[]): Promise<number> {
      let added = 0;
      for (const d of deliveries) {
        const result = await pool.query(
          `insert into notify.deliveries (dossier_id, change_key, channel, kind, citizen_key, lang, recipient,
             recipient_hint, subject, body, html, transport, state)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
           on conflict (dossier_id, change_key, channel) do nothing`,
          [
            d.dossierId,
            d.changeKey,
            d.channel,
            d.kind,
            d.citizenKey,
            d.lang,
            d.recipient === null ? null : await seal(d.recipient),
            d.recipientHint,
            d.subject,
            d.text,
            d.html,
            d.transport,
            d.recipient === null ? 'no-recipient' : 'pending',
          ],
        );
        added += result.rowCount ?? 0;
      }
      return added;
    },

    /**
     * Claims pending rows that are due for these transports (skipping rows another sender holds) and
     * leases them for a while, so a sender that dies mid-send leaves them to be tried again, never
     * lost. A row keeps the transport it was made for: switching a channel's transport leaves the
     * rows made before to a sender of the old one.
     */
    async claimDue(limit: number, transports: Record<NotificationChannel, string>): Promise<DueDelivery[]> {
      const rows = await inTransaction(pool, async (client) => {
        const { rows } = await client.query<{
          id: string;
          dossier_id: string;
          change_key: string;
          channel: NotificationChannel;
          kind: NotificationKind;
          recipient: Buffer;
          recipient_hint: string;
          subject: string | null;
          body: string;
          html: string | null;
          attempts: number;
        }>(
          `select id, dossier_id, change_key, channel, kind, recipient, recipient_hint, subject, body, html, attempts
             from notify.deliveries where state = 'pending' and next_attempt_at <= now()
              and ((channel = 'sms' and transport = $2) or (channel = 'email' and transport = $3))
            order by next_attempt_at, id limit $1 for update skip locked`,
          [limit, transports.sms, transports.email],
        );
        if (rows.length > 0)
          await client.query(
            `update notify.deliveries set next_attempt_at = now() + make_interval(secs => $2) where id = any($1::bigint[])`,
            [rows.map((r) => r.id), claimLeaseSeconds],
          );
        return rows;
      });
      return Promise.all(
        rows.map(async (r) => ({
          id: r.id,
          dossierId: r.dossier_id,
          changeKey: r.change_key,
          channel: r.channel,
          kind: r.kind,
          recipient: await open(r.recipient),
          recipientHint: r.recipient_hint,
          subject: r.subject,
          text: r.body,
          html: r.html,
          attempts: r.attempts,
        })),
      );
    },

    async markSent(id: string, providerId: string | undefined): Promise<void> {
      await pool.query(
        `update notify.deliveries set state = 'sent', attempts = attempts + 1, sent_at = now(), provider_id = $2,
           last_error = null where id = $1 and state = 'pending'`,
        [id, providerId ?? null],
      );
    },

    /** Records a failed attempt: tried again after `retryInMs`, or failed for good (`retryInMs` undefined). */
    async markAttemptFailed(id: string, error: string, retryInMs: number | undefined): Promise<void> {
      await pool.query(
        `update notify.deliveries set attempts = attempts + 1, last_error = $2,
           state = case when $3::bigint is null then 'failed' else 'pending' end,
           next_attempt_at = now() + make_interval(secs => coalesce($3::bigint, 0) / 1000.0)
         where id = $1 and state = 'pending'`,
        [id, error.slice(0, 2000), retryInMs === undefined ? null : Math.round(retryInMs)],
      );
    },

    /** A citizen's messages, newest first (those that had somewhere to go). */
    async forCitizen(citizenKey: string, limit = 100): Promise<DeliveredMessage[]> {
      const { rows } = await pool.query<{
        dossier_id: string;
        kind: string;
        channel: string;
        recipient_hint: string;
        lang: string;
        subject: string | null;
        body: string;
        state: string;
        created_at: Date;
        sent_at: Date | null;
      }>(
        `select dossier_id, kind, channel, recipient_hint, lang, subject, body, state, created_at, sent_at
           from notify.deliveries where citizen_key = $1 and state <> 'no-recipient'
          order by created_at desc, id desc limit $2`,
        [citizenKey, limit],
      );
      return rows.map((r) =>
        DeliveredMessage.parse({
          dossierId: r.dossier_id,
          kind: r.kind,
          channel: r.channel,
          recipientHint: r.recipient_hint,
          language: r.lang,
          subject: r.subject,
          text: r.body,
          state: r.state,
          createdAt: r.created_at.toISOString(),
          sentAt: r.sent_at?.toISOString() ?? null,
        }),
      );
    },

    /** Every delivery of a dossier, oldest first (operators, tests). */
    async forDossier(dossierId: string): Promise<DeliveryRecord[]> {
      const { rows } = await pool.query<Record<string, unknown>>(
        `select dossier_id, change_key, channel, kind, state, attempts, last_error, transport, provider_id, subject, body
           from notify.deliveries where dossier_id = $1 order by id`,
        [dossierId],
      );
      return rows.map((r) => ({
        dossierId: r.dossier_id as string,
        changeKey: r.change_key as string,
        channel: r.channel as NotificationChannel,
        kind: r.kind as NotificationKind,
        state: r.state as DeliveryState,
        attempts: r.attempts as number,
        lastError: r.last_error as string | null,
        transport: r.transport as string,
        providerId: r.provider_id as string | null,
        subject: r.subject as string | null,
        text: r.body as string,
      }));
    },

    /** Deliveries by channel and state: the `lienthong_notifications_total` metric. */
    async counts(): Promise<{ channel: NotificationChannel; state: DeliveryState; count: number }[]> {
      const { rows } = await pool.query<{ channel: NotificationChannel; state: DeliveryState; count: number }>(
        'select channel, state, count(*)::int as count from notify.deliveries group by channel, state',
      );
      return rows;
    },
  };
}

export type NotificationStore = ReturnType<typeof createNotificationStore>;
