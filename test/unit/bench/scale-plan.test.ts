import { describe, expect, it } from 'vitest';
import { localDate, nextWorkingDay, simulatedNow, workingDaysCalendar } from '../../../contracts/calendar';
import { birthBundle } from '../../../contracts/procedures/birth-bundle';
import { quietClock } from '../../../bench/scale-measure';
import { citizenUser, planScaleRun } from '../../../bench/scale-plan';

describe('the scale bench plan', () => {
  const today = '2026-12-01';
  const plan = planScaleRun(400, 60, 20_000);

  it('plans valid births that no duplicate rule refuses', () => {
    const keys = new Set<string>();
    for (const dossier of plan.planned) {
      const parsed = birthBundle.input.safeParse(dossier.input(today));
      expect(parsed.success, parsed.error?.message).toBe(true);
      for (const key of birthBundle.uniqueKeys(parsed.data!)) {
        expect(keys.has(key.value)).toBe(false);
        keys.add(key.value);
      }
    }
  });

  it('has each birth applied for by its mother, one citizen with many, the others with at most twenty', () => {
    const perCitizen = new Map<string, number>();
    for (const dossier of plan.planned) {
      const input = dossier.input(today) as {
        applicant: { personalIdNumber: string };
        mother: { personalIdNumber: string };
      };
      expect(input.applicant.personalIdNumber).toBe(input.mother.personalIdNumber);
      expect(plan.principals.get(citizenUser(dossier.applicant))).toMatchObject({
        role: 'citizen',
        personalIdNumber: dossier.applicant,
      });
      perCitizen.set(dossier.applicant, (perCitizen.get(dossier.applicant) ?? 0) + 1);
    }
    const counts = [...perCitizen.values()].sort((a, b) => b - a);
    expect(counts[0]).toBe(60);
    expect(counts[1]).toBeLessThanOrEqual(20);
    expect(perCitizen.size).toBe(plan.citizens);
  });
});

describe('the scale bench clock', () => {
  const calendar = workingDaysCalendar();

  it('starts the simulated day at 08:00 of a working day and ends the run before 17:00', () => {
    // Friday 16:00 in Hà Nội: the next opening is Monday 08:00.
    const now = Date.parse('2026-12-04T09:00:00Z');
    const { clock, simulatedStart, fits } = quietClock(now, 8_100, calendar);
    expect(clock.factor).toBe(3);
    expect(simulatedStart.toISOString()).toBe('2026-12-07T01:00:00.000Z');
    expect(simulatedNow(clock, now).toISOString()).toBe(simulatedStart.toISOString());
    expect(simulatedNow(clock, now + 8_100_000).getTime()).toBeLessThan(Date.parse('2026-12-07T10:00:00Z'));
    expect(fits).toBe(true);
    expect(nextWorkingDay(localDate(simulatedStart), calendar)).toBe('2026-12-07');
  });

  it('opens the same day when the office has not opened yet', () => {
    const { simulatedStart } = quietClock(Date.parse('2026-11-30T21:00:00Z'), 8_100, calendar);
    expect(simulatedStart.toISOString()).toBe('2026-12-01T01:00:00.000Z');
  });
});
