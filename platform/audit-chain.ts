import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The hash chain of the audit log. Each row carries its position (`seq`), the hash of the row
 * before it and its own hash: an HMAC-SHA256, keyed by a secret only the api holds, over the
 * row's content, id, position and previous hash. Whoever can write the table without the key (a
 * database superuser included) cannot make an edited, moved or forged row verify.
 */

/** The previous hash of the first row of the chain. */
export const genesisPrevHash = 'genesis';
/** The action of the row that starts the chain, naming the rows written before there was one. */
export const chainStartAction = 'audit.chain-start';

/** One row as stored; `seq`, `prevHash` and `hash` are null on rows from before the chain. */
export interface StoredAuditRow {
  id: number;
  seq: number | null;
  prevHash: string | null;
  hash: string | null;
  at: string;
  actor: string;
  role: string;
  action: string;
  reason: string;
  dossierId: string | null;
  stepId: string | null;
  beforeStatus: string | null;
  afterStatus: string | null;
  details: unknown;
}

/** JSON with object keys sorted at every depth, so the same value always hashes the same (jsonb reorders keys). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The row's hash: HMAC-SHA256 (hex) over a versioned, canonical encoding of every column but `hash`. */
export function chainHash(key: Uint8Array, row: Omit<StoredAuditRow, 'hash'>): string {
  const content = canonicalJson([
    'lienthong-audit-v1',
    row.id,
    row.seq,
    row.prevHash,
    row.at,
    row.actor,
    row.role,
    row.action,
    row.reason,
    row.dossierId,
    row.stepId,
    row.beforeStatus,
    row.afterStatus,
    row.details ?? {},
  ]);
  return createHmac('sha256', key).update(content).digest('hex');
}

function verifies(key: Uint8Array, row: StoredAuditRow): boolean {
  if (row.hash === null || row.seq === null || row.prevHash === null) return false;
  const expected = Buffer.from(chainHash(key, row), 'hex');
  const stored = Buffer.from(row.hash, 'hex');
  return stored.length === expected.length && timingSafeEqual(stored, expected);
}

export type AuditFindingKind = 'edited' | 'deleted' | 'inserted';

/** One break in the chain: which row (or position), what kind, and why. */
export interface AuditFinding {
  kind: AuditFindingKind;
  /** The row found (edited, inserted) or the first row after a gap (deleted). */
  id?: number;
  seq?: number | null;
  /** For deleted: the positions missing. */
  missing?: { fromSeq: number; toSeq: number };
  detail: string;
}

export interface ChainReport {
  ok: boolean;
  /** Rows read, chained and unchained. */
  rows: number;
  /** Chained rows whose hash verifies and that sit in their place. */
  verified: number;
  /** Rows from before the chain started, as its first row counts them (not verifiable, not findings). */
  unchained: number;
  /** The last verified row: record it (seq and hash) and pass it back as an anchor to detect a cut tail. */
  head?: { seq: number; id: number; hash: string };
  findings: AuditFinding[];
}

/** A position and hash recorded from an earlier report; the row there must still have that hash. */
export interface ChainAnchor {
  seq: number;
  hash: string;
}

/**
 * Checks rows in chain order, a position at a time, without holding the log in memory: feed every
 * chained row ordered by (seq, id) to `chained`, then every unchained row ordered by id to
 * `unchained`, then call `finish`.
 *
 * - edited: a row that fails its hash alone at its position, linking to the row before it or
 *   followed by the next position (at the very end of the chain, an appended forgery that links
 *   correctly cannot be told from an edited last row; it is reported as edited either way);
 * - inserted: a row that fails its hash and takes no position of the chain (a position a genuine
 *   row holds, beyond the end without linking, or none at all after the chain started);
 * - deleted: positions missing before a genuine row, unchained rows fewer than the first row
 *   recorded, or an anchor whose row is gone or changed.
 */
