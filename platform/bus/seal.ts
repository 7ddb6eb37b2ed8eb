import { createCipheriv, createDecipheriv, createHash, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import * as nodeCrypto from 'node:crypto';
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
  /**
   * Ed25519 signature (base64) of the root of a hash tree over the messages of the batch it was
   * published in; a message's leaf hashes the topic, the key, every other `ce_*` header (the chain
   * excepted), `content-type` and the encrypted value.
   */
  signature: 'ce_signature',
  /** The message's path to that root (absent for a batch of one): as X-Road's batch signatures, one signature per batch. */
  signatureChain: 'ce_signaturechain',
  /** Id of the signing key, e.g. `civil-status/1`; the key, not a header, says which service signed. */
  signatureKeyId: 'ce_signaturekeyid',
  /** Id of the topic key the value is encrypted with, e.g. `agency.civil-status.events/1`. */
  dataKeyId: 'ce_datakeyid',
  /** The dead letter an operator fixed, on a message the operations service re-signed (see `isFixedDeadLetter`). */
  fixedDeadLetter: 'ce_fixeddeadletter',
} as const;

const IV_BYTES = 12;
const TAG_BYTES = 16;
const SIGNATURE_CONTEXT = Buffer.from('lienthong-bus-signature/1');
const ROOT_CONTEXT = Buffer.from('lienthong-bus-batch-root/1');
const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);
const HASH_BYTES = 32;

/**
 * Headers the signature covers: every `ce_*` attribute (the signature and its chain excepted) and
 * the content type. dlq_* and redrive_count are not.
 */
const covered = (name: string) =>
  (name.startsWith('ce_') && name !== busSecurityHeaders.signature && name !== busSecurityHeaders.signatureChain) ||
  name === 'content-type';

const bytes = (value: string | Buffer | null | undefined) =>
  value === null || value === undefined ? Buffer.alloc(0) : typeof value === 'string' ? Buffer.from(value) : value;

/**
 * A message's leaf in its batch's hash tree: SHA-256 over what the signature covers, each part
 * length-prefixed so no two messages share it: the topic (a message moved to another topic fails),
 * the key, the covered headers sorted by name, the encrypted value. Streamed into the hash, not copied.
 */
function leafHash(topic: string, message: Pick<Message, 'key' | 'headers'>, value: Buffer): Buffer {
  const parts: Buffer[] = [LEAF];
  const add = (part: string | Buffer) => {
    const data = typeof part === 'string' ? Buffer.from(part) : part;
    const length = Buffer.allocUnsafe(4);
    length.writeUInt32BE(data.length);
    parts.push(length, data);
  };
  add(SIGNATURE_CONTEXT);
  add(topic);
  add(bytes(message.key));
  const headers = message.headers ?? {};
  for (const name of Object.keys(headers).filter(covered).sort()) {
    const header = headers[name];
    add(name);
    for (const one of Array.isArray(header) ? header : [header]) add(bytes(one));
  }
  add(value);
  return sha256(Buffer.concat(parts));
}

/** SHA-256 in one call: Node's one-shot `crypto.hash` (20.12+) costs a fraction of a Hash object per message. */
const oneShotHash = (nodeCrypto as { hash?: (algorithm: string, data: Buffer, encoding: 'buffer') => Buffer }).hash;
const sha256: (data: Buffer) => Buffer =
  typeof oneShotHash === 'function'
    ? (data) => oneShotHash('sha256', data, 'buffer')
    : (data) => createHash('sha256').update(data).digest();
const nodeHash = (left: Buffer, right: Buffer) => sha256(Buffer.concat([NODE, left, right]));

/**
 * A Merkle tree over the leaves (RFC 6962 style: leaves and nodes hashed apart, an odd node carried
 * up): its root, and each leaf's path to it as (sibling on the left?, sibling) steps.
 */
function hashTree(leaves: Buffer[]): { root: Buffer; paths: Buffer[] } {
  const steps: { left: boolean; hash: Buffer }[][] = leaves.map(() => []);
  let level = leaves.map((hash, i) => ({ hash, members: [i] }));
  while (level.length > 1) {
    const next: typeof level = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i]!;
      const right = level[i + 1];
      if (!right) {
        next.push(left);
        continue;
      }
      for (const m of left.members) steps[m]!.push({ left: false, hash: right.hash });
      for (const m of right.members) steps[m]!.push({ left: true, hash: left.hash });
      next.push({ hash: nodeHash(left.hash, right.hash), members: [...left.members, ...right.members] });
    }
    level = next;
  }
  const paths = steps.map((path) =>
    Buffer.concat(path.flatMap((step) => [Buffer.from([step.left ? 1 : 0]), step.hash])),
  );
  return { root: level[0]!.hash, paths };
}

