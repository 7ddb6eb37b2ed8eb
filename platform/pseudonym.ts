import { createHmac, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { readOrCreatePrivateFile } from './files';

const base32 = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * A citizen's pseudonymous search key: HMAC-SHA256 of the personal ID number under a deployment
 * secret, 26 base32 characters. Temporal visibility (search attributes) cannot be encrypted, so
 * this, not the ID number, is what lists a citizen's dossiers. Without the secret it reveals nothing.
 */
export type CitizenKeyer = (personalIdNumber: string) => string;

export function citizenKeyer(secret: Uint8Array): CitizenKeyer {
  return (personalIdNumber) => {
    const digest = createHmac('sha256', secret).update(personalIdNumber).digest();
    let bits = 0;
    let value = 0;
    let out = 'c-';
    for (const byte of digest) {
      value = (value << 8) | byte;
      bits += 8;
      while (bits >= 5 && out.length < 28) {
        out += base32[(value >>> (bits - 5)) & 31];
        bits -= 5;
      }
    }
    return out;
  };
}

/** The configured secret (CITIZEN_SEARCH_KEY), else a development one kept under DATA_DIR. */
export function citizenKeyerFor(config: { citizenSearchKey?: string; dataDir: string }): CitizenKeyer {
  if (config.citizenSearchKey) return citizenKeyer(Buffer.from(config.citizenSearchKey, 'base64'));
  const file = join(config.dataDir, 'citizen-search-key');
  const secret = readOrCreatePrivateFile(file, () => `${randomBytes(32).toString('base64')}\n`);
  return citizenKeyer(Buffer.from(secret.trim(), 'base64'));
}
