import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkaAccess } from '../../../contracts/kafka-access';
import { eventTopic, notificationsTopic, topicSpec, topicSpecs } from '../../../contracts/topics';
import {
  busSecurityHeaders,
  deadLetterHeaders,
  decodeEvent,
  encodeEvent,
  loadBusKeyring,
  MissingBusKeyError,
  openMessage,
  rotateBusKey,
  sealBatch,
  sealMessage,
  topicKeyHolders,
  type BusKeyring,
} from '../../../platform/bus';
import { notedTopic } from './noted-topic';
import { redrivenHeaders } from '../../../ops/dead-letters/topic';

const spec = { ...notedTopic, name: 'noted', producers: ['orchestrator'], consumers: ['event-bridge'] } as const;
const newDir = () => mkdtempSync(join(tmpdir(), 'lienthong-seal-'));
const dir = newDir();
const keyring = (service: BusKeyring['service'], at = dir) =>
  loadBusKeyring({ dir: at, generate: true }, service, [...topicSpecs, spec]);
const producer = keyring('orchestrator');
const consumer = keyring('event-bridge');

const event = (n = 1) =>
  encodeEvent(spec, { type: 'Noted.v1', subject: 'HS-1', source: 'test', id: `e-${n}`, data: { n } });
/** A message as a consumer receives it: every header value a Buffer. */
const consumed = (m: Message): Pick<KafkaMessage, 'headers' | 'value' | 'key'> => ({
  key: Buffer.from(m.key as string),
  value: m.value as Buffer,
  headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, Buffer.from(String(v))])),
});
const withHeaders = (m: Pick<KafkaMessage, 'headers' | 'value' | 'key'>, headers: IHeaders) => ({
  ...m,
  headers: { ...m.headers, ...headers },
});

