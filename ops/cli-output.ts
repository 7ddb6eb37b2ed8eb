/** Prints rows as an aligned text table for people; `--json` prints the api's answer as it is. */
export function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (rows.length === 0) return '(none)\n';
  const text = (value: unknown) =>
    value === undefined || value === null ? '' : Array.isArray(value) ? value.join(',') : String(value);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => text(r[c]).length)));
  const line = (cells: string[]) =>
    `${cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd()}\n`;
  return line(columns.map((c) => c.toUpperCase())) + rows.map((r) => line(columns.map((c) => text(r[c])))).join('');
}

export const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
