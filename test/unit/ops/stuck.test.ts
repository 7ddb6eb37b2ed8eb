import { describe, expect, it } from 'vitest';
import type { BackOffice } from '../../../contracts/back-office';
import type { DossierSummary } from '../../../contracts/api';
import { catalogue } from '../../../contracts/procedures';
import type { AuditLog } from '../../../platform/audit';
import { createOperations, type DossierDirectory } from '../../../ops/operations';
import { visibilityQuery } from '../../../web/dossiers';

const summary = (dossierId: string, extra: Partial<DossierSummary> = {}): DossierSummary => ({
  dossierId,
  procedure: 'birth-bundle',
  status: 'processing',
  workflowStatus: 'RUNNING',
  startedAt: '2026-11-23T01:00:00.000Z',
  currentSteps: ['register-residence'],
  agenciesWaitedOn: ['residence'],
  overdue: false,
  failing: false,
  ...extra,
});

/** A directory that answers from visibility only, and fails the test if anyone describes a dossier. */
function fakeDirectory(rows: (DossierSummary & { reportedProblems: string[] })[]) {
  const queries: string[] = [];
  const directory = {
    client: {} as DossierDirectory['client'],
    query: (filters) => visibilityQuery(catalogue, filters),
    list: async (query) => {
      queries.push(`list ${query}`);
      return rows.filter((r) => query.includes(`'${r.dossierId}'`));
    },
    count: async (query) => {
      queries.push(`count ${query}`);
      return query.includes('Overdue = true AND') || query.endsWith('Overdue = true') ? 1 : rows.length;
    },
    page: async (query, pageSize, cursor) => {
      queries.push(`page ${pageSize} ${cursor ?? '-'} ${query}`);
      return { rows, nextCursor: 'next-page' };
    },
    search: async () => [],
    view: async () => {
      throw new Error('the stuck list must not read dossiers one by one');
    },
    handle: () => {
      throw new Error('the stuck list must not describe dossiers');
    },
  } satisfies DossierDirectory;
  return { directory, queries };
}

describe('the stuck list', () => {
  it('comes from one visibility page and counts, dead letters and outbox lags, with each reason and agency', async () => {
    const { directory, queries } = fakeDirectory([
      { ...summary('HS-OVERDUE'), overdue: true, earliestDueAt: '2026-11-24T01:00:00.000Z', reportedProblems: [] },
      {
        ...summary('HS-TASKFAIL'),
        reportedProblems: ['category=WorkflowTaskFailed', 'cause=WorkflowTaskFailedCauseNonDeterministicError'],
      },
      { ...summary('HS-DEAD', { agenciesWaitedOn: [] }), reportedProblems: [] },
      { ...summary('HS-OUTBOX', { agenciesWaitedOn: [] }), reportedProblems: [] },
    ]);
    const residence = {
      outboxLag: async ({ olderThanSeconds }: { olderThanSeconds: number }) => {
        expect(olderThanSeconds).toBe(30);
        return {
          unpublished: 4,
          oldestAgeSeconds: 95,
          waiting: [{ dossierId: 'HS-OUTBOX', stepId: 'register-residence', ageSeconds: 95 }],
        };
      },
    } as unknown as BackOffice;
    const civil = {
      outboxLag: async () => {
        throw new Error('back office unreachable');
      },
    } as unknown as BackOffice;
    const ops = createOperations({
      dossiers: directory,
      audit: {} as AuditLog,
      namespace: 'default',
      codec: { encode: async (p) => p, decode: async (p) => p },
      backOffices: { residence, 'civil-status': civil },
      openDeadLetters: async () => [
        {
          dossierId: 'HS-DEAD',
          topic: 'agency.social-insurance.commands',
          agency: 'social-insurance',
          count: 2,
          reasons: ['handler-failed'],
        },
      ],
    });
    const list = await ops.stuck({ limit: 25, cursor: 'abc', outboxLagThresholdSeconds: 30 });

    const page = queries.find((q) => q.startsWith('page'))!;
    expect(page).toMatch(/^page 25 abc /);
    expect(page).toContain("ExecutionStatus = 'Running'");
    expect(page).toContain('Overdue = true OR Failing = true OR TemporalReportedProblems IN');
    expect(page).toContain("WorkflowId IN ('HS-DEAD', 'HS-OUTBOX')");
    const byId = Object.fromEntries(list.dossiers.map((d) => [d.dossierId, d]));
    expect(byId['HS-OVERDUE']).toMatchObject({ reasons: ['overdue'], agencies: ['residence'] });
    expect(byId['HS-TASKFAIL']!.reasons).toEqual(['workflow-task-failing']);
    expect(byId['HS-TASKFAIL']!.detail[0]).toMatch(/NonDeterministicError/);
    expect(byId['HS-DEAD']).toMatchObject({ reasons: ['dead-lettered'], agencies: ['social-insurance'] });
    expect(byId['HS-DEAD']!.detail[0]).toBe('2 dead letter(s) on agency.social-insurance.commands: handler-failed');
    expect(byId['HS-OUTBOX']).toMatchObject({ reasons: ['outbox-lag'], agencies: ['residence'] });
    expect(list.counts).toMatchObject({ overdue: 1, 'dead-lettered': 1, 'outbox-lag': 1 });
    expect(list.nextCursor).toBe('next-page');
    expect(list.agencies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ agency: 'residence', outboxUnpublished: 4, outboxLagging: true }),
        expect.objectContaining({ agency: 'civil-status', error: 'back office unreachable', outboxUnpublished: null }),
      ]),
    );
  });
});