describe('signed and encrypted messages', () => {
  it('leave the producer encrypted and signed, and open for a consumer of the topic', () => {
    const sealed = sealMessage(spec.name, event(), producer);
    expect(String(sealed.value)).not.toContain('"n"');
    expect(sealed.headers).toMatchObject({
      [busSecurityHeaders.signatureKeyId]: 'orchestrator/1',
      [busSecurityHeaders.dataKeyId]: 'noted/1',
      ce_type: 'Noted.v1',
    });
    const opened = openMessage(spec, consumed(sealed), consumer);
    expect(opened).toMatchObject({ ok: true, signer: 'orchestrator' });
    const decoded = opened.ok && decodeEvent(spec, { ...consumed(sealed), value: opened.value });
    expect(decoded).toMatchObject({ ok: true, event: { data: { n: 1 }, attributes: { id: 'e-1' } } });
  });

  it('refuses unsigned, misattributed, forged and moved messages as bad-signature', () => {
    const unsigned = event();
    expect(openMessage(spec, consumed(unsigned), consumer)).toMatchObject({
      ok: false,
      reason: 'bad-signature',
      error: expect.stringContaining('unsigned'),
    });
    // Signed with a real key, but the event bridge does not publish on this topic.
    const misattributed = sealMessage(spec.name, event(), keyring('event-bridge'));
    expect(openMessage(spec, consumed(misattributed), consumer)).toMatchObject({
      reason: 'bad-signature',
      error: expect.stringContaining('signed by event-bridge, which may not publish on noted'),
    });
    const good = consumed(sealMessage(spec.name, event(), producer));
    const forgeries = {
      'another subject': withHeaders(good, { ce_subject: Buffer.from('HS-2') }),
      'another type': withHeaders(good, { ce_type: Buffer.from('Other.v1') }),
      'an added attribute': withHeaders(good, { ce_extra: Buffer.from('x') }),
      'another key': { ...good, key: Buffer.from('HS-2') },
      'a flipped value byte': { ...good, value: Buffer.from(good.value!.map((b, i) => (i === 20 ? b ^ 1 : b))) },
      'another key id': withHeaders(good, { [busSecurityHeaders.signatureKeyId]: Buffer.from('civil-status/1') }),
      'an unknown key id': withHeaders(good, { [busSecurityHeaders.signatureKeyId]: Buffer.from('nobody/1') }),
    };
    for (const [what, message] of Object.entries(forgeries))
      expect(openMessage(spec, message, consumer), what).toMatchObject({ ok: false, reason: 'bad-signature' });
    // The same bytes on another topic (with the same producers) do not verify: the topic is signed.
    expect(openMessage({ ...spec, name: 'elsewhere' }, good, consumer)).toMatchObject({ reason: 'bad-signature' });
  });

  it('still verifies a dead letter redriven with its stored bytes and headers, whatever dlq_* headers it gathered', () => {
    const original = consumed(sealMessage(spec.name, event(), producer));
    const dead = withHeaders(
      original,
      deadLetterHeaders(original.headers, {
        reason: 'handler-failed',
        error: 'outage',
        topic: spec.name,
        partition: 0,
        offset: '7',
        groupId: 'g',
        at: new Date(),
      }),
    );
    const redriven = { ...dead, headers: redrivenHeaders(redrivenHeaders(dead.headers!)) };
    expect(redriven.headers.redrive_count).toBe('2');
    expect(openMessage(spec, redriven, consumer)).toMatchObject({ ok: true, signer: 'orchestrator' });
  });

  it('accepts a fixed copy only when the operations principal signed it and it names a dead letter', () => {
    const deadLetterId = '4f6c1c0e-8a1b-4c36-9d55-0c2f3e0b7a11';
    const fix = (signer: BusKeyring, named: string | undefined) =>
      consumed(
        sealMessage(
          spec.name,
          {
            ...event(),
            headers: {
              ...event().headers,
              ...(named === undefined ? {} : { [busSecurityHeaders.fixedDeadLetter]: named }),
            },
          },
          // A test topic: give the signer its key to seal at all.
          { ...signer, topics: producer.topics },
        ),
      );
    const operations = keyring('operations');
    expect(openMessage(spec, fix(operations, deadLetterId), consumer)).toMatchObject({
      ok: true,
      signer: 'operations',
    });
    expect(openMessage(spec, fix(keyring('api'), deadLetterId), consumer)).toMatchObject({
      reason: 'bad-signature',
      error: expect.stringContaining('only operations signs fixed dead letters'),
    });
    expect(openMessage(spec, fix(operations, 'noted.dlq/0/7'), consumer)).toMatchObject({
      reason: 'bad-signature',
      error: expect.stringContaining('not a dead letter recorded as fixed'),
    });
    // Without naming a dead letter, operations is no producer of the topic.
    expect(openMessage(spec, fix(operations, undefined), consumer)).toMatchObject({
      reason: 'bad-signature',
      error: expect.stringContaining('which may not publish'),
    });
    expect(openMessage(spec, fix(operations, 'noted.dlq/0/7'), consumer, () => true)).toMatchObject({ ok: true });
  });

  it("keeps another agency's topic unreadable: a service holds only the keys of topics it writes or reads", () => {
    const civilStatusEvents = topicSpec(eventTopic('civil-status'));
    const result = encodeEvent(civilStatusEvents, {
      type: 'CaseCancelled.v1',
      subject: 'HS-1',
      source: 'lienthong/agency/civil-status',
      data: { dossierId: 'HS-1', stepId: 'register-birth', commandId: 'HS-1/register-birth/1', cancelsCommandId: 'x' },
    });
    const sealed = consumed(sealMessage(civilStatusEvents.name, result, keyring('civil-status')));
    expect(openMessage(civilStatusEvents, sealed, keyring('event-bridge'))).toMatchObject({ ok: true });
    const residence = keyring('residence');
    expect(residence.topics.has(civilStatusEvents.name)).toBe(false);
    expect(openMessage(civilStatusEvents, sealed, residence)).toMatchObject({
      ok: false,
      reason: 'undecryptable',
      error: expect.stringContaining('residence holds no key'),
    });
    expect(() => sealMessage(civilStatusEvents.name, result, residence)).toThrow(MissingBusKeyError);
    // The api (portal and operator tools) reads notifications only: dead letters it lists and redrives stay sealed.
    expect([...keyring('api').topics.keys()]).toEqual([notificationsTopic]);
  });

  it('gives each topic key only to services the ACLs let write or read that topic', () => {
    const access = kafkaAccess();
    for (const topic of topicSpecs)
      for (const holder of topicKeyHolders(topic))
        expect([...access[holder].read, ...access[holder].write], `${holder} on ${topic.name}`).toContain(topic.name);
  });

  it('keeps old keys verifiable and decryptable after a rotation', () => {
    const at = newDir();
    const before = consumed(sealMessage(spec.name, event(1), keyring('orchestrator', at)));
    expect(rotateBusKey(at, { service: 'orchestrator' })).toBe('orchestrator/2');
    expect(rotateBusKey(at, { topic: spec.name })).toBe('noted/2');
    const rotated = keyring('orchestrator', at);
    const after = sealMessage(spec.name, event(2), rotated);
    expect(after.headers).toMatchObject({
      [busSecurityHeaders.signatureKeyId]: 'orchestrator/2',
      [busSecurityHeaders.dataKeyId]: 'noted/2',
    });
    const reader = keyring('event-bridge', at);
    expect(openMessage(spec, before, reader)).toMatchObject({ ok: true });
    expect(openMessage(spec, consumed(after), reader)).toMatchObject({ ok: true });
  });

  it('keeps key files for their owner only (0600 in 0700 folders)', () => {
    for (const folder of ['signing', 'public', 'topics']) {
      expect(statSync(join(dir, folder)).mode & 0o777, folder).toBe(0o700);
      for (const file of readdirSync(join(dir, folder)))
        expect(statSync(join(dir, folder, file)).mode & 0o777, `${folder}/${file}`).toBe(0o600);
    }
  });
});

