import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  deadLetterHeaders,
  decodeEvent,
  encodeEvent,
  InvalidMessageError,
  UnknownMessageTypeError,
} from '../../../platform/bus';
import { notedTopic as spec } from './noted-topic';

const toConsumed = (m: ReturnType<typeof encodeEvent>) => ({
  key: Buffer.from(String(m.key)),
  value: Buffer.from(String(m.value)),
  headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, Buffer.from(String(v))])),
});

describe('CloudEvents binary-mode envelope', () => {
  it('round-trips attributes and data', () => {
    const encoded = encodeEvent(spec, {
      type: 'Noted.v1',
      subject: 'HS-1',
      source: 'test',
      data: { n: 3 },
      id: 'e1',
      time: '2026-11-23T01:02:03.000Z',
    });
    expect(encoded.key).toBe('HS-1');
    expect(encoded.headers).toMatchObject({
      ce_id: 'e1',
      ce_type: 'Noted.v1',
      ce_specversion: '1.0',
      ce_subject: 'HS-1',
      'content-type': 'application/json',
    });
    expect(decodeEvent(spec, toConsumed(encoded))).toEqual({
      ok: true,
      event: {
        attributes: {
          id: 'e1',
          source: 'test',
          type: 'Noted.v1',
          specversion: '1.0',
          subject: 'HS-1',
          time: '2026-11-23T01:02:03.000Z',
          datacontenttype: 'application/json',
        },
        data: { n: 3 },
      },
    });
  });

  it('refuses to encode unknown types and invalid data', () => {
    expect(() => encodeEvent(spec, { type: 'Other.v1', subject: 'HS-1', source: 's', data: {} })).toThrow(
      UnknownMessageTypeError,
    );
    for (const type of ['constructor', 'toString', '__proto__', 'hasOwnProperty'])
      expect(() => encodeEvent(spec, { type, subject: 'HS-1', source: 's', data: {} })).toThrow(
        UnknownMessageTypeError,
      );
    expect(() => encodeEvent(spec, { type: 'Noted.v1', subject: 'HS-1', source: 's', data: { n: 'three' } })).toThrow(
      InvalidMessageError,
    );
  });

  it('names the reason when a consumed message does not fit', () => {
    const good = toConsumed(encodeEvent(spec, { type: 'Noted.v1', subject: 'HS-1', source: 's', data: { n: 1 } }));
    expect(decodeEvent(spec, { ...good, value: Buffer.from('{') })).toMatchObject({
      ok: false,
      reason: 'invalid-json',
    });
    expect(decodeEvent(spec, { ...good, value: Buffer.from('{"n":1.5}') })).toMatchObject({
      ok: false,
      reason: 'schema-mismatch',
    });
    expect(decodeEvent(spec, { ...good, key: Buffer.from('HS-2') })).toMatchObject({
      ok: false,
      reason: 'key-mismatch',
    });
    expect(decodeEvent(spec, { ...good, headers: { ...good.headers, ce_type: Buffer.from('Gone.v1') } })).toMatchObject(
      { ok: false, reason: 'unknown-type' },
    );
    expect(decodeEvent(spec, { ...good, headers: {} })).toMatchObject({ ok: false, reason: 'invalid-headers' });
  });

  it('never throws on arbitrary bytes and headers', () => {
    fc.assert(
      fc.property(fc.option(fc.uint8Array()), fc.dictionary(fc.string(), fc.string()), (value, headers) => {
        const result = decodeEvent(spec, {
          key: null,
          value: value ? Buffer.from(value) : null,
          headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])),
        });
        expect(typeof result.ok).toBe('boolean');
      }),
    );
  });
});

describe('consumer helpers', () => {
  it('backs off exponentially up to 5 s, under the consumer session timeout', () => {
    expect([1, 2, 3, 4].map((a) => backoffMs(a, 200))).toEqual([200, 400, 800, 1600]);
    expect(backoffMs(20, 200)).toBe(5_000);
  });

  it('keeps original headers and adds the dead-letter reasons', () => {
    const headers = deadLetterHeaders(
      { ce_id: 'e1' },
      {
        reason: 'invalid-json',
        error: 'x'.repeat(5000),
        topic: 't',
        partition: 2,
        offset: '41',
        groupId: 'g',
        at: new Date('2026-11-23T00:00:00Z'),
      },
    );
    expect(headers).toMatchObject({
      ce_id: 'e1',
      dlq_reason: 'invalid-json',
      dlq_original_topic: 't',
      dlq_original_partition: '2',
      dlq_original_offset: '41',
      dlq_consumer_group: 'g',
      dlq_time: '2026-11-23T00:00:00.000Z',
    });
    expect(String(headers.dlq_error)).toHaveLength(2000);
  });
});
