import type { DossierView } from '../../contracts/api';
import type { Catalogue, Labels } from '../../contracts/procedures';
import { formatDate, formatDateTime, formatVnd } from './i18n';

type Step = DossierView['steps'][number];

/** Whether the step holds a result a citizen keeps (completed by its agency or by an operator). */
export const hasResult = (step: Step) =>
  (step.status === 'completed' || step.status === 'skipped') && Boolean(step.result);

/** A result value as a person reads it: amounts in đồng, dates as dd/mm/yyyy, instants with the time. */
function formatValue(field: string, value: unknown): string {
  if (typeof value === 'number' && /Vnd$/.test(field)) return formatVnd(value);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDate(value);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) return formatDateTime(value);
  if (typeof value === 'boolean') return value ? '✓' : '✗';
  return String(value);
}

/** The step's result fields the catalogue names, in its order, each with its label. */
export function resultRows(catalogue: Catalogue, step: Step): { label: Labels; value: string }[] {
  const fields = catalogue.service(step.stepId)?.resultFields ?? {};
  return Object.entries(fields)
    .filter(([field]) => step.result?.[field] !== undefined)
    .map(([field, label]) => ({ label, value: formatValue(field, step.result![field]) }));
}