describe('batch signatures', () => {
  const batch = (n: number) =>
    sealBatch(
      spec.name,
      Array.from({ length: n }, (_, i) => event(i + 1)),
      producer,
    );

  it('sign a batch once, and each message of it verifies on its own', () => {
    for (const size of [1, 2, 3, 7, 64]) {
      const sealed = batch(size);
      expect(new Set(sealed.map((m) => m.headers?.[busSecurityHeaders.signature])).size).toBe(1);
      for (const message of sealed)
        expect(openMessage(spec, consumed(message), consumer), `${size}`).toMatchObject({ ok: true });
    }
    expect(batch(1)[0]!.headers).not.toHaveProperty(busSecurityHeaders.signatureChain);
  });

  it('refuses a message with another message’s path, with a path cut short, or with a forged sibling', () => {
    const [first, second, third] = batch(3).map(consumed);
    const chainOf = (m: typeof first) => m!.headers![busSecurityHeaders.signatureChain] as Buffer;
    const cases = {
      'the path of another message': withHeaders(first!, { [busSecurityHeaders.signatureChain]: chainOf(second) }),
      'a path cut short': withHeaders(third!, {
        [busSecurityHeaders.signatureChain]: Buffer.from(
          Buffer.from(chainOf(third).toString(), 'base64').subarray(0, 10).toString('base64'),
        ),
      }),
      'no path': {
        ...first!,
        headers: Object.fromEntries(
          Object.entries(first!.headers!).filter(([n]) => n !== busSecurityHeaders.signatureChain),
        ),
      },
      'a changed value': { ...second!, value: Buffer.from(second!.value!.map((b, i) => (i === 13 ? b ^ 1 : b))) },
    };
    for (const [what, message] of Object.entries(cases))
      expect(openMessage(spec, message, consumer), what).toMatchObject({ ok: false, reason: 'bad-signature' });
  });
});
