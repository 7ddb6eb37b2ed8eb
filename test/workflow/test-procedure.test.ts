import { describe, expect, it } from 'vitest';
import type { DossierStatusView } from '../../contracts/dossier-status';
import { statusQuery } from '../../workflows/messages';
import { birthCardInput, testCatalogue, testWorkflowsPath } from '../fixtures/procedures';
import { useDossierHarness, type DossierHarness } from '../support/dossier-harness';

let h: DossierHarness;
useDossierHarness((started) => (h = started.h), { workflowsPath: testWorkflowsPath, catalogue: testCatalogue });

describe('a procedure declared only in test fixtures', () => {
  it('runs its stages through the shared machinery: birth, then the card built from the birth result', async () => {
    const id = 'HS-20261123-TESTPROC01';
    const handle = await h.start({ dossierId: id, input: birthCardInput() });
    const birth = await h.command(id, 'register-birth');
    expect(birth).toMatchObject({
      agency: 'civil-status',
      type: 'RegisterBirth.v1',
      commandId: `${id}/register-birth/1`,
    });
    await h.answer(handle, birth, 'BirthRegistered.v1', {
      birthCertificateNumber: '001/2026/KS-000900',
      childPersonalIdNumber: '001226000900',
      registeredAt: '2026-11-23T04:00:00.000Z',
    });

    const card = await h.command(id, 'issue-health-insurance-card');
    expect(card.type).toBe('IssueHealthInsuranceCard.v1');
    expect(card.data).toMatchObject({
      birthRegistration: { birthCertificateNumber: '001/2026/KS-000900', childPersonalIdNumber: '001226000900' },
    });
    expect(h.commands.some((c) => c.dossierId === id && c.stepId === 'register-residence')).toBe(false);

    // An event the card step never receives must not complete it.
    await h.answer(handle, card, 'PermanentResidenceRegistered.v1', {
      residenceRegistrationNumber: 'TT-001-2026-000001',
      householdId: 'HK-1',
      registeredAt: '2026-11-24T02:00:00.000Z',
    });
    const during = await handle.query(statusQuery);
    expect(during.steps.find((s) => s.stepId === 'issue-health-insurance-card')?.status).toBe('sent');

    await h.answer(handle, card, 'HealthInsuranceCardIssued.v1', {
      socialInsuranceNumber: '0126000900',
      cardNumber: 'TE1010126000900',
      validFrom: '2026-11-13',
      validTo: '2032-09-30',
    });
    const view: DossierStatusView = await handle.result();
    expect(view.procedure).toBe('birth-card');
    expect(view.status).toBe('result-returned');
    expect(view.ignoredEvents).toBe(1);
    expect(view.steps.map((s) => [s.stepId, s.status])).toEqual([
      ['register-birth', 'completed'],
      ['issue-health-insurance-card', 'completed'],
    ]);
  });
});
