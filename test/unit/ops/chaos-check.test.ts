import { describe, expect, it } from 'vitest';
import { checkOutcomes, findingsByFault, type DossierOutcome } from '../../../ops/chaos/check';
import { registryEffects } from '../../../ops/chaos/effects';

const outcome = (dossierId: string, fault: string, status: string | undefined, closed = true): DossierOutcome => ({
  dossierId,
  fault,
  expected: ['result-returned'],
  status,
  closed,
});

describe('the chaos checker', () => {
  it('finds nothing when every dossier ended as expected with one effect per step', () => {
    const outcomes = [outcome('HS-1', 'kill-kafka', 'result-returned'), outcome('HS-2', 'latency', 'result-returned')];
    const effects = [
      { dossierId: 'HS-1', stepId: 'register-birth', effect: 'civil-status number personal-id', count: 1 },
      { dossierId: 'HS-2', stepId: 'funeral-allowance', effect: 'social-insurance payout', count: 1 },
    ];
    expect(checkOutcomes(outcomes, effects, new Set())).toEqual({ lost: [], duplicates: [], unseen: [] });
  });

  it('counts a dossier lost when it ended otherwise, is still open, or could not be read', () => {
    const outcomes = [
      outcome('HS-1', 'kill-kafka', 'partially-completed'),
      outcome('HS-2', 'kill-kafka', 'processing', false),
      outcome('HS-3', 'kill-api', undefined, false),
      outcome('HS-4', 'kill-api', 'result-returned'),
    ];
    const { lost } = checkOutcomes(outcomes, [], new Set(['HS-2']));
    expect(lost.map((o) => o.dossierId)).toEqual(['HS-1', 'HS-2', 'HS-3']);
  });

  it('reports each effect of a step that exists more than once, only for the run’s dossiers', () => {
    const effects = [
      { dossierId: 'HS-1', stepId: 'register-residence', effect: 'residence registration', count: 2 },
      { dossierId: 'HS-1', stepId: 'register-birth', effect: 'civil-status number birth-certificate', count: 1 },
      { dossierId: 'HS-OTHER', stepId: 'register-birth', effect: 'civil-status number birth-certificate', count: 3 },
    ];
    const { duplicates } = checkOutcomes([outcome('HS-1', 'kill-bridge', 'result-returned')], effects, new Set());
    expect(duplicates).toEqual([effects[0]]);
  });

  it('calls an open dossier unseen only when the stuck list does not show it', () => {
    const outcomes = [
      outcome('HS-1', 'agency-outage', 'processing', false),
      outcome('HS-2', 'agency-outage', 'processing', false),
      outcome('HS-3', 'agency-outage', 'result-returned'),
    ];
    const { unseen } = checkOutcomes(outcomes, [], new Set(['HS-1', 'HS-3']));
    expect(unseen.map((o) => o.dossierId)).toEqual(['HS-2']);
  });

  it('attributes findings to the fault each dossier ran under', () => {
    const outcomes = [
      outcome('HS-1', 'kill-kafka', 'rejected'),
      outcome('HS-2', 'kill-kafka', 'result-returned'),
      outcome('HS-3', 'latency', 'processing', false),
    ];
    const effects = [
      { dossierId: 'HS-2', stepId: 'register-birth', effect: 'civil-status registration birth', count: 2 },
    ];
    const findings = checkOutcomes(outcomes, effects, new Set());
    expect(findingsByFault(outcomes, findings)).toEqual([
      { fault: 'kill-kafka', dossiers: 2, lost: 1, duplicates: 1, unseen: 0 },
      { fault: 'latency', dossiers: 1, lost: 1, duplicates: 0, unseen: 1 },
    ]);
  });
});

describe('stuck dossiers seen while a fault lasted', () => {
  it('counts a dossier once, whether it was missing from the list during a fault, at the end, or both', () => {
    const outcomes = [
      outcome('HS-1', 'agency-outage', 'processing', false),
      outcome('HS-2', 'latency', 'result-returned'),
    ];
    const during = [
      {
        dossierId: 'HS-1',
        fault: 'agency-outage',
        status: 'processing',
        reason: 'issue-health-insurance-card failed for 40 s',
      },
      { dossierId: 'HS-2', fault: 'latency', status: 'processing', reason: 'register-birth overdue for 35 s' },
    ];
    const { unseen } = checkOutcomes(outcomes, [], new Set(), during);
    expect(unseen).toEqual(during);
  });
});

describe('the registry’s effects per dossier and step', () => {
  const subjects = [
    { dossierId: 'HS-B', childName: 'Trần An', childBirthDate: '2026-11-25' },
    { dossierId: 'HS-D', deceasedId: '001080000001' },
  ];

  it('counts ID numbers issued per child and each change per person, under the step that makes it', () => {
    const children = [
      { fullName: 'Trần An', birthDate: '2026-11-25', personalId: '001226000001' },
      { fullName: 'Trần An', birthDate: '2026-11-25', personalId: '001226000002' },
      // Same name, another birth date: someone else.
      { fullName: 'Trần An', birthDate: '1990-01-01', personalId: '001090000003' },
    ];
    const changes = [
      { eventType: 'CitizenBorn.v1', subject: '001226000001', count: 1 },
      { eventType: 'CitizenPermanentResidenceRegistered.v1', subject: '001226000001', count: 2 },
      { eventType: 'CitizenDied.v1', subject: '001080000001', count: 1 },
      { eventType: 'CitizenPermanentResidenceDeleted.v1', subject: '001080000001', count: 1 },
      { eventType: 'CitizenDied.v1', subject: 'someone-else', count: 5 },
    ];
    expect(registryEffects(subjects, children, changes)).toEqual([
      { dossierId: 'HS-B', stepId: 'register-birth', effect: 'registry personal ID number', count: 2 },
      { dossierId: 'HS-B', stepId: 'register-birth', effect: 'registry CitizenBorn.v1', count: 1 },
      {
        dossierId: 'HS-B',
        stepId: 'register-residence',
        effect: 'registry CitizenPermanentResidenceRegistered.v1',
        count: 2,
      },
      { dossierId: 'HS-D', stepId: 'register-death', effect: 'registry CitizenDied.v1', count: 1 },
      {
        dossierId: 'HS-D',
        stepId: 'delete-residence',
        effect: 'registry CitizenPermanentResidenceDeleted.v1',
        count: 1,
      },
    ]);
  });
});
