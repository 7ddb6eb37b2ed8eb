import type { Kafka } from 'kafkajs';
import { agencyIds, type AgencyId } from '../../contracts/agencies';
import { commandTopic, deadLetterTopic, eventTopic } from '../../contracts/topics';
import type { DeadLetterRecord } from '../dead-letters/store';
import { listDeadLetters } from '../dead-letters/topic';

/** The open dead letters of one dossier on one topic. */
export interface OpenDeadLetters {
  dossierId: string;
  topic: string;
  /** The agency whose command (or result) it is. */
  agency: AgencyId;
  count: number;
  /** The dead-letter reasons, distinct. */
  reasons: string[];
}

/**
 * Where the stuck list learns which dossiers have open dead letters. Today it reads the
 * dead-letter topics of the agencies' commands and results (a dead letter is open while it is
 * there); the dead-letter records in PostgreSQL can feed the same interface, cheaper.
 */
export type OpenDeadLetterSource = () => Promise<OpenDeadLetters[]>;

const dossierTopics = agencyIds.flatMap((agency) => [
  { topic: commandTopic(agency), agency },
  { topic: eventTopic(agency), agency },
]);

/** Open dead letters from the dead-letter topics: only the non-empty ones are read. */
export function deadLetterTopicSource(kafka: Kafka): OpenDeadLetterSource {
  return async () => {
    const admin = kafka.admin();
    await admin.connect();
    let nonEmpty: typeof dossierTopics;
    try {
      const existing = new Set(await admin.listTopics());
      const sized = await Promise.all(
        dossierTopics
          .filter(({ topic }) => existing.has(deadLetterTopic(topic)))
          .map(async (t) => {
            const offsets = await admin.fetchTopicOffsets(deadLetterTopic(t.topic));
            return { ...t, size: offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0) };
          }),
      );
      nonEmpty = sized.filter((t) => t.size > 0);
    } finally {
      await admin.disconnect();
    }
    const perTopic = await Promise.all(
      nonEmpty.map(async ({ topic, agency }) => {
        const byDossier = new Map<string, OpenDeadLetters>();
        for (const letter of await listDeadLetters(kafka, topic)) {
          if (!letter.key) continue;
          const entry = byDossier.get(letter.key) ?? { dossierId: letter.key, topic, agency, count: 0, reasons: [] };
          entry.count += 1;
          const reason = letter.reason ?? letter.error ?? 'no reason recorded';
          if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
          byDossier.set(letter.key, entry);
        }
        return [...byDossier.values()];
      }),
    );
    return perTopic.flat();
  };
}

const agencyOfTopic = new Map<string, AgencyId>(dossierTopics.map(({ topic, agency }) => [topic, agency]));

/**
 * Open dead letters from their records in PostgreSQL (ops/dead-letters): one indexed query, what
 * an api process that keeps the records uses. Dead letters of topics that are not an agency's
 * commands or results, or with no dossier, are not a dossier's.
 */
export function deadLetterRecordSource(
  list: (filter: {
    state: 'open';
    limit: number;
  }) => Promise<Pick<DeadLetterRecord, 'topic' | 'dossierId' | 'reason'>[]>,
): OpenDeadLetterSource {
  return async () => {
    const byKey = new Map<string, OpenDeadLetters>();
    for (const letter of await list({ state: 'open', limit: 10_000 })) {
      const agency = agencyOfTopic.get(letter.topic);
      if (!agency || !letter.dossierId) continue;
      const key = `${letter.dossierId} ${letter.topic}`;
      const entry = byKey.get(key) ?? {
        dossierId: letter.dossierId,
        topic: letter.topic,
        agency,
        count: 0,
        reasons: [],
      };
      entry.count += 1;
      if (!entry.reasons.includes(letter.reason)) entry.reasons.push(letter.reason);
      byKey.set(key, entry);
    }
    return [...byKey.values()];
  };
}

/**
 * Keeps the last answer for `ttlMs` and refreshes it in the background once stale, so the
 * stuck list never waits on reading the dead-letter topics (a consumer group join) twice in a row.
 */
export function cachedSource(source: OpenDeadLetterSource, ttlMs: number): OpenDeadLetterSource {
  let last: { at: number; value: OpenDeadLetters[] } | undefined;
  let pending: Promise<OpenDeadLetters[]> | undefined;
  const refresh = () =>
    (pending ??= source()
      .then((value) => {
        last = { at: Date.now(), value };
        return value;
      })
      .finally(() => {
        pending = undefined;
      }));
  return async () => {
    if (!last) return refresh();
    if (Date.now() - last.at > ttlMs) refresh().catch(() => undefined);
    return last.value;
  };
}
