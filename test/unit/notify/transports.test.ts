import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../platform/config';
import { deliveryBackoffMs, redactedError } from '../../../notify/sender';
import type { DeliveryError } from '../../../notify/transports';
import { outboxTransport, smsGatewayTransport, smtpTransport } from '../../../notify/transports';
import { startSmtpSink } from '../../support/smtp-sink';
import { transportsFor } from '../../../services/notifications';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const message = {
  deliveryId: 'HS-1/information-requested:register-birth:1/sms',
  channel: 'sms' as const,
  to: '+84912000001',
  subject: null,
  text: 'Ho so HS-1: can bo sung thong tin',
  html: null,
};

const servers: { close(): void }[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

/** A local SMS gateway that answers each request with the next status and records what it got. */
async function gateway(statuses: number[]) {
  const received: { headers: IncomingHttpHeaders; body: unknown }[] = [];
  const server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      received.push({ headers: request.headers, body: JSON.parse(text) });
      const status = statuses.shift() ?? 200;
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(status < 300 ? { id: `gw-${received.length}` } : { error: 'no' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`, received };
}

describe('sms-gateway transport', () => {
  it('posts the documented JSON body with the bearer token and an idempotency key', async () => {
    const gw = await gateway([202]);
    const sms = smsGatewayTransport({ url: gw.url, token: 'gateway-token-0123456789', sender: 'LIENTHONG' });
    await expect(sms.send(message)).resolves.toEqual({ providerId: 'gw-1' });
    expect(gw.received[0]?.headers.authorization).toBe('Bearer gateway-token-0123456789');
    expect(gw.received[0]?.headers['idempotency-key']).toBe(message.deliveryId);
    expect(gw.received[0]?.body).toEqual({
      messageId: message.deliveryId,
      to: '+84912000001',
      text: message.text,
      sender: 'LIENTHONG',
    });
  });

  it('says whether a refusal is worth trying again', async () => {
    const gw = await gateway([503, 429, 400, 401]);
    const sms = smsGatewayTransport({ url: gw.url, token: 'gateway-token-0123456789' });
    const refusal = () =>
      sms.send(message).then(
        () => undefined,
        (err: DeliveryError) => err,
      );
    expect(await refusal()).toMatchObject({ permanent: false, message: expect.stringContaining('answered 503') });
    expect(await refusal()).toMatchObject({ permanent: false });
    expect(await refusal()).toMatchObject({ permanent: true });
    expect(await refusal()).toMatchObject({ permanent: true });
  });

  it('takes an unreachable gateway as a failure to try again', async () => {
    const sms = smsGatewayTransport({ url: 'http://127.0.0.1:9/send', token: 'gateway-token-0123456789' });
    await expect(sms.send(message)).rejects.toMatchObject({ name: 'DeliveryError', permanent: false });
  });
});

describe('smtp transport', () => {
  const mail = {
    ...message,
    deliveryId: 'HS-2/dossier-finished/email',
    channel: 'email' as const,
    to: 'lan@example.vn',
    subject: 'Hồ sơ đã có kết quả: Đã trả kết quả',
    text: 'Hồ sơ HS-2\n\nXem hồ sơ: http://127.0.0.1:8080/dossiers/HS-2',
    html: '<p>Hồ sơ HS-2</p>',
  };

  it('delivers to an SMTP server, authenticated, with a message id stable across attempts', async () => {
    const sink = await startSmtpSink();
    servers.push({ close: () => void sink.close() });
    const smtp = smtpTransport({
      host: '127.0.0.1',
      port: sink.port,
      secure: false,
      user: 'lienthong',
      password: 'secret',
      from: 'Cổng dịch vụ công <no-reply@example.vn>',
    });
    const { providerId } = await smtp.send(mail);
    await smtp.close?.();
    expect(providerId).toBe('<HS-2.dossier-finished.email@lienthong>');
    expect(sink.received).toHaveLength(1);
    const [received] = sink.received;
    expect(received).toMatchObject({ from: 'no-reply@example.vn', to: ['lan@example.vn'], user: 'lienthong' });
    expect(received?.data).toMatch(/^Message-ID: <HS-2\.dossier-finished\.email@lienthong>$/m);
    expect(received?.data).toMatch(/^Subject: =\?UTF-8\?/m);
    expect(received?.data).toContain('multipart/alternative');
  });

  it('takes a 4xx as worth trying again and a 5xx as final', async () => {
    const sink = await startSmtpSink({ answers: ['451 4.3.0 try later', '550 5.1.1 <lan@example.vn>: no such user'] });
    servers.push({ close: () => void sink.close() });
    const smtp = smtpTransport({ host: '127.0.0.1', port: sink.port, secure: false, from: 'no-reply@example.vn' });
    const refusal = () =>
      smtp.send(mail).then(
        () => undefined,
        (err: DeliveryError) => err,
      );
    expect(await refusal()).toMatchObject({ name: 'DeliveryError', permanent: false });
    expect(await refusal()).toMatchObject({ name: 'DeliveryError', permanent: true });
    await smtp.close?.();
    expect(sink.received).toEqual([]);
  });
});

describe('delivery helpers', () => {
  it('accepts into the outbox at once', async () => {
    await expect(outboxTransport().send(message)).resolves.toEqual({ providerId: 'outbox' });
  });

  it('backs off exponentially up to a ceiling', () => {
    expect([1, 2, 3, 4, 10].map((a) => deliveryBackoffMs(a, 1_000, 5_000))).toEqual([
      1_000, 2_000, 4_000, 5_000, 5_000,
    ]);
  });

  it('keeps the recipient out of the stored error', () => {
    expect(redactedError('550 <lan@example.vn>: mailbox unknown', 'lan@example.vn', 'l••@example.vn')).toBe(
      '550 <l••@example.vn>: mailbox unknown',
    );
  });
});

describe('notification config', () => {
  it('delivers to the local outbox by default', () => {
    const config = loadConfig({});
    expect(config.notifications).toEqual({
      email: { transport: 'outbox' },
      sms: { transport: 'outbox' },
      portalUrl: 'http://127.0.0.1:8080/',
      maxAttempts: 10,
    });
    const transports = transportsFor(config.notifications);
    expect([transports.email.name, transports.sms.name]).toEqual(['outbox', 'outbox']);
  });

  it('reads an SMTP server and an SMS gateway', () => {
    const config = loadConfig({
      NOTIFY_EMAIL_TRANSPORT: 'smtp',
      SMTP_HOST: 'smtp.example.vn',
      SMTP_PORT: '465',
      SMTP_SECURE: 'true',
      SMTP_USER: 'lienthong',
      SMTP_PASSWORD: 'secret',
      SMTP_FROM: 'Cổng dịch vụ công <no-reply@example.vn>',
      NOTIFY_SMS_TRANSPORT: 'sms-gateway',
      SMS_GATEWAY_URL: 'https://sms.example.vn/v1/messages',
      SMS_GATEWAY_TOKEN: 'gateway-token-0123456789',
      NOTIFY_PORTAL_URL: 'https://dichvucong.example.vn/',
    });
    expect(config.notifications.email).toEqual({
      transport: 'smtp',
      smtp: {
        host: 'smtp.example.vn',
        port: 465,
        secure: true,
        user: 'lienthong',
        password: 'secret',
        from: 'Cổng dịch vụ công <no-reply@example.vn>',
      },
    });
    expect(config.notifications.sms).toEqual({
      transport: 'sms-gateway',
      gateway: { url: 'https://sms.example.vn/v1/messages', token: 'gateway-token-0123456789', sender: undefined },
    });
    const transports = transportsFor(config.notifications);
    expect([transports.email.name, transports.sms.name]).toEqual(['smtp', 'sms-gateway']);
  });

  it('names each variable a transport is missing', () => {
    expect(problemsOf({ NOTIFY_EMAIL_TRANSPORT: 'smtp', NOTIFY_SMS_TRANSPORT: 'sms-gateway' })).toEqual([
      "NOTIFY_PORTAL_URL: is required when messages leave by smtp or sms-gateway (each message links to the citizen's dossier; the default is this machine's api address)",
      'SMTP_HOST: is required when NOTIFY_EMAIL_TRANSPORT=smtp',
      'SMTP_FROM: is required when NOTIFY_EMAIL_TRANSPORT=smtp',
      'SMS_GATEWAY_URL: is required when NOTIFY_SMS_TRANSPORT=sms-gateway',
      'SMS_GATEWAY_TOKEN: is required when NOTIFY_SMS_TRANSPORT=sms-gateway',
    ]);
    expect(problemsOf({ SMTP_USER: 'someone' })).toEqual([
      'SMTP_PASSWORD: must be set together with SMTP_USER (SMTP authentication needs both)',
    ]);
  });

  it('names a bad value and the rule', () => {
    const problems = problemsOf({
      NOTIFY_EMAIL_TRANSPORT: 'pigeon',
      SMTP_PORT: '99999',
      SMTP_FROM: 'not an address',
      SMS_GATEWAY_URL: 'ftp://sms',
      SMS_GATEWAY_TOKEN: 'short',
      NOTIFY_MAX_ATTEMPTS: '0',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^NOTIFY_EMAIL_TRANSPORT: must be outbox or smtp/),
      expect.stringMatching(/^NOTIFY_MAX_ATTEMPTS: must be at least 1/),
      expect.stringMatching(/^SMTP_PORT: must be from 1 to 65535/),
      expect.stringMatching(/^SMTP_FROM: must be an address/),
      expect.stringMatching(/^SMS_GATEWAY_URL: must be an http\(s\) URL/),
      expect.stringMatching(/^SMS_GATEWAY_TOKEN: must be at least 16 characters/),
    ]);
  });
});
