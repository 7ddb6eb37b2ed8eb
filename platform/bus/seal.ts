import { createCipheriv, createDecipheriv, randomBytes, sign, verify } from 'node:crypto';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { operationsService, type KafkaService } from '../../contracts/principals';
import type { TopicSpec } from '../../contracts/topics';
import { headerText } from './envelope';
import { MissingBusKeyError } from './errors';
import type { BusKeyring } from './keys';

/**
 * CloudEvents extension attributes (binary mode: `ce_*` headers) that make a message trustworthy
 * between agencies, as X-Road does: the producer encrypts the value with its topic's AES-256-GCM key
 * and signs the message with its own Ed25519 key.
 */
export const busSecurityHeaders = {
  /** Ed25519 signature (base64) over the topic, the key, every other `ce_*` header, `content-type` and the value. */
  signature: 'ce_signature',
  /** Id of the signing key, e.g. `civil-status/1`; the key, not a header, says which service signed. */
  signatureKeyId: 'ce_signaturekeyid',
  /** Id of the topic key the value is encrypted with, e.g. `agency.civil-status.events/1`. */
  dataKeyId: 'ce_datakeyid',
  /**
   * Extension point, not accepted yet: the dead letter an operator fixed, on a message the operations
   * service re-signed (see `isFixedDeadLetter`).
   */
  fixedDeadLetter: 'ce_fixeddeadletter',
} as const;

const IV_BYTES = 12;
const TAG_BYTES = 16;
const SIGNATURE_CONTEXT = Buffer.from('lienthong-bus-signature/1');

/** Headers the signature covers: every `ce_*` attribute (its own excepted) and the content type. dlq_* and redrive_count are not. */
const covered = (name: string) =>
  (name.startsWith('ce_') && name !== busSecurityHeaders.signature) || name === 'content-type';

const bytes = (value: string | Buffer | null | undefined) =>
  value === null || value === undefined ? Buffer.alloc(0) : typeof value === 'string' ? Buffer.from(value) : value;

/**
 * The bytes a signature covers, each part length-prefixed so no two messages share them: the topic
 * (a message moved to another topic fails), the key, the covered headers sorted by name, the value.
 */
export function signedBytes(
  topic: string,
  key: string | Buffer | null | undefined,
  headers: IHeaders,
  value: Buffer,
): Buffer {
  const parts: Buffer[] = [];
  const add = (part: Buffer) => {
    const length = Buffer.allocUnsafe(4);
    length.writeUInt32BE(part.length);
    parts.push(length, part);
  };
  add(SIGNATURE_CONTEXT);
  add(Buffer.from(topic));
  add(bytes(key));
  for (const name of Object.keys(headers).filter(covered).sort()) {
    const header = headers[name];
    const values = Array.isArray(header) ? header : [header];
    add(Buffer.from(name));
    for (const one of values) add(bytes(one));
  }
  add(value);
  return Buffer.concat(parts);
}

/** Encrypts a message's value with its topic's active key and signs it as the keyring's service. */
export function sealMessage(topic: string, message: Message, keyring: BusKeyring): Message {
  const topicKeys = keyring.topics.get(topic);
  if (!topicKeys)
    throw new MissingBusKeyError(
      `${keyring.service} holds no key of ${topic}: it is neither a producer nor a consumer`,
    );
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', topicKeys.keys.get(topicKeys.activeKeyId)!, iv);
  cipher.setAAD(Buffer.from(topic));
  const value = Buffer.concat([iv, cipher.update(bytes(message.value)), cipher.final(), cipher.getAuthTag()]);
  const headers: IHeaders = {
    ...message.headers,
    [busSecurityHeaders.dataKeyId]: topicKeys.activeKeyId,
    [busSecurityHeaders.signatureKeyId]: keyring.signing.keyId,
  };
  headers[busSecurityHeaders.signature] = sign(
    null,
    signedBytes(topic, message.key, headers, value),
    keyring.signing.privateKey,
  ).toString('base64');
  return { key: message.key, value, headers };
}

/** Why a consumed message was not opened: the dead-letter reason. */
export type OpenFailure = { reason: 'bad-signature' | 'undecryptable'; error: string };

/**
 * Extension point for dead letters that operators fix (issue 15): the operations service re-signs a
 * fixed message and names the dead letter in `ce_fixeddeadletter`; consumers are to accept that
 * signature only for a dead letter recorded as fixed, and the fix is audited. Dead letters are not
 * records yet, so nothing is recorded as fixed and every such message is refused as `bad-signature`.
 */
export type FixedDeadLetterCheck = (deadLetterId: string) => boolean;
export const isFixedDeadLetter: FixedDeadLetterCheck = () => false;

/**
 * Verifies a consumed message and decrypts its value: signed by a key the keyring knows, by a
 * service the topic names as a producer (an agency's result must come from that agency), over
 * exactly these bytes; then decrypted with the topic key it names. A redriven dead letter carries
 * its original bytes and covered headers, so its producer's signature still holds.
 */
export function openMessage(
  spec: TopicSpec,
  message: Pick<KafkaMessage, 'headers' | 'value' | 'key'>,
  keyring: BusKeyring,
  fixed: FixedDeadLetterCheck = isFixedDeadLetter,
): { ok: true; value: Buffer; signer: KafkaService } | ({ ok: false } & OpenFailure) {
  const headers = message.headers ?? {};
  const signature = headerText(headers, busSecurityHeaders.signature);
  const keyId = headerText(headers, busSecurityHeaders.signatureKeyId);
  if (!signature || !keyId) return { ok: false, reason: 'bad-signature', error: `unsigned message on ${spec.name}` };
  const signer = keyring.verifying.get(keyId);
  if (!signer) return { ok: false, reason: 'bad-signature', error: `signed with unknown key ${keyId}` };
  const fixOf = headerText(headers, busSecurityHeaders.fixedDeadLetter);
  if (fixOf !== undefined) {
    if (signer.service !== operationsService || !fixed(fixOf))
      return {
        ok: false,
        reason: 'bad-signature',
        error: `${signer.service} re-signed dead letter ${fixOf}, which is not recorded as fixed by an operator`,
      };
  } else if (!spec.producers.includes(signer.service)) {
    return {
      ok: false,
      reason: 'bad-signature',
      error: `signed by ${signer.service}, which may not publish on ${spec.name} (its producers: ${spec.producers.join(', ') || 'none'})`,
    };
  }
  const value = bytes(message.value);
  if (
    !verify(
      null,
      signedBytes(spec.name, message.key, headers, value),
      signer.publicKey,
      Buffer.from(signature, 'base64'),
    )
  )
    return { ok: false, reason: 'bad-signature', error: `signature of ${keyId} does not match the message` };
  const dataKeyId = headerText(headers, busSecurityHeaders.dataKeyId) ?? '';
  const key = keyring.topics.get(spec.name)?.keys.get(dataKeyId);
  if (!key)
    return {
      ok: false,
      reason: 'undecryptable',
      error: `${keyring.service} holds no key ${dataKeyId} of ${spec.name}`,
    };
  if (value.length < IV_BYTES + TAG_BYTES)
    return { ok: false, reason: 'undecryptable', error: 'value too short to be encrypted' };
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, value.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(spec.name));
    decipher.setAuthTag(value.subarray(value.length - TAG_BYTES));
    const plain = Buffer.concat([
      decipher.update(value.subarray(IV_BYTES, value.length - TAG_BYTES)),
      decipher.final(),
    ]);
    return { ok: true, value: plain, signer: signer.service };
  } catch {
    return { ok: false, reason: 'undecryptable', error: `value does not decrypt with ${dataKeyId}` };
  }
}
