import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A message the sink accepted, as it came over the wire. */
export interface ReceivedMail {
  from: string;
  to: string[];
  /** The user that authenticated (AUTH PLAIN or LOGIN), if any. */
  user?: string;
  /** The raw message (headers and body), dot-unstuffed. */
  data: string;
}

/**
 * A real SMTP server on 127.0.0.1 (RFC 5321: EHLO, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA, RSET, NOOP,
 * QUIT) that keeps what it is sent: nodemailer talks to it exactly as to a mail relay. `answers`
 * queues replies to DATA (e.g. a 451 to make an attempt fail); once empty, every message is accepted.
 */
export async function startSmtpSink(options: { answers?: string[] } = {}) {
  const received: ReceivedMail[] = [];
  const answers = [...(options.answers ?? [])];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setEncoding('utf8');
    let buffer = '';
    let mode: 'command' | 'data' | 'auth-user' | 'auth-pass' = 'command';
    let mail: Partial<ReceivedMail> & { to: string[] } = { to: [] };
    let user: string | undefined;
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 sink.localhost ESMTP test sink');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (;;) {
        if (mode === 'data') {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end === -1) return;
          const data = buffer.slice(0, end).replace(/\r\n\.\./g, '\r\n.');
          buffer = buffer.slice(end + 5);
          mode = 'command';
          const answer = answers.shift() ?? '250 2.0.0 queued as sink-' + (received.length + 1);
          if (answer.startsWith('250')) received.push({ from: mail.from ?? '', to: mail.to, user, data });
          reply(answer);
          mail = { to: [] };
          continue;
        }
        const newline = buffer.indexOf('\r\n');
        if (newline === -1) return;
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        if (mode === 'auth-user') {
          user = Buffer.from(line, 'base64').toString();
          mode = 'auth-pass';
          reply('334 UGFzc3dvcmQ6');
          continue;
        }
        if (mode === 'auth-pass') {
          mode = 'command';
          reply('235 2.7.0 Authentication successful');
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') reply('250-sink.localhost\r\n250-AUTH PLAIN LOGIN\r\n250-8BITMIME\r\n250 SMTPUTF8');
        else if (verb === 'HELO') reply('250 sink.localhost');
        else if (verb === 'AUTH') {
          const [, method, initial] = line.split(' ');
          if (method?.toUpperCase() === 'PLAIN' && initial) {
            user = Buffer.from(initial, 'base64').toString().split('\0')[1];
            reply('235 2.7.0 Authentication successful');
          } else if (method?.toUpperCase() === 'LOGIN') {
            mode = 'auth-user';
            reply('334 VXNlcm5hbWU6');
          } else reply('504 5.5.4 unrecognised authentication type');
        } else if (verb === 'MAIL') {
          mail.from = /<([^>]*)>/.exec(line)?.[1] ?? '';
          reply('250 2.1.0 OK');
        } else if (verb === 'RCPT') {
          mail.to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
          reply('250 2.1.5 OK');
        } else if (verb === 'DATA') {
          mode = 'data';
          reply('354 End data with <CR><LF>.<CR><LF>');
        } else if (verb === 'RSET') {
          mail = { to: [] };
          reply('250 2.0.0 OK');
        } else if (verb === 'NOOP') reply('250 2.0.0 OK');
        else if (verb === 'QUIT') {
          reply('221 2.0.0 Bye');
          socket.end();
          return;
        } else reply('502 5.5.2 command not recognised');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
