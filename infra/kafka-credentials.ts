import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { kafkaPrincipals, type KafkaPrincipal } from '../contracts/principals';
import type { KafkaSasl } from '../platform/config';
import { InfraError } from './process';

/** The local broker's logins: every principal's SCRAM credentials, and the KRaft controller's PLAIN password. */
export interface LocalKafkaCredentials {
  sasl: KafkaSasl & { credentials: Record<KafkaPrincipal, { username: string; password: string }> };
  controller: { username: string; password: string };
}

export const localSaslMechanism = 'scram-sha-512';

export const credentialsFile = (dataDir: string) => join(resolve(dataDir), 'kafka-credentials.json');

/** A password of URL-safe characters only: it goes into JAAS lines and `kafka-configs` values unquoted. */
const newPassword = () => randomBytes(24).toString('base64url');

/**
 * The local principals' passwords, generated once under DATA_DIR (owner-only, 0600) like the
 * development payload key; a principal added later gets its password on the next start.
 */
export function localKafkaCredentials(dataDir: string): LocalKafkaCredentials {
  const file = credentialsFile(dataDir);
  let stored: Record<string, string> = {};
  if (existsSync(file)) {
    try {
      stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    } catch (err) {
      throw new InfraError(
        `${file} is not valid JSON (${(err as Error).message}); remove it to generate new Kafka credentials`,
      );
    }
  }
  const names = [...kafkaPrincipals, 'controller'];
  const missing = names.filter((name) => typeof stored[name] !== 'string' || stored[name] === '');
  if (missing.length > 0) {
    for (const name of missing) stored[name] = newPassword();
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  }
  chmodSync(file, 0o600);
  const credentials = Object.fromEntries(
    kafkaPrincipals.map((principal) => [principal, { username: principal, password: stored[principal]! }]),
  ) as LocalKafkaCredentials['sasl']['credentials'];
  return {
    sasl: { mechanism: localSaslMechanism, credentials },
    controller: { username: 'controller', password: stored.controller! },
  };
}

/** What a marker keeps of a password: enough to tell it changed, nothing to log in with. */
export function passwordFingerprint(password: string): string {
  return createHash('sha256').update(password).digest('hex').slice(0, 16);
}
