import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readState, stateFile, writeState, type InfraState } from '../../../infra/state';
import { tightenDataFiles } from '../../../infra/stack';
import { developmentEncryptionKeys } from '../../../platform/codec';
import { readOrCreatePrivateFile, writePrivateFile } from '../../../platform/files';
import { citizenKeyerFor } from '../../../platform/pseudonym';

/** Local data files are readable by their owner only (regression: .data/infra.json was world-readable). */
const dirs: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-files-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const mode = (path: string) => statSync(path).mode & 0o777;

describe('private local files', () => {
  it('writes infra.json 0600, also over a world-readable one of an earlier version', () => {
    const dataDir = scratch();
    writeFileSync(stateFile(dataDir), '{}', { mode: 0o644 });
    const state = {
      startedAt: 'now',
      endpoints: { kafka: { brokers: ['127.0.0.1:19092'] } },
      processes: {},
      versions: {},
    } as unknown as InfraState;
    writeState(dataDir, state);
    expect(mode(stateFile(dataDir))).toBe(0o600);
    expect(readState(dataDir)).toEqual(state);
  });

  it('creates secrets 0600 in a 0700 folder and tightens one left readable', () => {
    const dataDir = join(scratch(), 'data');
    developmentEncryptionKeys(join(dataDir, 'payload-keys'));
    citizenKeyerFor({ dataDir });
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, 'payload-keys'))).toBe(0o600);
    expect(mode(join(dataDir, 'citizen-search-key'))).toBe(0o600);
    const old = join(dataDir, 'dev-auth-secret');
    writeFileSync(old, 'secret', { mode: 0o644 });
    expect(readOrCreatePrivateFile(old, () => 'other')).toBe('secret');
    expect(mode(old)).toBe(0o600);
    writePrivateFile(old, 'new');
    expect(mode(old)).toBe(0o600);
  });

  it('tightens what an earlier version left in the data folder', () => {
    const dataDir = scratch();
    writeFileSync(join(dataDir, 'temporal.db'), '', { mode: 0o644 });
    mkdirSync(join(dataDir, 'kafka'), { mode: 0o755 });
    tightenDataFiles(dataDir);
    expect(mode(join(dataDir, 'temporal.db'))).toBe(0o600);
    expect(mode(join(dataDir, 'kafka'))).toBe(0o700);
  });
});
