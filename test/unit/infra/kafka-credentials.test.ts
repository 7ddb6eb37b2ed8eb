import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kafkaPrincipals } from '../../../contracts/principals';
import { credentialsFile, localKafkaCredentials, passwordFingerprint } from '../../../infra/kafka-credentials';
import { readState, stateFile, writeState } from '../../../infra/state';

const freshDir = () => mkdtempSync(join(tmpdir(), 'lienthong-kafka-credentials-'));

describe('localKafkaCredentials', () => {
  it('generates a password per principal once, in an owner-only file, and keeps it', () => {
    const dataDir = freshDir();
    const first = localKafkaCredentials(dataDir);
    expect(Object.keys(first.sasl.credentials).sort()).toEqual([...kafkaPrincipals].sort());
    expect(first.sasl.mechanism).toBe('scram-sha-512');
    const passwords = Object.values(first.sasl.credentials).map((c) => c.password);
    expect(new Set(passwords).size).toBe(passwords.length);
    // URL-safe only: they go unquoted into JAAS lines and kafka-configs values.
    expect(passwords.every((p) => /^[A-Za-z0-9_-]{32}$/.test(p))).toBe(true);
    expect(statSync(credentialsFile(dataDir)).mode & 0o777).toBe(0o600);
    expect(localKafkaCredentials(dataDir)).toEqual(first);
  });

  it('adds a password for a principal the file does not have yet, keeping the others', () => {
    const dataDir = freshDir();
    const first = localKafkaCredentials(dataDir);
    const stored = JSON.parse(readFileSync(credentialsFile(dataDir), 'utf8')) as Record<string, string>;
    delete stored.residence;
    writeFileSync(credentialsFile(dataDir), JSON.stringify(stored), { mode: 0o644 });
    const second = localKafkaCredentials(dataDir);
    expect(second.sasl.credentials.orchestrator).toEqual(first.sasl.credentials.orchestrator);
    expect(second.sasl.credentials.residence.password).not.toBe(first.sasl.credentials.residence.password);
    expect(statSync(credentialsFile(dataDir)).mode & 0o777).toBe(0o600);
  });

  it('fingerprints a password without keeping it', () => {
    expect(passwordFingerprint('secret')).toMatch(/^[0-9a-f]{16}$/);
    expect(passwordFingerprint('secret')).not.toContain('secret');
  });
});

describe('infra.json', () => {
  it('keeps Kafka passwords out of the state file and joins them back when read', () => {
    const dataDir = freshDir();
    const { sasl } = localKafkaCredentials(dataDir);
    writeState(dataDir, {
      startedAt: '2026-11-30T00:00:00Z',
      endpoints: {
        temporal: { address: '127.0.0.1:7233', namespace: 'default' },
        kafka: { brokers: ['127.0.0.1:19092'], sasl },
        postgres: { url: 'postgres://u:p@127.0.0.1:15432/lienthong' },
      },
      processes: {} as never,
      versions: {} as never,
    });
    const written = readFileSync(stateFile(dataDir), 'utf8');
    for (const { password } of Object.values(sasl.credentials)) expect(written).not.toContain(password);
    expect(readState(dataDir)?.endpoints.kafka.sasl).toEqual(sasl);
  });
});
