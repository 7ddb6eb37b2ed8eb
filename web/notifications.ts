import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { DossierStatusChanged } from '../contracts/dossier-status';
import { notificationsTopic, topicSpec } from '../contracts/topics';
import { runConsumer, type BusKeyring, type RunningConsumer } from '../platform/bus';
import type { Logger } from '../platform/logger';
import { consumerGroups } from '../contracts/principals';

export type Listener = (change: DossierStatusChanged) => void;

/** Fans dossier status changes out to the open server-sent-event streams of this api process. */
export interface NotificationHub {
  subscribe(dossierId: string, listener: Listener): () => void;
  /** Every dossier's changes (the operators' live lists). */
  subscribeAll(listener: Listener): () => void;
  publish(change: DossierStatusChanged): void;
  readonly listeners: number;
}

export function createNotificationHub(): NotificationHub {
  const byDossier = new Map<string, Set<Listener>>();
  const everyDossier = new Set<Listener>();
  let count = 0;
  return {
    subscribe(dossierId, listener) {
      const set = byDossier.get(dossierId) ?? new Set();
      set.add(listener);
      byDossier.set(dossierId, set);
      count += 1;
      return () => {
        if (set.delete(listener)) count -= 1;
        if (set.size === 0) byDossier.delete(dossierId);
      };
    },
    subscribeAll(listener) {
      everyDossier.add(listener);
      count += 1;
      return () => {
        if (everyDossier.delete(listener)) count -= 1;
      };
    },
    publish(change) {
      for (const listener of byDossier.get(change.dossierId) ?? []) listener(change);
      for (const listener of everyDossier) listener(change);
    },
    get listeners() {
      return count;
    },
  };
}

/**
 * Feeds the hub from the notifications topic. Every api instance reads every change (its own
 * consumer group, from now on): a stream may be open on any of them.
 */
export async function feedFromKafka(
  hub: NotificationHub,
  kafka: Kafka,
  keyring: BusKeyring,
  log: Logger,
): Promise<RunningConsumer> {
  return runConsumer({
    kafka,
    keyring,
    groupId: `${consumerGroups.apiStreamPrefix}${randomUUID()}`,
    topics: [topicSpec(notificationsTopic)],
    fromBeginning: false,
    log,
    handler: async (event) => hub.publish(event.data as DossierStatusChanged),
  });
}
