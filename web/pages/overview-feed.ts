import type { FastifyBaseLogger } from 'fastify';
import type { NotificationHub } from '../notifications';

/**
 * One source of the operators' live overview for every open stream of this api process: it loads
 * the overview (a few visibility counts, the stuck list) only while someone watches, every
 * `intervalMs` and shortly after any dossier's status changes, never two loads at once, and hands
 * each load to every stream (each sends only what changed for it).
 */
export function createOverviewFeed<T>(deps: {
  load: () => Promise<T>;
  notifications: NotificationHub;
  log: FastifyBaseLogger;
  intervalMs?: number;
  /** Changes come in bursts (a dossier's steps move together): one load after the burst settles. */
  settleMs?: number;
}) {
  const listeners = new Set<(value: T) => void>();
  let loading: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let settling: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;

  const refresh = (): void => {
    if (loading) {
      again = true;
      return;
    }
    loading = deps
      .load()
      .then((value) => {
        for (const listener of listeners) listener(value);
      })
      .catch((err: unknown) => deps.log.warn({ err }, 'could not load the operator overview for its streams'))
      .finally(() => {
        loading = undefined;
        if (again && listeners.size > 0) {
          again = false;
          refresh();
        }
      });
  };
  const changed = () => {
    settling ??= setTimeout(() => {
      settling = undefined;
      refresh();
    }, deps.settleMs ?? 1_000);
  };
  const stop = () => {
    clearInterval(timer);
    clearTimeout(settling);
    unsubscribe?.();
    timer = settling = unsubscribe = undefined;
    again = false;
  };

  return {
    /** Starts watching for this listener (it gets a first load soon); the answer stops it. */
    subscribe(listener: (value: T) => void): () => void {
      listeners.add(listener);
      if (listeners.size === 1) {
        timer = setInterval(refresh, deps.intervalMs ?? 5_000);
        unsubscribe = deps.notifications.subscribeAll(changed);
      }
      refresh();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) stop();
      };
    },
    get watching(): number {
      return listeners.size;
    },
    stop(): void {
      listeners.clear();
      stop();
    },
  };
}
