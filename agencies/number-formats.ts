import { localDate } from '../contracts/calendar';

/** The last `width` digits of a sequence number, zero-padded. */
export const pad = (n: number, width: number) => String(n % 10 ** width).padStart(width, '0');

/** Spreads a sequence over the 6 random digits of rule 1 so consecutive numbers do not look consecutive. */
export const scramble = (n: number) => (n * 7_919 + 104_729) % 1_000_000;

/** The year (local time) a number is issued in, as numbers carry it: YYYY. */
export const yearOf = (now: Date) => localDate(now).slice(0, 4);