/** The root a leaf's path leads to, or undefined for a malformed path. */
function rootOf(leaf: Buffer, path: Buffer): Buffer | undefined {
  if (path.length % (HASH_BYTES + 1) !== 0) return undefined;
  let hash = leaf;
  for (let at = 0; at < path.length; at += HASH_BYTES + 1) {
    const sibling = path.subarray(at + 1, at + 1 + HASH_BYTES);
    hash = path[at] === 1 ? nodeHash(sibling, hash) : nodeHash(hash, sibling);
  }
  return hash;
}

/**
 * Encrypts each message's value with its topic's active key and signs the batch as the keyring's
 * service: one Ed25519 signature over the root of a hash tree of the messages (as X-Road's batch
 * signatures), each message carrying the signature and its own path, so it verifies on its own (a
 * dead letter, a redrive) while a consumer verifies a batch's signature once.
 */
export function sealBatch(topic: string, messages: Message[], keyring: BusKeyring): Message[] {
  const topicKeys = keyring.topics.get(topic);
  if (!topicKeys)
    throw new MissingBusKeyError(
      `${keyring.service} holds no key of ${topic}: it is neither a producer nor a consumer`,
    );
  const key = topicKeys.keys.get(topicKeys.activeKeyId)!;
  const aad = Buffer.from(topic);
  const sealed = messages.map((message) => {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(aad);
    const value = Buffer.concat([iv, cipher.update(bytes(message.value)), cipher.final(), cipher.getAuthTag()]);
    const headers: IHeaders = {
      ...message.headers,
      [busSecurityHeaders.dataKeyId]: topicKeys.activeKeyId,
      [busSecurityHeaders.signatureKeyId]: keyring.signing.keyId,
    };
    return { key: message.key, value, headers };
  });
  const { root, paths } = hashTree(sealed.map((m) => leafHash(topic, m, m.value)));
  const signature = sign(null, Buffer.concat([ROOT_CONTEXT, root]), keyring.signing.privateKey).toString('base64');
  return sealed.map((message, i) => {
    message.headers[busSecurityHeaders.signature] = signature;
    if (paths[i]!.length > 0) message.headers[busSecurityHeaders.signatureChain] = paths[i]!.toString('base64');
    return message;
  });
}

/** Encrypts and signs one message on its own (a batch of one). */
export function sealMessage(topic: string, message: Message, keyring: BusKeyring): Message {
  return sealBatch(topic, [message], keyring)[0]!;
}

/**
 * Roots already verified, per public key: the messages of one signed batch cost one Ed25519
 * verification. Bounded, oldest forgotten first; only successes are kept.
 */
const verifiedRoots = new WeakMap<KeyObject, Map<string, true>>();
const verifiedRootsPerKey = 4_096;

function verifyRoot(publicKey: KeyObject, root: Buffer, signature: string): boolean {
  let seen = verifiedRoots.get(publicKey);
  const id = `${root.toString('base64')}|${signature}`;
  if (seen?.has(id)) return true;
  if (!verify(null, Buffer.concat([ROOT_CONTEXT, root]), publicKey, Buffer.from(signature, 'base64'))) return false;
  if (!seen) verifiedRoots.set(publicKey, (seen = new Map()));
  if (seen.size >= verifiedRootsPerKey) seen.delete(seen.keys().next().value!);
  seen.set(id, true);
  return true;
}

/** Why a consumed message was not opened: the dead-letter reason. */
export type OpenFailure = { reason: 'bad-signature' | 'undecryptable'; error: string };

/**
 * Dead letters that operators fix (ops/dead-letters): the operations service re-signs the fixed
 * message and names the dead letter (its record id, a UUID) in `ce_fixeddeadletter`. Only the
 * operations principal holds that signing key, and it signs a fix only after the fix was validated
 * against the topic's contract, audited and recorded on the dead letter (state `redriven`), so its
 * signature over the named id is the record's attestation: consumers in other processes cannot
 * read the operations database, and need not. Anything else naming a dead letter is refused.
 */
export type FixedDeadLetterCheck = (deadLetterId: string) => boolean;
const deadLetterIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const isFixedDeadLetter: FixedDeadLetterCheck = (deadLetterId) => deadLetterIdPattern.test(deadLetterId);

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
        error:
          signer.service !== operationsService
            ? `${signer.service} re-signed dead letter ${fixOf}: only ${operationsService} signs fixed dead letters`
            : `${signer.service} re-signed ${fixOf}, which is not a dead letter recorded as fixed by an operator`,
      };
  } else if (!spec.producers.includes(signer.service)) {
    return {
      ok: false,
      reason: 'bad-signature',
      error: `signed by ${signer.service}, which may not publish on ${spec.name} (its producers: ${spec.producers.join(', ') || 'none'})`,
    };
  }
  const value = bytes(message.value);
  const root = rootOf(
    leafHash(spec.name, { key: message.key, headers }, value),
    Buffer.from(headerText(headers, busSecurityHeaders.signatureChain) ?? '', 'base64'),
  );
  if (!root || !verifyRoot(signer.publicKey, root, signature))
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
