import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  CUT_OFF_HOUR,
  defaultHolidays,
  dueAt,
  END_OF_DAY_HOUR,
  isWorkingDay,
  localDate,
  nextWorkingDay,
  realDelayUntil,
  receptionDay,
  simulatedNow,
  workingDaysBetween,
  workingDaysCalendar,
} from '../../../contracts/calendar';
import { catalogue } from '../../../contracts/procedures';

/** it.each rows as [name, row], so the test title shows the row's whole name (`$name` would be truncated). */
const named = <T extends { name: string }>(table: readonly T[]) => table.map((row): [string, T] => [row.name, row]);

const calendar = workingDaysCalendar();
/** 17:00 in Vietnam on a date, as an instant. */
const fivePm = (date: string) => new Date(`${date}T17:00:00+07:00`).toISOString();

describe('the rule-11 constants', () => {
  it('cuts off at 15:00 and falls due at 17:00 local time', () => {
    expect(CUT_OFF_HOUR).toBe(15);
    expect(END_OF_DAY_HOUR).toBe(17);
  });

  it('lists holidays as unique YYYY-MM-DD weekdays', () => {
    expect(new Set(defaultHolidays).size).toBe(defaultHolidays.length);
    for (const day of defaultHolidays) {
      expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect([0, 6], `${day} falls on a weekend, so listing it changes nothing`).not.toContain(
        new Date(`${day}T00:00:00Z`).getUTCDay(),
      );
    }
  });
});

