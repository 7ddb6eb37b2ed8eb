/**
 * Working-day arithmetic of rule 11, pure and deterministic: workflows (on workflow time) and
 * agencies (on their scaled clock) compute the same legal due times. Vietnam has one time zone,
 * UTC+7, without daylight saving.
 */
const OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;
/** A dossier received at or after 15:00 local time counts from the next working day. */
export const CUT_OFF_HOUR = 15;
/** Due times fall at the end of office hours, 17:00 local time (assumed). */
export const END_OF_DAY_HOUR = 17;

/**
 * Public holidays (days off) for 2026–2027. Tết and the Hùng Kings day follow the lunar calendar;
 * the government decides the exact days off each year, so the Tết ranges are approximations.
 */
export const defaultHolidays: readonly string[] = [
  '2026-01-01',
  '2026-02-16',
  '2026-02-17',
  '2026-02-18',
  '2026-02-19',
  '2026-02-20', // Tết Bính Ngọ (approximation)
  '2026-04-27', // Hùng Kings (10/3 lunar falls on Sunday 26 April; observed Monday)
  '2026-04-30',
  '2026-05-01',
  '2026-09-01',
  '2026-09-02',
  '2027-01-01',
  '2027-02-05',
  '2027-02-08',
  '2027-02-09',
  '2027-02-10',
  '2027-02-11', // Tết Đinh Mùi (approximation)
  '2027-04-16', // Hùng Kings
  '2027-04-30',
  '2027-05-03', // 1 May falls on a Saturday; observed Monday
  '2027-09-02',
  '2027-09-03',
];

export interface WorkingDaysCalendar {
  holidays: ReadonlySet<string>;
}

export function workingDaysCalendar(
  extraHolidays: readonly string[] = [],
  base: readonly string[] = defaultHolidays,
): WorkingDaysCalendar {
  return { holidays: new Set([...base, ...extraHolidays]) };
}

/** The local (UTC+7) calendar date of an instant, YYYY-MM-DD. */
export function localDate(instant: Date): string {
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

function localHour(instant: Date): number {
  return new Date(instant.getTime() + OFFSET_MS).getUTCHours();
}

function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

export function isWorkingDay(date: string, calendar: WorkingDaysCalendar): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !calendar.holidays.has(date);
}

/** The first working day on or after a date. */
export function nextWorkingDay(date: string, calendar: WorkingDaysCalendar): string {
  let day = date;
  while (!isWorkingDay(day, calendar)) day = nextDate(day);
  return day;
}

/** The working day a dossier received at `instant` is counted from (15:00 cut-off, weekends, holidays). */
export function receptionDay(instant: Date, calendar: WorkingDaysCalendar): string {
  const today = localDate(instant);
  if (isWorkingDay(today, calendar) && localHour(instant) < CUT_OFF_HOUR) return today;
  return nextWorkingDay(nextDate(today), calendar);
}

/** The date `days` working days after a working day (0 = that day). */
export function addWorkingDays(date: string, days: number, calendar: WorkingDaysCalendar): string {
  let day = nextWorkingDay(date, calendar);
  for (let added = 0; added < days; added += 1) day = nextWorkingDay(nextDate(day), calendar);
  return day;
}

/** Legal due time of something received at `receivedAt` with a limit of `workingDays` (17:00 local on the due day). */
export function dueAt(receivedAt: Date, workingDays: number, calendar: WorkingDaysCalendar): Date {
  const dueDay = addWorkingDays(receptionDay(receivedAt, calendar), workingDays, calendar);
  return new Date(Date.parse(`${dueDay}T00:00:00Z`) + END_OF_DAY_HOUR * 3_600_000 - OFFSET_MS);
}

/** Working days strictly after `from` up to and including `to` (0 when `to` is not later). */
export function workingDaysBetween(from: string, to: string, calendar: WorkingDaysCalendar): number {
  let count = 0;
  for (let day = nextDate(from); day <= to; day = nextDate(day)) if (isWorkingDay(day, calendar)) count += 1;
  return count;
}

/**
 * A clock that runs `factor` times faster than real time from an epoch, so demos and tests see
 * working days pass in minutes. Pure: give it the real now (Date.now() or workflow time).
 */
export interface ScaledClock {
  realEpochMs: number;
  simulatedEpochMs: number;
  factor: number;
}

export function simulatedNow(clock: ScaledClock, realNowMs: number): Date {
  return new Date(clock.simulatedEpochMs + (realNowMs - clock.realEpochMs) * clock.factor);
}

/** Real milliseconds from `realNowMs` until the clock shows `simulated` (0 if already past). */
export function realDelayUntil(clock: ScaledClock, simulated: Date, realNowMs: number): number {
  return Math.max(0, (simulated.getTime() - simulatedNow(clock, realNowMs).getTime()) / clock.factor);
}

/** Whole days from one calendar date (YYYY-MM-DD) to another. */
export const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** Whole months from one calendar date to another: a month counts once its day of the month is reached. */
export function monthsBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  return (ty - fy) * 12 + (tm - fm) - (td < fd ? 1 : 0);
}
