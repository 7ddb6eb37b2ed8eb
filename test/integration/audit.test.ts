import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { platformDatabase } from '../../contracts/agencies';
import { createAuditLog, type AuditLog } from '../../platform/audit';
import { createPool, type Pool } from '../../platform/database';
import { databaseUrl } from '../../platform/endpoints';

const endpoints = inject('endpoints');

describe('audit log (real PostgreSQL)', () => {
  let pool: Pool;
  let audit: AuditLog;
  beforeAll(async () => {
    pool = createPool(databaseUrl(endpoints, platformDatabase));
    audit = createAuditLog(pool);
    await audit.migrate();
    await audit.migrate();
  });
  afterAll(async () => {
    await pool.end();
  });

  it('appends entries and reads them back newest first, filtered by dossier', async () => {
    const dossierId = `HS-20261123-${Date.now().toString(36).toUpperCase().padStart(10, '0').slice(-10)}`;
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

  it('refuses to change or remove history', async () => {
    const entry = await audit.append({
      actor: 'op-3',
      role: 'operator',
      action: 'terminate',
      reason: 'duplicate dossier',
    });
    await expect(
      pool.query('update audit_log set reason = $1 where id = $2', ['nothing happened', entry.id]),
    ).rejects.toThrow('append-only');
    await expect(pool.query('delete from audit_log where id = $1', [entry.id])).rejects.toThrow('append-only');
    await expect(pool.query('truncate audit_log')).rejects.toThrow('append-only');
    expect((await audit.list({ actor: 'op-3' }))[0]?.reason).toBe('duplicate dossier');
  });

  it('requires a reason', async () => {
    await expect(audit.append({ actor: 'op-4', role: 'operator', action: 'reset', reason: '' })).rejects.toThrow(
      'reason',
    );
  });
});
