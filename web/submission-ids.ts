import { createHash, randomInt } from 'node:crypto';

const base32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const today = () => new Date().toISOString().slice(0, 10).replaceAll('-', '');

/** A new dossier id: HS-<yyyymmdd>-<10 random base32 characters>. */
export const newDossierId = () => `HS-${today()}-${Array.from({ length: 10 }, () => base32[randomInt(32)]).join('')}`;

/**
 * JSON with object keys sorted, `undefined` members left out and strings in Unicode NFC: one text
 * for one application, however the client ordered or encoded it.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.normalize('NFC'));
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value && typeof value === 'object') {
    const members = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, member]) => `${JSON.stringify(name.normalize('NFC'))}:${canonicalJson(member)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * The hash an Idempotency-Key is bound to: of the validated application (defaults filled in,
 * strings trimmed by the schema), so a retry that differs only in form is the same application.
 */
export const applicationHash = (input: unknown): string =>
  createHash('sha256').update(canonicalJson(input)).digest('hex');

/**
 * The dossier id of a keyed submission: derived from who submits, their Idempotency-Key and the
 * application, so a retry that lost the ledger's answer still meets its own workflow in Temporal.
 */
export function idempotentDossierId(subject: string, key: string, bodyHash: string): string {
  const digest = createHash('sha256').update(`${subject}\n${key}\n${bodyHash}`).digest();
  return `HS-K-${Array.from(digest.subarray(0, 12), (b) => base32[b % 32]).join('')}`;
}
