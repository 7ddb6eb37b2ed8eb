import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  chainHash,
  chainStartAction,
  createChainVerifier,
  genesisPrevHash,
  type ChainAnchor,
  type StoredAuditRow,
} from '../../../platform/audit-chain';

const key = new TextEncoder().encode('unit-test-audit-key-of-32-bytes!!');

/** A chain as the api writes it: `legacy` unchained rows, then a start row and `n` entries. */
function chain(n: number, legacy = 0): StoredAuditRow[] {
  const rows: StoredAuditRow[] = [];
  const base = (id: number) => ({
    id,
    at: new Date(Date.UTC(2026, 10, 23, 1, 0, id)).toISOString(),
    actor: 'operator',
    role: 'operator',
    action: 'step.retry',
    reason: `retry ${id}`,
    dossierId: `HS-20261123-${String(id).padStart(10, '0')}`,
    stepId: 'register-birth',
    beforeStatus: 'failed',
    afterStatus: null,
    details: { b: 1, a: [1, { y: 2, x: null }] },
  });
  for (let id = 1; id <= legacy; id += 1) rows.push({ ...base(id), seq: null, prevHash: null, hash: null });
  let prevHash = genesisPrevHash;
  for (let seq = 1; seq <= n + 1; seq += 1) {
    const id = legacy + seq;
    const content =
      seq === 1
        ? {
            ...base(id),
            action: chainStartAction,
            role: 'system',
            details: { unchainedRows: legacy, lastUnchainedId: legacy },
          }
        : base(id);
    const row = { ...content, seq, prevHash };
    const hash = chainHash(key, row);
    rows.push({ ...row, hash });
    prevHash = hash;
  }
  return rows;
}

function verify(rows: StoredAuditRow[], anchor?: ChainAnchor) {
  const verifier = createChainVerifier(key, anchor);
  const chained = rows.filter((r) => r.seq !== null).sort((a, b) => a.seq! - b.seq! || a.id - b.id);
  for (const row of chained) verifier.chained(row);
  for (const row of rows.filter((r) => r.seq === null).sort((a, b) => a.id - b.id)) verifier.unchained(row);
  return verifier.finish();
}

const kinds = (rows: StoredAuditRow[], anchor?: ChainAnchor) =>
  verify(rows, anchor).findings.map((f) => [f.kind, f.id ?? f.missing ?? f.seq ?? null]);

describe('the audit hash chain', () => {
  it('verifies an untouched chain, counting the rows from before it started', () => {
    const report = verify(chain(20, 3));
    expect(report).toMatchObject({ ok: true, rows: 24, verified: 21, unchained: 3, findings: [] });
    expect(report.head).toMatchObject({ seq: 21, id: 24 });
  });

  it('hashes details whatever the order of their keys (jsonb reorders them)', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 2], c: 'x' } })).toBe(canonicalJson({ a: { c: 'x', d: [1, 2] }, b: 1 }));
    const rows = chain(3);
    rows[2] = { ...rows[2]!, details: { a: [1, { x: null, y: 2 }], b: 1 } };
    expect(verify(rows).ok).toBe(true);
  });

  it('finds an edited row, in any column, and keeps verifying the rest', () => {
    for (const change of [
      { reason: 'nothing happened' },
      { actor: 'someone-else' },
      { dossierId: null },
      { at: '2027-01-01T00:00:00.000Z' },
      { details: { b: 2, a: [1, { y: 2, x: null }] } },
    ]) {
      const rows = chain(10);
      rows[5] = { ...rows[5]!, ...change };
      expect(kinds(rows)).toEqual([['edited', 6]]);
    }
  });

  it('finds an edited row whose hash was recomputed without the key, and an edited last row', () => {
    const rows = chain(5);
    const forged = { ...rows[3]!, reason: 'rewritten' };
    rows[3] = { ...forged, hash: chainHash(new TextEncoder().encode('a guess at the key, 32 bytes long'), forged) };
    rows[5] = { ...rows[5]!, reason: 'the last one too' };
    expect(kinds(rows)).toEqual([
      ['edited', 4],
      ['edited', 6],
    ]);
  });

  it('finds deleted rows, in the middle and from before the chain', () => {
    const rows = chain(10, 2);
    rows.splice(6, 2);
    rows.splice(0, 1);
    const report = verify(rows);
    expect(report.findings).toEqual([
      expect.objectContaining({ kind: 'deleted', id: 9, missing: { fromSeq: 5, toSeq: 6 } }),
      expect.objectContaining({ kind: 'deleted', detail: expect.stringContaining('1 of the 2 rows') }),
    ]);
  });

  it('finds a deleted row next to an edited one', () => {
    const rows = chain(8);
    rows[5] = { ...rows[5]!, reason: 'edited after its neighbour went' };
    rows.splice(4, 1);
    expect(kinds(rows)).toEqual([
      ['edited', 6],
      ['deleted', 6],
    ]);
  });

  it('finds a cut tail only against an anchor from an earlier report', () => {
    const rows = chain(10);
    const anchor = { seq: verify(rows).head!.seq, hash: verify(rows).head!.hash };
    expect(verify(rows, anchor).ok).toBe(true);
    const cut = rows.slice(0, -2);
    expect(verify(cut).ok).toBe(true);
    expect(kinds(cut, anchor)).toEqual([['deleted', 11]]);
  });

  it('finds inserted rows: without a position, at a position a genuine row holds, and copies', () => {
    const rows = chain(6, 1);
    const forged = { ...rows[3]!, id: 100, reason: 'approved by nobody' };
    rows.push({ ...forged, seq: null, prevHash: null, hash: null });
    rows.push({ ...forged, id: 101 });
    rows.push({ ...rows[4]!, id: 102 });
    expect(kinds(rows)).toEqual([
      ['inserted', 101],
      ['inserted', 102],
      ['inserted', 100],
    ]);
  });

  it('finds a forged row appended after the end that does not link to it', () => {
    const rows = chain(4);
    rows.push({ ...rows[2]!, id: 50, seq: 6, prevHash: 'f'.repeat(64) });
    expect(kinds(rows)).toEqual([['inserted', 50]]);
  });

  it('reports a moved row as a gap and an inserted row', () => {
    const rows = chain(6);
    rows[3] = { ...rows[3]!, seq: 40 };
    expect(kinds(rows)).toEqual([
      ['deleted', 5],
      ['inserted', 4],
    ]);
  });
});
