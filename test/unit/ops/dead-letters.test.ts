import { describe, expect, it } from 'vitest';
import { obsolescenceOf, obsoleteBecause } from '../../../ops/dead-letters/obsolete';
import { changedPaths } from '../../../ops/dead-letters/service';

describe('obsolete dead letters', () => {
  const steps = [
    { stepId: 'register-birth', status: 'completed' as const, attempts: 1 },
    { stepId: 'register-residence', status: 'sent' as const, attempts: 3 },
  ];

  it('calls an attempt of a decided step obsolete, whatever its number', () => {
    expect(obsoleteBecause({ stepId: 'register-birth', attempt: 1 }, steps)).toBe(
      'step register-birth is already completed',
    );
  });

  it("calls an attempt older than the step's latest obsolete, and the latest one not", () => {
    expect(obsoleteBecause({ stepId: 'register-residence', attempt: 2 }, steps)).toBe(
      "attempt 2 is older than step register-residence's latest attempt 3",
    );
    expect(obsoleteBecause({ stepId: 'register-residence', attempt: 3 }, steps)).toBeUndefined();
  });

  it('says why as facts a page can word in either language', () => {
    expect(obsolescenceOf({ stepId: 'register-birth', attempt: 1 }, steps)).toEqual({
      kind: 'step-decided',
      stepId: 'register-birth',
      status: 'completed',
    });
    expect(obsolescenceOf({ stepId: 'register-residence', attempt: 2 }, steps)).toEqual({
      kind: 'attempt-replaced',
      stepId: 'register-residence',
      attempt: 2,
      latestAttempt: 3,
    });
  });

  it('never calls obsolete what names no step, an unknown step, or a dossier it cannot read', () => {
    expect(obsoleteBecause({ stepId: null, attempt: 1 }, steps)).toBeUndefined();
    expect(obsoleteBecause({ stepId: 'issue-card', attempt: 1 }, steps)).toBeUndefined();
    expect(obsoleteBecause({ stepId: 'register-birth', attempt: 1 }, undefined)).toBeUndefined();
  });
});

describe('what a fix changed', () => {
  it('names the changed fields, never their values', () => {
    const before = { dossierId: 'HS-1', child: { fullName: 'Lê Văn A', sex: 'x' }, note: 'same' };
    const after = { dossierId: 'HS-1', child: { fullName: 'Lê Văn A', sex: 'male' }, note: 'same', extra: 1 };
    expect(changedPaths(before, after)).toEqual(['child.sex', 'extra']);
    expect(changedPaths(before, before)).toEqual([]);
  });
});
