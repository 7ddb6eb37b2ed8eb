import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAuditLog, type AuditLog } from '../../platform/audit';
import { createPool, type Pool } from '../../platform/database';
import { verifyAuditLog } from '../../ops/audit-verify';
import { testAuditKey } from '../support/audit-key';

const endpoints = inject('endpoints');
const run = promisify(execFile);
const newDossierId = () =>
  `HS-20261123-${(Date.now().toString(36) + Math.random().toString(36).slice(2)).toUpperCase().slice(-10)}`;

describe('audit log (real PostgreSQL)', () => {
  /** As the services' role, which provisioning gave only INSERT and SELECT on the table. */
  let pool: Pool;
  /** As the local superuser, which can do anything the services cannot. */
  let admin: Pool;
  let audit: AuditLog;
  beforeAll(async () => {
    pool = createPool(endpoints.postgres.url);
    admin = createPool(endpoints.postgres.adminUrl!);
    audit = createAuditLog(pool, testAuditKey);
    await audit.ready();
  });
  afterAll(async () => {
    await pool.end();
    await admin.end();
  });

  it('appends entries and reads them back newest first, filtered by dossier', async () => {
    const dossierId = newDossierId();
    await audit.append({
      actor: 'op-1',
      role: 'operator',
      action: 'retry-step',
      reason: 'agency outage ended',
      dossierId,
      stepId: 'register-residence',
      beforeStatus: 'failed',
      afterStatus: 'sent',
    });
    await audit.append({
      actor: 'op-2',
      role: 'operator',
      action: 'skip-step',
      reason: 'card issued on paper',
      dossierId,
      stepId: 'issue-health-insurance-card',
      details: { cardNumber: 'TE1790000000001' },
    });
    const entries = await audit.list({ dossierId });
    expect(entries.map((e) => [e.actor, e.action, e.stepId])).toEqual([
      ['op-2', 'skip-step', 'issue-health-insurance-card'],
      ['op-1', 'retry-step', 'register-residence'],
    ]);
    expect(entries[1]).toMatchObject({ beforeStatus: 'failed', afterStatus: 'sent', reason: 'agency outage ended' });
    expect(entries[0]?.details).toEqual({ cardNumber: 'TE1790000000001' });
  });

  it('keeps one chain when many appends race', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        audit.append({ actor: 'op-race', role: 'operator', action: 'race', reason: `append ${i}` }),
      ),
    );
    const { rows } = await pool.query<{ gaps: number }>(
      `select count(*)::int as gaps from audit.audit_log a
        where a.seq > 1 and not exists (select 1 from audit.audit_log b where b.seq = a.seq - 1 and b.hash = a.prev_hash)`,
    );
    expect(rows[0]!.gaps).toBe(0);
  });

  it('hashes text as PostgreSQL stores it, so a lone surrogate does not break the chain', async () => {
    const entry = await audit.append({ actor: 'op-6', role: 'operator', action: 'odd', reason: 'half \ud800 a pair' });
    const report = await verifyAuditLog(pool, testAuditKey);
    expect(report.findings.filter((f) => f.id === entry.id)).toEqual([]);
    expect(report.head?.id).toBeGreaterThanOrEqual(entry.id);
  });

  it('refuses to change or remove history, to the services and to a superuser', async () => {
    const entry = await audit.append({ actor: 'op-3', role: 'operator', action: 'terminate', reason: 'duplicate' });
    for (const db of [pool, admin]) {
      const refusal = db === pool ? /permission denied/ : /append-only/;
      await expect(
        db.query('update audit.audit_log set reason = $1 where id = $2', ['nothing happened', entry.id]),
      ).rejects.toThrow(refusal);
      await expect(db.query('delete from audit.audit_log where id = $1', [entry.id])).rejects.toThrow(refusal);
      await expect(db.query('truncate audit.audit_log')).rejects.toThrow(refusal);
    }
    expect((await audit.list({ actor: 'op-3' }))[0]?.reason).toBe('duplicate');
  });

  it("refuses the services' role every way round the triggers, and rows that do not continue the chain", async () => {
    const { rows } = await pool.query<{ rolsuper: boolean; owner: string }>(
      `select rolsuper, (select tableowner from pg_tables where schemaname = 'audit' and tablename = 'audit_log') as owner
         from pg_roles where rolname = current_user`,
    );
    expect(rows[0]).toEqual({ rolsuper: false, owner: 'lienthong_audit_owner' });
    for (const statement of [
      'alter table audit.audit_log disable trigger all',
      'alter table audit.audit_log disable trigger audit_log_append_only',
      'drop trigger audit_log_append_only on audit.audit_log',
      'drop trigger audit_log_chain on audit.audit_log',
      'set session_replication_role = replica',
      'drop table audit.audit_log',
      'drop schema audit cascade',
      'alter table audit.audit_log owner to current_user',
      'create trigger sneaky before insert on audit.audit_log for each row execute function audit.refuse_change()',
    ])
      await expect(pool.query(statement), statement).rejects.toThrow(/permission denied|must be owner/);
    await expect(
      pool.query(
        "insert into audit.audit_log (actor, role, action, reason) values ('nobody', 'operator', 'forged', 'no chain')",
      ),
    ).rejects.toThrow(/hash chain/);
    await expect(
      pool.query(
        "insert into audit.audit_log (seq, prev_hash, hash, actor, role, action, reason) values (1000000, 'x', 'y', 'nobody', 'operator', 'forged', 'out of line')",
      ),
    ).rejects.toThrow(/audit_log chain/);
  });

  it('reports, through the verify command, every row a superuser edits, deletes or inserts', async () => {
    const dossierId = newDossierId();
    const written: { id: number }[] = [];
    for (const reason of ['first', 'second', 'third', 'fourth'])
      written.push(await audit.append({ actor: 'op-5', role: 'operator', action: 'step.retry', reason, dossierId }));
    const before = await verifyAuditLog(pool, testAuditKey);
    expect(before.findings).toEqual([]);

    let inserted = 0;
    const tamper = await admin.connect();
    try {
      // What the services' role was refused above, a superuser may do.
      await tamper.query('set session_replication_role = replica');
      await tamper.query("update audit.audit_log set reason = 'never retried' where id = $1", [written[0]!.id]);
      await tamper.query('delete from audit.audit_log where id = $1', [written[2]!.id]);
      const { rows } = await tamper.query<{ id: string }>(
        `insert into audit.audit_log (actor, role, action, reason, dossier_id)
         values ('op-5', 'operator', 'step.skip', 'forged', $1) returning id`,
        [dossierId],
      );
      inserted = Number(rows[0]!.id);
    } finally {
      await tamper.query('reset session_replication_role');
      tamper.release();
    }

    const after = await verifyAuditLog(pool, testAuditKey);
    expect(after.ok).toBe(false);
    expect(after.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'edited', id: written[0]!.id }),
        expect.objectContaining({ kind: 'deleted', id: written[3]!.id }),
        expect.objectContaining({ kind: 'inserted', id: inserted }),
      ]),
    );

    // The command an operator runs, with the configuration of an external deployment.
    const key = Buffer.from(testAuditKey).toString('base64');
    const command = run('npx', ['tsx', 'ops/cli.ts', 'audit', 'verify', '--json'], {
      env: {
        ...process.env,
        INFRA_MODE: 'external',
        TEMPORAL_ADDRESS: endpoints.temporal.address,
        KAFKA_BROKERS: endpoints.kafka.brokers.join(','),
        DATABASE_URL: endpoints.postgres.url,
        AUDIT_HMAC_KEY: key,
        PAYLOAD_KEYS: `k1:${key}`,
        CITIZEN_SEARCH_KEY: key,
        BUS_KEYS_DIR: inject('busKeysDir'),
        AUTH_JWKS_URL: 'https://id.example/.well-known/jwks.json',
        LOG_LEVEL: 'warn',
      },
    });
    const failure = (await command.then(
      () => undefined,
      (err: unknown) => err,
    )) as { code: number; stdout: string } | undefined;
    expect(failure?.code).toBe(1);
    const report = JSON.parse(failure!.stdout) as typeof after;
    expect(report.findings.map((f) => [f.kind, f.id])).toEqual(
      expect.arrayContaining([
        ['edited', written[0]!.id],
        ['deleted', written[3]!.id],
        ['inserted', inserted],
      ]),
    );
  }, 60_000);

  it('requires a reason', async () => {
    await expect(audit.append({ actor: 'op-4', role: 'operator', action: 'reset', reason: '' })).rejects.toThrow(
      'reason',
    );
  });
});
