import type { ChaosFindings, findingsByFault } from './check';

export interface PhaseTiming {
  fault: string;
  /** From injection to the restart (or the end of the outage window). */
  faultSeconds: number;
  /** From the restart until every dossier of the phase was closed; undefined = not within the phase timeout. */
  recoverySeconds?: number;
  operatorRetries: number;
}

/** The table per fault, then what was found, on stdout. */
export function printReport(
  rows: ReturnType<typeof findingsByFault>,
  timings: PhaseTiming[],
  extra: { decided: number; findings: ChaosFindings },
): void {
  const head = ['fault', 'dossiers', 'lost', 'duplicate', 'unseen', 'fault s', 'recovery s', 'op. retries'];
  const widths = [22, 9, 6, 10, 7, 8, 11, 12];
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' ');
  const out = [line(head)];
  for (const row of rows) {
    const timing = timings.find((t) => t.fault === row.fault);
    out.push(
      line([
        row.fault,
        String(row.dossiers),
        String(row.lost),
        String(row.duplicates),
        String(row.unseen),
        timing ? timing.faultSeconds.toFixed(1) : '-',
        timing?.recoverySeconds !== undefined ? timing.recoverySeconds.toFixed(1) : 'timeout',
        String(timing?.operatorRetries ?? 0),
      ]),
    );
  }
  const { findings } = extra;
  out.push(
    '',
    `total: ${rows.reduce((n, r) => n + r.dossiers, 0)} dossiers, ${findings.lost.length} lost, ${findings.duplicates.length} duplicate effects, ${findings.unseen.length} stuck unseen; ${extra.decided} tasks decided by the scripted worker`,
  );
  for (const lost of findings.lost.slice(0, 20))
    out.push(
      `  lost: ${lost.dossierId} (${lost.fault}) ended ${lost.status ?? 'unread'}, expected ${lost.expected.join('|')}`,
    );
  for (const dup of findings.duplicates.slice(0, 20))
    out.push(`  duplicate: ${dup.dossierId} ${dup.stepId} ${dup.effect} ×${dup.count}`);
  for (const unseen of findings.unseen.slice(0, 20))
    out.push(
      `  unseen: ${unseen.dossierId} (${unseen.fault}) ${unseen.status ?? ''} not on the stuck list: ${unseen.reason}`,
    );
  process.stdout.write(`\n${out.join('\n')}\n`);
}
