/**
 * A polling loop that costs little when there is nothing to do: after a pass that found work it
 * runs again at once; after an empty pass it waits, `minMs` first and twice as long each time up to
 * `maxMs`; `wake()` (work just arrived in this process: a command taken in, a decision taken) ends
 * the wait at once. The slow poll still finds what other processes or a crash left behind.
 * Before this an agency polled its database ten times a second per loop, and the registry twenty,
 * whatever came in.
 */
export function createIdleLoop(options: {
  /** One pass: how many items it handled. A throw counts as an empty pass (the caller logs it). */
  pass: () => Promise<number>;
  minMs: number;
  maxMs: number;
  /** How long to wait after a failed pass (a dependency down), instead of the idle backoff. */
  failedMs?: number;
  /**
   * The most one pass takes. A pass that took fewer drained what was there, so the loop waits
   * (`minMs`, or less if woken) instead of making an empty pass at once: under load that was every
   * other pass of an agency's decider and relay, three database round trips each.
   */
  batchSize?: number;
}) {
  let running = true;
  let woken = false;
  let interrupt: (() => void) | undefined;
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken || !running) return resolve();
      const timer = setTimeout(done, ms);
      interrupt = done;
      function done() {
        clearTimeout(timer);
        interrupt = undefined;
        resolve();
      }
    });
  const done = (async () => {
    let idleMs = options.minMs;
    while (running) {
      woken = false;
      let handled = 0;
      let failed = false;
      try {
        handled = await options.pass();
      } catch {
        failed = true;
      }
      if (handled > 0) {
        idleMs = options.minMs;
        if (options.batchSize === undefined || handled >= options.batchSize) continue;
      }
      await wait(failed ? (options.failedMs ?? options.maxMs) : idleMs);
      idleMs = woken ? options.minMs : Math.min(idleMs * 2, options.maxMs);
    }
  })();
  return {
    /** Work arrived: run a pass now (or right after the one in progress). */
    wake(): void {
      woken = true;
      interrupt?.();
    },
    /** Ends the loop after the pass in progress. */
    async stop(): Promise<void> {
      running = false;
      interrupt?.();
      await done;
    },
  };
}

/**
 * The same service with `wake` called after each of its methods settles: a back office's decision
 * or a registry's registration leaves a row in an outbox, and its relay should not wait to find it.
 */
export function wakingAfter<T extends object>(service: T, wake: () => void): T {
  return new Proxy(service, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (result instanceof Promise) return result.finally(wake);
        wake();
        return result;
      };
    },
  });
}