describe('dueAt: working days from the reception day, due at 17:00 local', () => {
  it.each(
    named([
      // 15:00 cut-off on an ordinary Tuesday (2026-03-10)
      {
        name: 'same-day step submitted Tuesday 09:00 is due Tuesday',
        receivedAt: '2026-03-10T09:00:00+07:00',
        days: 0,
        due: '2026-03-10',
      },
      {
        name: 'same-day step submitted Tuesday 14:59:59 is due Tuesday',
        receivedAt: '2026-03-10T14:59:59+07:00',
        days: 0,
        due: '2026-03-10',
      },
      {
        name: 'same-day step submitted Tuesday 15:00:00 is due Wednesday',
        receivedAt: '2026-03-10T15:00:00+07:00',
        days: 0,
        due: '2026-03-11',
      },
      {
        name: 'same-day step submitted Tuesday 16:30 is due Wednesday',
        receivedAt: '2026-03-10T16:30:00+07:00',
        days: 0,
        due: '2026-03-11',
      },
      {
        name: 'same-day step submitted Tuesday 23:59 is due Wednesday',
        receivedAt: '2026-03-10T23:59:00+07:00',
        days: 0,
        due: '2026-03-11',
      },
      {
        name: 'same-day step submitted Wednesday 00:30 local (Tuesday in UTC) is due Wednesday',
        receivedAt: '2026-03-10T17:30:00Z',
        days: 0,
        due: '2026-03-11',
      },
      {
        name: 'same-day step submitted Tuesday 15:30 local (08:30 UTC) is due Wednesday',
        receivedAt: '2026-03-10T08:30:00Z',
        days: 0,
        due: '2026-03-11',
      },
      {
        name: '2-day step submitted Tuesday 14:00 is due Thursday',
        receivedAt: '2026-03-10T14:00:00+07:00',
        days: 2,
        due: '2026-03-12',
      },
      {
        name: '2-day step submitted Tuesday 15:00 is due Friday',
        receivedAt: '2026-03-10T15:00:00+07:00',
        days: 2,
        due: '2026-03-13',
      },
      // weekend
      {
        name: 'same-day step submitted Friday 14:00 is due Friday',
        receivedAt: '2026-03-06T14:00:00+07:00',
        days: 0,
        due: '2026-03-06',
      },
      {
        name: 'same-day step submitted Friday 15:30 is due Monday',
        receivedAt: '2026-03-06T15:30:00+07:00',
        days: 0,
        due: '2026-03-09',
      },
      {
        name: '1-day step submitted Friday 10:00 is due Monday',
        receivedAt: '2026-03-06T10:00:00+07:00',
        days: 1,
        due: '2026-03-09',
      },
      {
        name: '2-day step submitted Friday 10:00 is due Tuesday',
        receivedAt: '2026-03-06T10:00:00+07:00',
        days: 2,
        due: '2026-03-10',
      },
      {
        name: '2-day step submitted Friday 15:30 counts from Monday, due Wednesday',
        receivedAt: '2026-03-06T15:30:00+07:00',
        days: 2,
        due: '2026-03-11',
      },
      {
        name: 'same-day step submitted Saturday 10:00 is due Monday',
        receivedAt: '2026-03-07T10:00:00+07:00',
        days: 0,
        due: '2026-03-09',
      },
      {
        name: '1-day step submitted Sunday 23:30 is due Tuesday',
        receivedAt: '2026-03-08T23:30:00+07:00',
        days: 1,
        due: '2026-03-10',
      },
      {
        name: 'same-day step submitted Saturday 00:30 local (Friday in UTC) is due Monday',
        receivedAt: '2026-03-06T17:30:00Z',
        days: 0,
        due: '2026-03-09',
      },
      // public holidays
      {
        name: 'same-day step submitted Wednesday 29 April 16:00 skips 30/4, 1/5 and the weekend: due Monday 4 May',
        receivedAt: '2026-04-29T16:00:00+07:00',
        days: 0,
        due: '2026-05-04',
      },
      {
        name: '1-day step submitted Wednesday 29 April 10:00 is due Monday 4 May',
        receivedAt: '2026-04-29T10:00:00+07:00',
        days: 1,
        due: '2026-05-04',
      },
      {
        name: 'same-day step submitted on the 30 April holiday at 09:00 is due Monday 4 May',
        receivedAt: '2026-04-30T09:00:00+07:00',
        days: 0,
        due: '2026-05-04',
      },
      {
        name: '1-day step submitted Friday 24 April 15:30 skips the Hùng Kings day: due Wednesday 29 April',
        receivedAt: '2026-04-24T15:30:00+07:00',
        days: 1,
        due: '2026-04-29',
      },
      {
        name: '2-day step submitted Friday 13 February (before Tết) 10:00 is due Tuesday 24 February',
        receivedAt: '2026-02-13T10:00:00+07:00',
        days: 2,
        due: '2026-02-24',
      },
      {
        name: 'same-day step submitted Friday 13 February 15:00 waits out Tết: due Monday 23 February',
        receivedAt: '2026-02-13T15:00:00+07:00',
        days: 0,
        due: '2026-02-23',
      },
      {
        name: '1-day step submitted Monday 31 August 16:00 skips National Day (1–2 September): due Friday 4 September',
        receivedAt: '2026-08-31T16:00:00+07:00',
        days: 1,
        due: '2026-09-04',
      },
      {
        name: 'same-day step submitted Thursday 31 December 15:00 skips New Year: due Monday 4 January 2027',
        receivedAt: '2026-12-31T15:00:00+07:00',
        days: 0,
        due: '2027-01-04',
      },
      {
        name: '10-day step submitted Monday 20 April 09:00 skips three holidays and two weekends: due Thursday 7 May',
        receivedAt: '2026-04-20T09:00:00+07:00',
        days: 10,
        due: '2026-05-07',
      },
    ]),
  )('%s', (_name, { receivedAt, days, due }) => {
    expect(dueAt(new Date(receivedAt), days, calendar).toISOString()).toBe(fivePm(due));
  });

  it.each(
    named([
      {
        name: 'register-birth submitted Tuesday 10:00 is due the same day',
        step: 'register-birth',
        receivedAt: '2026-03-10T10:00:00+07:00',
        due: '2026-03-10',
      },
      {
        name: 'register-birth submitted Tuesday 15:01 is due the next working day',
        step: 'register-birth',
        receivedAt: '2026-03-10T15:01:00+07:00',
        due: '2026-03-11',
      },
      {
        name: 'register-residence received Thursday 11:00 is due Monday (2 working days)',
        step: 'register-residence',
        receivedAt: '2026-03-12T11:00:00+07:00',
        due: '2026-03-16',
      },
      {
        name: 'issue-health-insurance-card received Thursday 16:00 is due Tuesday',
        step: 'issue-health-insurance-card',
        receivedAt: '2026-03-12T16:00:00+07:00',
        due: '2026-03-17',
      },
      {
        name: 'register-death received Friday 14:00 is due the same Friday',
        step: 'register-death',
        receivedAt: '2026-03-13T14:00:00+07:00',
        due: '2026-03-13',
      },
      {
        name: 'delete-residence received Friday 14:00 is due Monday (1 working day)',
        step: 'delete-residence',
        receivedAt: '2026-03-13T14:00:00+07:00',
        due: '2026-03-16',
      },
      {
        name: 'funeral-allowance received Monday 2 March 09:00 is due Monday 16 March (10 working days)',
        step: 'funeral-allowance',
        receivedAt: '2026-03-02T09:00:00+07:00',
        due: '2026-03-16',
      },
      {
        name: 'survivor-benefit received Friday 28 August 09:00 is due Tuesday 15 September (National Day skipped)',
        step: 'survivor-benefit',
        receivedAt: '2026-08-28T09:00:00+07:00',
        due: '2026-09-15',
      },
    ] as const),
  )('%s', (_name, { step, receivedAt, due }) => {
    expect(dueAt(new Date(receivedAt), catalogue.service(step)!.workingDays, calendar).toISOString()).toBe(fivePm(due));
  });

  it.each(
    named([
      {
        name: 'an extra holiday on Wednesday pushes a same-day step submitted Tuesday 16:00 to Thursday',
        extra: ['2026-03-11'],
        base: defaultHolidays,
        receivedAt: '2026-03-10T16:00:00+07:00',
        days: 0,
        due: '2026-03-12',
      },
      {
        name: 'an extra holiday on the day itself moves a 09:00 submission to the next day',
        extra: ['2026-03-10'],
        base: defaultHolidays,
        receivedAt: '2026-03-10T09:00:00+07:00',
        days: 0,
        due: '2026-03-11',
      },
      {
        name: 'a calendar without holidays makes 30 April a working day',
        extra: [],
        base: [],
        receivedAt: '2026-04-29T16:00:00+07:00',
        days: 0,
        due: '2026-04-30',
      },
      {
        name: 'a calendar of only extra holidays ignores the default list',
        extra: ['2026-03-11'],
        base: [],
        receivedAt: '2026-04-29T16:00:00+07:00',
        days: 1,
        due: '2026-05-01',
      },
    ]),
  )('%s', (_name, { extra, base, receivedAt, days, due }) => {
    expect(dueAt(new Date(receivedAt), days, workingDaysCalendar(extra, base)).toISOString()).toBe(fivePm(due));
  });
});

