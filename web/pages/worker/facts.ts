import { provinces } from '../../../contracts/values';
import { formatDate, say, words, type Lang } from '../i18n';
import { workerWords } from './words';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A value of a command as a worker reads it: dates the Vietnamese way, addresses and people in words. */
export function formatFact(lang: Lang, value: unknown): string {
  if (value === undefined || value === null || value === '') return say(lang, workerWords.notGiven);
  if (typeof value === 'boolean') return say(lang, value ? words.yes : words.no);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    if (value === 'male' || value === 'female') return say(lang, words[value]);
    return /^\d{4}-\d{2}-\d{2}$/.test(value) ? formatDate(value) : value;
  }
  if (Array.isArray(value)) return value.map((item) => formatFact(lang, item)).join('; ');
  if (isRecord(value)) {
    if (typeof value.provinceCode === 'string') {
      const province = provinces[value.provinceCode as keyof typeof provinces] ?? value.provinceCode;
      return [value.street, value.commune, province].filter(Boolean).join(', ');
    }
    if (typeof value.fullName === 'string')
      return typeof value.personalIdNumber === 'string'
        ? `${value.fullName} (${value.personalIdNumber})`
        : value.fullName;
  }
  return JSON.stringify(value);
}
