import { createHash } from 'node:crypto';
import { Partitioners, type IHeaders, type Kafka, type Producer } from 'kafkajs';
import { z } from 'zod';
import { topicSpecs } from '../../contracts/topics';
import { busSecurityHeaders, headerText, openMessage, sealMessage, type BusKeyring } from '../../platform/bus';
import type { AuditLog } from '../../platform/audit';
import type { Logger } from '../../platform/logger';
import { obsolescenceOf, obsoleteBecause, type Obsolescence, type StepAttempts } from './obsolete';
import { redrivenFromHeader } from './recorder';
import {
  recordOnly,
  type DeadLetterFilter,
  type DeadLetterRecord,
  type DeadLetterStore,
  type StoredDeadLetter,
} from './store';
import { redrivenHeaders } from './topic';

/** Why an operation on a dead letter was refused; the api answers 404, 409 or 422 from `type`. */
export class DeadLetterRefusal extends Error {
  constructor(
    readonly type: 'not-found' | 'closed' | 'obsolete' | 'invalid-fix' | 'nothing-chosen',
    message: string,
    readonly errors: { path: string; message: string }[] = [],
    /** A fix that does not fit its schema: the schema's issues, paths inside the payload (pages word them). */
    readonly issues: readonly z.core.$ZodIssue[] = [],
  ) {
    super(message);
    this.name = 'DeadLetterRefusal';
  }
}

/** Who acts, and why (recorded in the audit log before anything happens). */
export interface Actor {
  subject: string;
  reason: string;
}

/** A dead letter chosen for a redrive, and what became of it. */
export interface RedriveOutcome {
  deadLetterId: string;
  topic: string | null;
  dossierId: string | null;
  stepId: string | null;
  attempt: number | null;
  reason: string | null;
  outcome: 'redriven' | 'would-redrive' | 'skipped' | 'failed';
  /** Why it was skipped (closed, obsolete, unknown) or failed. */
  because?: string;
  /** The dead letter is of an attempt that no longer matters (sent anyway only with `force`). */
  obsolete?: string;
}

export interface RedriveSelection {
  deadLetterIds?: string[];
  topic?: string;
  reason?: string;
  dossierId?: string;
  all?: true;
}

/** How many open dead letters one redrive by filter looks at. */
const redriveLimit = 10_000;

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** The paths whose values differ between two JSON values (names only: values may be personal data). */
export function changedPaths(before: unknown, after: unknown, at = ''): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (isObject(before) && isObject(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => changedPaths(before[key], after[key], at ? `${at}.${key}` : key));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [at || '(whole)'];
}

/** A dead letter's headers as text (CloudEvents attributes, dlq_* reasons), without the signatures' bytes. */
function readableHeaders(headers: IHeaders, keep: (name: string) => boolean = () => true): Record<string, string> {
  const hidden = new Set<string>([busSecurityHeaders.signature, busSecurityHeaders.signatureChain]);
  return Object.fromEntries(
    Object.keys(headers)
      .filter((name) => !hidden.has(name) && keep(name))
      .sort()
      .map((name) => [name, headerText(headers, name) ?? '']),
  );
}

/** The original's headers a fixed copy keeps: its CloudEvents attributes, not its producer's seal. */
function fixedCopyHeaders(headers: IHeaders, deadLetterId: string): IHeaders {
  const seal = new Set<string>([
    busSecurityHeaders.signature,
    busSecurityHeaders.signatureChain,
    busSecurityHeaders.signatureKeyId,
    busSecurityHeaders.dataKeyId,
    busSecurityHeaders.fixedDeadLetter,
  ]);
  const kept = Object.fromEntries(
    Object.entries(headers).filter(([name]) => (name.startsWith('ce_') && !seal.has(name)) || name === 'content-type'),
  );
  return { ...kept, [busSecurityHeaders.fixedDeadLetter]: deadLetterId, [redrivenFromHeader]: deadLetterId };
}

/**
 * The operator's dead-letter actions over the records: list, show decoded, fix, redrive, discard.
 * Each action is written to the audit log before it is carried out, and a dead letter is closed
 * (only one caller wins) before its copy is published, so none is ever sent twice.
 */