describe('the working-day helpers', () => {
  it.each(
    named([
      { name: 'Tuesday 10 March 2026 is a working day', date: '2026-03-10', working: true },
      { name: 'Saturday 7 March 2026 is not', date: '2026-03-07', working: false },
      { name: 'Sunday 8 March 2026 is not', date: '2026-03-08', working: false },
      { name: 'New Year 2026 (Thursday) is not', date: '2026-01-01', working: false },
      { name: 'Tết, Tuesday 17 February 2026, is not', date: '2026-02-17', working: false },
      { name: 'Hùng Kings day observed Monday 27 April 2026 is not', date: '2026-04-27', working: false },
      { name: 'Reunification Day, Thursday 30 April 2026, is not', date: '2026-04-30', working: false },
      { name: 'Labour Day, Friday 1 May 2026, is not', date: '2026-05-01', working: false },
      { name: 'National Day, Wednesday 2 September 2026, is not', date: '2026-09-02', working: false },
      { name: 'Labour Day 2027 observed Monday 3 May is not', date: '2027-05-03', working: false },
      { name: 'Tuesday 28 April 2026, between holidays, is', date: '2026-04-28', working: true },
    ]),
  )('%s', (_name, { date, working }) => {
    expect(isWorkingDay(date, calendar)).toBe(working);
  });

  it.each(
    named([
      { name: 'a working day is its own next working day', date: '2026-03-10', next: '2026-03-10' },
      { name: 'Saturday moves to Monday', date: '2026-03-07', next: '2026-03-09' },
      {
        name: 'Thursday 30 April moves past 1 May and the weekend to Monday 4 May',
        date: '2026-04-30',
        next: '2026-05-04',
      },
      { name: 'the first Tết holiday moves to Monday 23 February', date: '2026-02-16', next: '2026-02-23' },
    ]),
  )('%s', (_name, { date, next }) => {
    expect(nextWorkingDay(date, calendar)).toBe(next);
  });

  it.each(
    named([
      {
        name: 'before 15:00 on a working day counts from that day',
        at: '2026-03-10T14:59:00+07:00',
        day: '2026-03-10',
      },
      { name: 'at 15:00 on a working day counts from the next', at: '2026-03-10T15:00:00+07:00', day: '2026-03-11' },
      { name: 'before 15:00 on Saturday counts from Monday', at: '2026-03-07T09:00:00+07:00', day: '2026-03-09' },
      {
        name: 'early Monday local time (Sunday in UTC) counts from Monday',
        at: '2026-03-08T23:00:00Z',
        day: '2026-03-09',
      },
      { name: 'on a holiday counts from the next working day', at: '2026-09-01T09:00:00+07:00', day: '2026-09-03' },
    ]),
  )('receptionDay: %s', (_name, { at, day }) => {
    expect(receptionDay(new Date(at), calendar)).toBe(day);
  });

  it.each(
    named([
      { name: '0 working days after a working day is that day', date: '2026-03-10', days: 0, result: '2026-03-10' },
      { name: '0 working days after a Saturday is Monday', date: '2026-03-07', days: 0, result: '2026-03-09' },
      { name: '3 working days after Thursday is Tuesday', date: '2026-03-12', days: 3, result: '2026-03-17' },
      {
        name: '5 working days after Friday 13 February crosses Tết',
        date: '2026-02-13',
        days: 5,
        result: '2026-02-27',
      },
    ]),
  )('addWorkingDays: %s', (_name, { date, days, result }) => {
    expect(addWorkingDays(date, days, calendar)).toBe(result);
  });

  it.each(
    named([
      { name: 'Monday to Friday of one week is 4', from: '2026-03-09', to: '2026-03-13', count: 4 },
      { name: 'Friday to Monday is 1', from: '2026-03-06', to: '2026-03-09', count: 1 },
      { name: 'a day to itself is 0', from: '2026-03-10', to: '2026-03-10', count: 0 },
      { name: 'a later day to an earlier one is 0', from: '2026-03-13', to: '2026-03-09', count: 0 },
      {
        name: 'Wednesday 29 April to Monday 4 May is 1 (two holidays, a weekend)',
        from: '2026-04-29',
        to: '2026-05-04',
        count: 1,
      },
    ]),
  )('workingDaysBetween: %s', (_name, { from, to, count }) => {
    expect(workingDaysBetween(from, to, calendar)).toBe(count);
  });

  it.each(
    named([
      { name: '16:59 UTC is still the same day in Vietnam', at: '2026-03-10T16:59:59Z', date: '2026-03-10' },
      { name: '17:00 UTC is the next day in Vietnam', at: '2026-03-10T17:00:00Z', date: '2026-03-11' },
      { name: 'New Year arrives at 17:00 UTC on 31 December', at: '2026-12-31T17:00:00Z', date: '2027-01-01' },
    ]),
  )('localDate: %s', (_name, { at, date }) => {
    expect(localDate(new Date(at))).toBe(date);
  });
});