export function createChainVerifier(key: Uint8Array, anchor?: ChainAnchor) {
  const findings: AuditFinding[] = [];
  let rows = 0;
  let verified = 0;
  let unchained = 0;
  let head: ChainReport['head'];
  /** The last position seen: its seq, the hash the next row must name, whether a genuine row holds it. */
  let last: { seq: number; hash: string | null; genuine: boolean } | undefined;
  let group: StoredAuditRow[] = [];
  /** An invalid row alone at its position, classified once the next position is known. */
  let pending: { row: StoredAuditRow; linksBack: boolean } | undefined;
  let chainStart: { unchainedRows: number; lastUnchainedId: number } | undefined;
  let anchorSeen = false;
  /** Missing positions, reported once a genuine row after them shows they were part of the chain. */
  const gaps: AuditFinding[] = [];

  const settlePending = (nextSeq: number | undefined) => {
    if (!pending) return;
    const { row, linksBack } = pending;
    const filled = nextSeq !== undefined && nextSeq === (row.seq ?? 0) + 1;
    findings.push(
      linksBack || filled
        ? { kind: 'edited', id: row.id, seq: row.seq, detail: 'the row no longer matches its hash' }
        : {
            kind: 'inserted',
            id: row.id,
            seq: row.seq,
            detail: 'a row that fails its hash and does not link to the chain',
          },
    );
    pending = undefined;
  };

  const closeGroup = () => {
    if (group.length === 0) return;
    const seq = group[0]!.seq!;
    settlePending(seq);
    const expected = (last?.seq ?? 0) + 1;
    if (seq > expected)
      gaps.push({
        kind: 'deleted',
        id: group[0]!.id,
        seq,
        missing: { fromSeq: expected, toSeq: seq - 1 },
        detail: `${seq - expected === 1 ? `position ${expected} is` : `positions ${expected} to ${seq - 1} are`} missing before row ${group[0]!.id}`,
      });
    const prevHash = seq === 1 ? genesisPrevHash : last?.seq === seq - 1 ? last.hash : undefined;
    const genuine = group.filter((row) => verifies(key, row));
    for (const row of group.filter((r) => !genuine.includes(r))) {
      if (genuine.length > 0)
        findings.push({
          kind: 'inserted',
          id: row.id,
          seq,
          detail: `a row that fails its hash at position ${seq}, which row ${genuine[0]!.id} holds`,
        });
      else if (!pending) pending = { row, linksBack: prevHash !== undefined && row.prevHash === prevHash };
      else
        findings.push({
          kind: 'inserted',
          id: row.id,
          seq,
          detail: `a second row failing its hash at position ${seq}`,
        });
    }
    const holder = genuine[0];
    if (holder) {
      findings.push(...gaps.splice(0));
      if (last?.genuine && last.seq === seq - 1 && holder.prevHash !== last.hash)
        findings.push({
          kind: 'deleted',
          id: holder.id,
          seq,
          detail: `row ${holder.id} names a previous row that is not there`,
        });
      verified += 1;
      head = { seq, id: holder.id, hash: holder.hash! };
      if (seq === 1 && holder.action === chainStartAction) {
        const details = holder.details as { unchainedRows?: number; lastUnchainedId?: number };
        chainStart = { unchainedRows: details.unchainedRows ?? 0, lastUnchainedId: details.lastUnchainedId ?? 0 };
      }
      if (anchor && anchor.seq === seq) {
        anchorSeen = true;
        if (holder.hash !== anchor.hash)
          findings.push({ kind: 'deleted', seq, detail: `the anchored row at position ${seq} has another hash` });
      }
      for (const extra of genuine.slice(1))
        findings.push({ kind: 'inserted', id: extra.id, seq, detail: `a copy of row ${holder.id}` });
    }
    last = { seq, hash: holder?.hash ?? pending?.row.hash ?? null, genuine: Boolean(holder) };
    group = [];
  };

  return {
    /** The next chained row, in (seq, id) order. */
    chained(row: StoredAuditRow): void {
      rows += 1;
      if (group.length > 0 && group[0]!.seq !== row.seq) closeGroup();
      group.push(row);
    },
    /** The next row without a position, in id order; call after the last chained row. */
    unchained(row: StoredAuditRow): void {
      closeGroup();
      rows += 1;
      if (chainStart && row.id <= chainStart.lastUnchainedId) unchained += 1;
      else
        findings.push({
          kind: 'inserted',
          id: row.id,
          seq: null,
          detail: chainStart
            ? `a row without a chain position written after the chain started (at row ${chainStart.lastUnchainedId + 1})`
            : 'a row without a chain position, and no verified start of the chain to place it before',
        });
    },
    finish(): ChainReport {
      closeGroup();
      settlePending(undefined);
      if (chainStart && unchained < chainStart.unchainedRows)
        findings.push({
          kind: 'deleted',
          detail: `${chainStart.unchainedRows - unchained} of the ${chainStart.unchainedRows} rows written before the chain started are missing`,
        });
      if (anchor && !anchorSeen)
        findings.push({
          kind: 'deleted',
          seq: anchor.seq,
          detail: `the anchored row at position ${anchor.seq} is gone`,
        });
      return { ok: findings.length === 0, rows, verified, unchained, head, findings };
    },
  };
}