export function createDeadLetterOperations(deps: {
  store: DeadLetterStore;
  /** The operations principal's connection and keys: it holds every topic's data key and signs fixed copies. */
  kafka: Kafka;
  keyring: BusKeyring;
  audit: AuditLog;
  /** The steps of a dossier as its view shows them; undefined for a dossier that cannot be read. */
  stepsOf: (dossierId: string) => Promise<readonly StepAttempts[] | undefined>;
  log: Logger;
}) {
  const log = deps.log.child({ module: 'dead-letters' });
  let producer: Promise<Producer> | undefined;
  const connected = () =>
    (producer ??= (async () => {
      const p = deps.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await p.connect();
      return p;
    })().catch((err: unknown) => {
      producer = undefined;
      throw err;
    }));

  const find = async (deadLetterId: string): Promise<StoredDeadLetter> => {
    const found = await deps.store.get(deadLetterId);
    if (!found) throw new DeadLetterRefusal('not-found', `no dead letter ${deadLetterId}`);
    return found;
  };
  const mustBeOpen = (row: DeadLetterRecord) => {
    if (row.state !== 'open')
      throw new DeadLetterRefusal(
        'closed',
        `dead letter ${row.deadLetterId} is already ${row.state}${row.closedBy ? ` (by ${row.closedBy} at ${row.closedAt})` : ''}`,
      );
  };
  const specOf = (topic: string) => topicSpecs.find((spec) => spec.name === topic);
  const open = (row: StoredDeadLetter) => {
    const spec = specOf(row.topic);
    if (!spec) return { ok: false as const, reason: 'unknown-topic', error: `no contract for ${row.topic}` };
    return openMessage(spec, { key: row.messageKeyBytes, value: row.value, headers: row.headers }, deps.keyring);
  };
  const entry = (actor: Actor, action: string, row: DeadLetterRecord, details: Record<string, unknown> = {}) => ({
    actor: actor.subject,
    role: 'operator' as const,
    action,
    reason: actor.reason,
    dossierId: row.dossierId ?? undefined,
    stepId: row.stepId ?? undefined,
    details: { deadLetterId: row.deadLetterId, topic: row.topic, ...details },
  });
  const publish = async (topic: string, message: { key: Buffer | null; value: Buffer | null; headers: IHeaders }) => {
    await (await connected()).send({ topic, acks: -1, messages: [message] });
  };
  /** Closes, publishes, and on failure reopens and records the failure; answers nothing or throws. */
  const closeAndPublish = async (
    actor: Actor,
    action: string,
    row: StoredDeadLetter,
    message: { key: Buffer | null; value: Buffer | null; headers: IHeaders },
    fix?: DeadLetterRecord['fix'],
  ) => {
    const closed = await deps.store.close(row.deadLetterId, 'redriven', {
      actor: actor.subject,
      reason: actor.reason,
      fix,
    });
    if (!closed) throw new DeadLetterRefusal('closed', `dead letter ${row.deadLetterId} was closed meanwhile`);
    try {
      await publish(row.topic, message);
    } catch (err) {
      await deps.store.reopen(row.deadLetterId);
      await deps.audit
        .append(entry(actor, `${action}.failed`, row, { error: (err as Error).message }))
        .catch((auditErr: unknown) =>
          log.error(
            { err: auditErr, deadLetterId: row.deadLetterId },
            'could not record that a dead-letter action failed',
          ),
        );
      throw err;
    }
    log.info(
      { deadLetterId: row.deadLetterId, topic: row.topic, action, dossierId: row.dossierId },
      'dead letter sent again',
    );
  };
  const stepsCache = () => {
    const cache = new Map<string, Promise<readonly StepAttempts[] | undefined>>();
    return (dossierId: string | null) => {
      if (!dossierId) return Promise.resolve(undefined);
      if (!cache.has(dossierId))
        cache.set(
          dossierId,
          deps.stepsOf(dossierId).catch(() => undefined),
        );
      return cache.get(dossierId)!;
    };
  };

  return {
    list: (filter: DeadLetterFilter) => deps.store.list(filter),

    /**
     * One dead letter with its data opened. The data may hold personal data: the read is audited
     * first (not answered when it cannot be), and only operators get here.
     */
    async show(deadLetterId: string, reader: { subject: string; role: 'operator' | 'auditor' }) {
      const row = await find(deadLetterId);
      await deps.audit.append({
        actor: reader.subject,
        role: reader.role,
        action: 'dead-letter.read',
        reason: 'read a dead letter and its data',
        dossierId: row.dossierId ?? undefined,
        stepId: row.stepId ?? undefined,
        details: { deadLetterId, topic: row.topic },
      });
      const opened = open(row);
      let data: unknown;
      let problem: string | undefined;
      if (opened.ok) {
        try {
          data = JSON.parse(opened.value.toString());
        } catch (err) {
          problem = `invalid-json: ${(err as Error).message}`;
        }
      } else problem = `${opened.reason}: ${opened.error}`;
      return {
        ...recordOnly(row),
        signedBy: opened.ok ? opened.signer : undefined,
        attributes: readableHeaders(row.headers, (name) => name.startsWith('ce_')),
        data,
        problem,
      };
    },

    /**
     * One dead letter without its data: the record and its headers as text (routing, reasons,
     * CloudEvents attributes; no personal data), for auditors as for operators.
     */
    async describe(deadLetterId: string) {
      const row = await find(deadLetterId);
      return { ...recordOnly(row), headers: readableHeaders(row.headers) };
    },

    /** How many dead letters of each state match a filter's topic, dossier and reason. */
    counts: (filter: Omit<DeadLetterFilter, 'state' | 'limit'>) => deps.store.counts(filter),

    /**
     * What redriving one dead letter would do, nothing sent and nothing recorded: whether it is
     * still open, and why it is obsolete when it is (then only a forced redrive sends it).
     */
    async redrivePreview(deadLetterId: string): Promise<{ state: DeadLetterRecord['state']; obsolete?: Obsolescence }> {
      const row = await find(deadLetterId);
      if (row.state !== 'open') return { state: row.state };
      const steps = row.dossierId ? await deps.stepsOf(row.dossierId).catch(() => undefined) : undefined;
      const obsolete = obsolescenceOf(row, steps);
      return obsolete ? { state: row.state, obsolete } : { state: row.state };
    },

    /**
     * A corrected payload for a dead letter: validated against its topic's contract for its type
     * before anything else, the change audited as hashes and changed field names (never values),
     * then sealed and signed by operations, naming the dead letter, and published to its topic.
     */
    async fix(deadLetterId: string, payload: unknown, actor: Actor) {
      const row = await find(deadLetterId);
      mustBeOpen(row);
      const spec = specOf(row.topic);
      const type = row.eventType ?? '';
      const schema = spec && Object.hasOwn(spec.messages, type) ? spec.messages[type] : undefined;
      if (!spec || !schema)
        throw new DeadLetterRefusal('invalid-fix', `dead letter ${deadLetterId} carries no type ${row.topic} knows`, [
          {
            path: 'deadLetterId',
            message: `its type ${type || '(none)'} is not one of ${spec ? Object.keys(spec.messages).join(', ') : 'any topic'}; it can only be discarded`,
          },
        ]);
      const parsed = schema.safeParse(payload);
      if (!parsed.success)
        throw new DeadLetterRefusal(
          'invalid-fix',
          `the payload does not fit ${type}:\n${z.prettifyError(parsed.error)}`,
          parsed.error.issues.map((issue) => ({
            path: ['payload', ...issue.path.map(String)].join('.'),
            message: issue.message,
          })),
          parsed.error.issues,
        );
      const opened = open(row);
      let before: unknown;
      if (opened.ok)
        try {
          before = JSON.parse(opened.value.toString());
        } catch {
          before = undefined;
        }
      const after = JSON.stringify(parsed.data);
      const fix = {
        beforeSha256: sha256(opened.ok ? opened.value : (row.value ?? Buffer.alloc(0))),
        afterSha256: sha256(after),
        changedPaths: before === undefined ? ['(whole)'] : changedPaths(before, parsed.data),
      };
      await deps.audit.append(entry(actor, 'dead-letter.fix', row, { eventType: type, ...fix }));
      const message = sealMessage(
        row.topic,
        { key: row.messageKeyBytes, value: after, headers: fixedCopyHeaders(row.headers, deadLetterId) },
        deps.keyring,
      );
      await closeAndPublish(
        actor,
        'dead-letter.fix',
        row,
        {
          key: message.key === undefined || message.key === null ? null : Buffer.from(message.key),
          value: Buffer.from(message.value as Buffer),
          headers: message.headers ?? {},
        },
        fix,
      );
      return recordOnly(await find(deadLetterId));
    },

    /**
     * Re-publishes chosen open dead letters as they were (their producer's signature still holds),
     * each with a header naming the dead letter; closed ones are never sent again, obsolete ones
     * (an attempt replaced by a newer one, or of a step already decided) only with `force`. A dry
     * run says what would be sent and what skipped.
     */
    async redrive(
      selection: RedriveSelection,
      options: { dryRun: boolean; force: boolean; actor: Actor },
    ): Promise<RedriveOutcome[]> {
      const { deadLetterIds, topic, reason, dossierId, all } = selection;
      if (!deadLetterIds?.length && !topic && !reason && !dossierId && !all)
        throw new DeadLetterRefusal('nothing-chosen', 'choose what to redrive', [
          { path: 'deadLetterIds', message: 'give dead-letter ids, a topic, a reason, a dossier, or all: true' },
        ]);
      const steps = stepsCache();
      const outcomes: RedriveOutcome[] = [];
      const chosen: DeadLetterRecord[] = [];
      if (deadLetterIds?.length) {
        for (const id of deadLetterIds) {
          const row = await deps.store.get(id);
          if (!row)
            outcomes.push({
              deadLetterId: id,
              topic: null,
              dossierId: null,
              stepId: null,
              attempt: null,
              reason: null,
              outcome: 'skipped',
              because: 'unknown',
            });
          else chosen.push(row);
        }
      } else chosen.push(...(await deps.store.list({ topic, reason, dossierId, state: 'open', limit: redriveLimit })));
      for (const row of chosen) {
        const base = {
          deadLetterId: row.deadLetterId,
          topic: row.topic,
          dossierId: row.dossierId,
          stepId: row.stepId,
          attempt: row.attempt,
          reason: row.reason,
        };
        if (row.state !== 'open') {
          outcomes.push({ ...base, outcome: 'skipped', because: `already ${row.state}` });
          continue;
        }
        const obsolete = obsoleteBecause(row, await steps(row.dossierId));
        if (obsolete && !options.force) {
          outcomes.push({ ...base, outcome: 'skipped', because: `obsolete: ${obsolete}`, obsolete });
          continue;
        }
        if (options.dryRun) {
          outcomes.push({ ...base, outcome: 'would-redrive', ...(obsolete ? { obsolete } : {}) });
          continue;
        }
        try {
          const stored = await find(row.deadLetterId);
          // One audit row per dead letter, each written before that one is sent.
          await deps.audit.append(
            entry(options.actor, 'dead-letter.redrive', stored, { force: options.force, obsolete }),
          );
          await closeAndPublish(options.actor, 'dead-letter.redrive', stored, {
            key: stored.messageKeyBytes,
            value: stored.value,
            headers: { ...redrivenHeaders(stored.headers), [redrivenFromHeader]: stored.deadLetterId },
          });
          outcomes.push({ ...base, outcome: 'redriven', ...(obsolete ? { obsolete } : {}) });
        } catch (err) {
          outcomes.push({ ...base, outcome: 'failed', because: (err as Error).message });
        }
      }
      return outcomes;
    },

    /** One dead letter redriven: 404 unknown, 409 closed or obsolete (unless forced). */
    async redriveOne(deadLetterId: string, options: { force: boolean; actor: Actor }): Promise<RedriveOutcome> {
      const row = await find(deadLetterId);
      mustBeOpen(row);
      const obsolete = obsoleteBecause(row, await deps.stepsOf(row.dossierId ?? '').catch(() => undefined));
      if (obsolete && !options.force)
        throw new DeadLetterRefusal(
          'obsolete',
          `dead letter ${deadLetterId} is obsolete: ${obsolete}; force to send it anyway`,
        );
      const [outcome] = await this.redrive(
        { deadLetterIds: [deadLetterId] },
        { ...options, dryRun: false, force: true },
      );
      if (outcome!.outcome === 'failed') throw new Error(outcome!.because);
      if (outcome!.outcome === 'skipped')
        throw new DeadLetterRefusal('closed', `dead letter ${deadLetterId} ${outcome!.because}`);
      return outcome!;
    },

    /** Closes a dead letter without sending anything; the reason is required and audited. */
    async discard(deadLetterId: string, actor: Actor): Promise<DeadLetterRecord> {
      const row = await find(deadLetterId);
      mustBeOpen(row);
      await deps.audit.append(entry(actor, 'dead-letter.discard', row));
      const closed = await deps.store.close(deadLetterId, 'discarded', { actor: actor.subject, reason: actor.reason });
      if (!closed) throw new DeadLetterRefusal('closed', `dead letter ${deadLetterId} was closed meanwhile`);
      log.info({ deadLetterId, topic: row.topic, dossierId: row.dossierId }, 'dead letter discarded');
      return closed;
    },

    depth: () => deps.store.depth(),

    async close(): Promise<void> {
      if (producer) await (await producer.catch(() => undefined))?.disconnect();
      producer = undefined;
    },
  };
}
export type DeadLetterOperations = ReturnType<typeof createDeadLetterOperations>;
