import { describe, expect, it } from 'vitest';
import type { DossierStatusView } from '../../../contracts/dossier-status';
import { catalogue, labelled } from '../../../contracts/procedures';

const now = new Date('2026-11-30T03:00:00Z');
const view = (status: DossierStatusView['status'], steps: Partial<DossierStatusView['steps'][number]>[]) =>
  ({
    dossierId: 'HS-20261130-LATE000001',
    procedure: 'birth-bundle',
    citizenId: 'c-test',
    status,
    submittedAt: '2026-11-20T01:00:00.000Z',
    steps: steps.map((s) => ({ agency: 'residence', status: 'sent', attempts: 1, ...s })),
  }) as DossierStatusView;

describe('a late dossier as the api shows it', () => {
  it('names each open step past its legal due date, re-sent or not, and at which agency', () => {
    const shown = labelled(
      catalogue,
      view('processing', [
        { stepId: 'register-birth', agency: 'civil-status', status: 'completed', dueAt: '2026-11-21T10:00:00.000Z' },
        { stepId: 'register-residence', status: 'retrying', attempts: 2, dueAt: '2026-11-25T10:00:00.000Z' },
        { stepId: 'issue-health-insurance-card', agency: 'social-insurance', dueAt: '2026-12-02T10:00:00.000Z' },
      ]),
      now,
    );
    expect(shown.overdueSteps).toEqual([
      {
        stepId: 'register-residence',
        agency: 'residence',
        agencyLabel: { vi: 'Công an cấp xã (cư trú)', en: 'Commune police (residence)' },
        dueAt: '2026-11-25T10:00:00.000Z',
      },
    ]);
    expect(shown.steps.map((s) => s.overdue)).toEqual([false, true, false]);
  });

  it('is late nowhere once it has ended', () => {
    const shown = labelled(
      catalogue,
      view('withdrawn', [{ stepId: 'register-birth', status: 'failed', dueAt: '2026-11-21T10:00:00.000Z' }]),
      now,
    );
    expect(shown.overdueSteps).toEqual([]);
  });
});
