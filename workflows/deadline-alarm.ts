import { condition, sleep } from '@temporalio/workflow';

/**
 * One durable timer for a dossier's earliest deadline instead of a timer per wait. A wait whose
 * deadline is already covered by an earlier armed timer starts none; a timer is never cancelled
 * (an answer that comes in time leaves it to fire harmlessly, or to vanish with the finished
 * workflow), so a happy dossier writes one TimerStarted and no TimerCanceled. When a timer fires,
 * the next earliest deadline still awaited is armed.
 */
export class DeadlineAlarm {
  /** Real instants (ms) of timers started and not yet fired. */
  private readonly armed = new Set<number>();
  /** Real instants (ms) the waits in progress end at. */
  private readonly waits = new Map<number, number>();
  private nextWait = 0;
  /** The latest instant a fired timer stood for: every deadline up to it has passed. */
  private reached = 0;

  /**
   * Waits until `predicate` holds (true) or `delayMs` real milliseconds pass (false), like
   * `condition(predicate, delayMs)` but sharing the dossier's timer.
   */
  async wait(predicate: () => boolean, delayMs: number): Promise<boolean> {
    const at = Date.now() + Math.max(1, delayMs);
    const id = this.nextWait++;
    this.waits.set(id, at);
    this.arm(at);
    try {
      await condition(() => predicate() || this.passed(at));
    } finally {
      this.waits.delete(id);
    }
    return predicate();
  }

  private passed(at: number): boolean {
    return this.reached >= at || Date.now() >= at;
  }

  /** Makes sure some timer fires at or before `at`. */
  private arm(at: number): void {
    const now = Date.now();
    for (const armedAt of this.armed) if (armedAt <= at && armedAt >= now) return;
    this.armed.add(at);
    sleep(at - now).then(
      () => this.fired(at),
      // Cancelled with the workflow: nothing is waiting any more.
      () => this.armed.delete(at),
    );
  }

  private fired(at: number): void {
    this.armed.delete(at);
    this.reached = Math.max(this.reached, at);
    const pending = [...this.waits.values()].filter((until) => !this.passed(until));
    if (pending.length > 0) this.arm(Math.min(...pending));
  }
}