describe('the scaled clock', () => {
  const clock = { realEpochMs: 1_000_000, simulatedEpochMs: Date.parse('2026-03-10T02:00:00Z'), factor: 1440 };

  it.each(
    named([
      {
        name: 'shows the simulated epoch at the real epoch',
        realNowMs: 1_000_000,
        simulated: '2026-03-10T02:00:00.000Z',
      },
      {
        name: 'advances a day per real minute at factor 1440',
        realNowMs: 1_060_000,
        simulated: '2026-03-11T02:00:00.000Z',
      },
      { name: 'advances an hour per 2.5 real seconds', realNowMs: 1_002_500, simulated: '2026-03-10T03:00:00.000Z' },
    ]),
  )('%s', (_name, { realNowMs, simulated }) => {
    expect(simulatedNow(clock, realNowMs).toISOString()).toBe(simulated);
  });

  it.each(
    named([
      {
        name: 'a simulated day ahead is a real minute away',
        target: '2026-03-11T02:00:00Z',
        realNowMs: 1_000_000,
        delay: 60_000,
      },
      { name: 'a time already past needs no wait', target: '2026-03-09T02:00:00Z', realNowMs: 1_000_000, delay: 0 },
      {
        name: 'the 17:00 local due time is 18.75 real seconds away at 09:30 local',
        target: '2026-03-10T10:00:00Z',
        realNowMs: 1_001_250,
        delay: 18_750,
      },
    ]),
  )('realDelayUntil: %s', (_name, { target, realNowMs, delay }) => {
    expect(realDelayUntil(clock, new Date(target), realNowMs)).toBeCloseTo(delay, 6);
  });
});

describe('due times (property-based)', () => {
  const instants = fc.date({
    min: new Date('2026-01-01T00:00:00Z'),
    max: new Date('2027-12-20T00:00:00Z'),
    noInvalidDate: true,
  });

  it('fall at 17:00 local on a working day, after the reception, exactly the limit in working days later', () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: 0, max: 15 }), (receivedAt, days) => {
        const due = dueAt(receivedAt, days, calendar);
        const dueDay = localDate(due);
        const reception = receptionDay(receivedAt, calendar);
        expect(due.toISOString()).toBe(fivePm(dueDay));
        expect(isWorkingDay(dueDay, calendar)).toBe(true);
        expect(due.getTime()).toBeGreaterThan(receivedAt.getTime());
        expect(isWorkingDay(reception, calendar)).toBe(true);
        expect(reception >= localDate(receivedAt)).toBe(true);
        expect(workingDaysBetween(reception, dueDay, calendar)).toBe(days);
      }),
      { numRuns: 500 },
    );
  });

  it('never come earlier for a later submission or a longer limit', () => {
    fc.assert(
      fc.property(
        instants,
        fc.integer({ min: 0, max: 3 * 86_400_000 }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 5 }),
        (receivedAt, laterBy, days, extraDays) => {
          const later = new Date(receivedAt.getTime() + laterBy);
          expect(dueAt(later, days, calendar).getTime()).toBeGreaterThanOrEqual(
            dueAt(receivedAt, days, calendar).getTime(),
          );
          expect(dueAt(receivedAt, days + extraDays, calendar).getTime()).toBeGreaterThanOrEqual(
            dueAt(receivedAt, days, calendar).getTime(),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
