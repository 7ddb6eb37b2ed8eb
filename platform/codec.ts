import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { readOrCreatePrivateFile } from './files';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';

const ENCODING = 'binary/encrypted';
const KEY_ID_METADATA = 'encryption-key-id';
// @temporalio/proto is CommonJS: Node's ESM loader only offers it as a default export.
const { temporal } = proto;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Raised when a payload cannot be decrypted (unknown key id, tampered data). Never retried. */
export class PayloadDecryptionError extends Error {
  readonly type = 'PayloadDecryptionError';
  readonly retriable = false;
}

export interface EncryptionKeys {
  /** The key new payloads are encrypted with. */
  activeKeyId: string;
  /** Every key that may still be needed to decrypt older histories, by id. */
  keys: Record<string, Buffer>;
}

/**
 * Encrypts every Temporal payload with AES-256-GCM so citizens' personal data never sits in clear
 * text in Temporal's history. The key id travels in the payload metadata, so keys can be rotated:
 * new payloads use the active key, old histories decrypt with the key they name.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(private readonly keys: EncryptionKeys) {
    for (const [id, key] of Object.entries(keys.keys)) {
      if (key.length !== 32) throw new Error(`encryption key ${id} must be 32 bytes (AES-256), got ${key.length}`);
    }
    if (!keys.keys[keys.activeKeyId])
      throw new Error(`active encryption key ${keys.activeKeyId} is not among the configured keys`);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.keys.keys[this.keys.activeKeyId] as Buffer;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: new TextEncoder().encode(ENCODING),
          [KEY_ID_METADATA]: new TextEncoder().encode(this.keys.activeKeyId),
        },
        data: sealed,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || new TextDecoder().decode(encoding) !== ENCODING) return payload;
      const keyIdBytes = payload.metadata?.[KEY_ID_METADATA];
      const keyId = keyIdBytes ? new TextDecoder().decode(keyIdBytes) : '';
      const key = Object.hasOwn(this.keys.keys, keyId) ? this.keys.keys[keyId] : undefined;
      if (!key) throw new PayloadDecryptionError(`payload was encrypted with key "${keyId}", which is not configured`);
      const sealed = Buffer.from(payload.data ?? new Uint8Array());
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
        decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
        const plain = Buffer.concat([
          decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
          decipher.final(),
        ]);
        return temporal.api.common.v1.Payload.decode(plain);
      } catch {
        throw new PayloadDecryptionError(
          `payload encrypted with key "${keyId}" failed authentication (wrong key or tampered data)`,
        );
      }
    });
  }
}

/**
 * Parses `PAYLOAD_KEYS` ("id:base64,id2:base64"): 32-byte keys by id. The first is active unless
 * `activeKeyId` names another.
 */
export function parseEncryptionKeys(spec: string, activeKeyId?: string): EncryptionKeys {
  const keys: Record<string, Buffer> = {};
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const separator = part.indexOf(':');
    if (separator <= 0) throw new Error('each key must be written id:base64');
    keys[part.slice(0, separator)] = Buffer.from(part.slice(separator + 1), 'base64');
  }
  const first = Object.keys(keys)[0];
  if (!first) throw new Error('at least one key is required');
  return { activeKeyId: activeKeyId ?? first, keys };
}

/** A development key kept in a file under the data directory, generated on first use. */
export function developmentEncryptionKeys(file: string): EncryptionKeys {
  const spec = readOrCreatePrivateFile(file, () => `dev-1:${randomBytes(32).toString('base64')}\n`);
  return parseEncryptionKeys(spec.trim());
}

/** The payload codec every Temporal client, worker and replayer of this deployment must share. */
export function payloadCodecFor(config: {
  payloadKeys?: { spec: string; activeKeyId?: string };
  dataDir: string;
}): AesGcmPayloadCodec {
  const keys = config.payloadKeys
    ? parseEncryptionKeys(config.payloadKeys.spec, config.payloadKeys.activeKeyId)
    : developmentEncryptionKeys(join(config.dataDir, 'payload-keys'));
  return new AesGcmPayloadCodec(keys);
}
