import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Local data files (secrets, keys, the infrastructure state with the database password) are for
 * their owner only: 0600 files in 0700 folders. A folder that exists keeps its mode: the
 * infrastructure decides the data folder's (PostgreSQL may run as another user and must reach it).
 */
export const privateFileMode = 0o600;
export const privateDirMode = 0o700;

/** Writes a file readable and writable by its owner only, also when it existed with a wider mode. */
export function writePrivateFile(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: privateDirMode });
  writeFileSync(file, content, { mode: privateFileMode });
  chmodSync(file, privateFileMode);
}

/** Reads a private file, creating it with `create()` on first use; a file left readable by others is tightened. */
export function readOrCreatePrivateFile(file: string, create: () => string): string {
  if (existsSync(file)) chmodSync(file, privateFileMode);
  else writePrivateFile(file, create());
  return readFileSync(file, 'utf8');
}
