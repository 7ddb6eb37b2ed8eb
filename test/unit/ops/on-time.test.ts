import { describe, expect, it } from 'vitest';
import type { StepView } from '../../../contracts/dossier-status';
import { finishedSteps, onTimeRatesOf } from '../../../ops/operations/on-time';

const step = (over: Partial<StepView>): StepView => ({
  stepId: 'register-birth',
  agency: 'civil-status',
  status: 'completed',
  attempts: 1,
  ...over,
});

describe('on-time rates', () => {
  it('counts only the steps an agency decided, with their due and finish times', () => {
    const rows = finishedSteps('HS-1', [
      step({ finishedAt: '2026-11-23T09:00:00Z', dueAt: '2026-11-24T09:00:00Z' }),
      step({
        stepId: 'register-residence',
        agency: 'residence',
        status: 'rejected',
        finishedAt: '2026-11-23T10:00:00Z',
      }),
      step({ stepId: 'issue-card', agency: 'social-insurance', status: 'skipped', finishedAt: '2026-11-23T10:00:00Z' }),
      step({ stepId: 'other', status: 'in-progress' }),
    ]);
    expect(rows).toEqual([
      {
        dossierId: 'HS-1',
        stepId: 'register-birth',
        agency: 'civil-status',
        dueAt: '2026-11-24T09:00:00Z',
        finishedAt: '2026-11-23T09:00:00Z',
      },
      {
        dossierId: 'HS-1',
        stepId: 'register-residence',
        agency: 'residence',
        dueAt: undefined,
        finishedAt: '2026-11-23T10:00:00Z',
      },
    ]);
  });

  it('gives every agency both windows, a rate where it finished steps and none where it finished nothing', () => {
    const rates = onTimeRatesOf([
      { agency: 'civil-status', window: 'day', finished: 4, onTime: 3 },
      { agency: 'civil-status', window: 'week', finished: 10, onTime: 9 },
      { agency: 'residence', window: 'week', finished: 2, onTime: 0 },
    ]);
    expect(rates['civil-status']).toEqual({
      day: { finished: 4, onTime: 3, rate: 0.75 },
      week: { finished: 10, onTime: 9, rate: 0.9 },
    });
    expect(rates.residence).toEqual({ day: { finished: 0, onTime: 0 }, week: { finished: 2, onTime: 0, rate: 0 } });
    expect(rates['social-insurance'].week).toEqual({ finished: 0, onTime: 0 });
  });
});
