import { createChainVerifier, type ChainAnchor, type ChainReport } from '../platform/audit-chain';
import { auditTable, chainedRows, unchainedRows } from '../platform/audit';
import type { Queryable } from '../platform/database';

/**
 * Reads the whole audit log in chain order, a page at a time, and checks its hash chain:
 * every edited, deleted or inserted row is a finding (see createChainVerifier).
 */
export async function verifyAuditLog(
  db: Queryable,
  key: Uint8Array,
  options: { anchor?: ChainAnchor; onProgress?: (read: number, total: number) => void; progressEvery?: number } = {},
): Promise<ChainReport> {
  const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from ${auditTable}`);
  const total = rows[0]!.n;
  const verifier = createChainVerifier(key, options.anchor);
  const every = options.progressEvery ?? 10_000;
  let read = 0;
  const tick = () => {
    read += 1;
    if (read % every === 0) options.onProgress?.(read, total);
  };
  for await (const row of chainedRows(db)) {
    verifier.chained(row);
    tick();
  }
  for await (const row of unchainedRows(db)) {
    verifier.unchained(row);
    tick();
  }
  return verifier.finish();
}

/** `seq:hash`, as a report's head prints it. */
export function parseAnchor(text: string): ChainAnchor | undefined {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(text.trim());
  return match ? { seq: Number(match[1]), hash: match[2]! } : undefined;
}
