import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import {
  AesGcmPayloadCodec,
  developmentEncryptionKeys,
  parseEncryptionKeys,
  PayloadDecryptionError,
} from '../../../platform/codec';

const keyA = Buffer.alloc(32, 1);
const keyB = Buffer.alloc(32, 2);
const citizen = { fullName: 'Nguyễn Thị Mai', personalIdNumber: '001302012345' };

describe('AesGcmPayloadCodec', () => {
  it('round-trips payloads and leaves no personal data in the encoded bytes', async () => {
    const codec = new AesGcmPayloadCodec({ activeKeyId: 'a', keys: { a: keyA } });
    const payload = defaultPayloadConverter.toPayload(citizen);
    const [encoded] = await codec.encode([payload]);
    const bytes =
      Buffer.from(encoded?.data ?? []).toString('latin1') + Buffer.from(encoded?.data ?? []).toString('utf8');
    expect(bytes).not.toContain('001302012345');
    expect(bytes).not.toContain('Mai');
    expect(new TextDecoder().decode(encoded?.metadata?.['encryption-key-id'])).toBe('a');
    const [decoded] = await codec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(citizen);
  });

  it('uses a fresh IV per payload', async () => {
    const codec = new AesGcmPayloadCodec({ activeKeyId: 'a', keys: { a: keyA } });
    const payload = defaultPayloadConverter.toPayload(citizen);
    const [one, two] = await codec.encode([payload, payload]);
    expect(Buffer.from(one!.data!).equals(Buffer.from(two!.data!))).toBe(false);
  });

  it('decrypts histories written with a rotated-out key', async () => {
    const old = new AesGcmPayloadCodec({ activeKeyId: 'a', keys: { a: keyA } });
    const rotated = new AesGcmPayloadCodec({ activeKeyId: 'b', keys: { a: keyA, b: keyB } });
    const encoded = await old.encode([defaultPayloadConverter.toPayload(citizen)]);
    expect(defaultPayloadConverter.fromPayload((await rotated.decode(encoded))[0]!)).toEqual(citizen);
  });

  it('refuses tampered data and unknown keys with a clear error', async () => {
    const codec = new AesGcmPayloadCodec({ activeKeyId: 'a', keys: { a: keyA } });
    const [encoded] = await codec.encode([defaultPayloadConverter.toPayload(citizen)]);
    // One byte flipped (zeroing it would leave it alone once in 256 runs, when it was 0 already).
    const data = Buffer.from(encoded!.data!);
    data[20] = data[20]! ^ 0xff;
    const tampered = { ...encoded, data };
    await expect(codec.decode([tampered])).rejects.toBeInstanceOf(PayloadDecryptionError);
    const other = new AesGcmPayloadCodec({ activeKeyId: 'b', keys: { b: keyB } });
    await expect(other.decode([encoded!])).rejects.toThrow('encrypted with key "a", which is not configured');
  });

  it('passes unencrypted payloads through (histories from before encryption)', async () => {
    const codec = new AesGcmPayloadCodec({ activeKeyId: 'a', keys: { a: keyA } });
    const plain = defaultPayloadConverter.toPayload('hello');
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  it('rejects keys that are not 256 bits', () => {
    expect(() => new AesGcmPayloadCodec({ activeKeyId: 'a', keys: { a: Buffer.alloc(16) } })).toThrow(
      'must be 32 bytes',
    );
  });
});

describe('encryption keys', () => {
  it('parses id:base64 pairs, first active unless named', () => {
    const spec = `a:${keyA.toString('base64')},b:${keyB.toString('base64')}`;
    expect(parseEncryptionKeys(spec).activeKeyId).toBe('a');
    expect(parseEncryptionKeys(spec, 'b').activeKeyId).toBe('b');
  });

  it('generates a development key once and reuses it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'codec-')), 'payload-keys');
    const first = developmentEncryptionKeys(file);
    const again = developmentEncryptionKeys(file);
    expect(again).toEqual(first);
    expect(readFileSync(file, 'utf8')).toMatch(/^dev-1:[A-Za-z0-9+/]{43}=\n$/);
  });
});
