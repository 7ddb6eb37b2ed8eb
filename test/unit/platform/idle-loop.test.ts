import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createIdleLoop, wakingAfter } from '../../../platform/idle-loop';

describe('an idle loop', () => {
  it('polls more and more slowly while nothing comes', async () => {
    let passes = 0;
    const loop = createIdleLoop({ minMs: 10, maxMs: 80, pass: async () => (passes++, 0) });
    await sleep(400);
    await loop.stop();
    // 10 ms each would be about 40 passes; doubling to 80 ms makes it about 8.
    expect(passes).toBeGreaterThanOrEqual(2);
    expect(passes).toBeLessThanOrEqual(12);
  });

  it('runs again at once while passes find work, and when woken', async () => {
    const queue = [3, 2, 1];
    const seen: number[] = [];
    const loop = createIdleLoop({
      minMs: 10,
      maxMs: 10_000,
      pass: async () => {
        const item = queue.shift();
        if (item !== undefined) seen.push(item);
        return item === undefined ? 0 : 1;
      },
    });
    await sleep(100);
    expect(seen).toEqual([3, 2, 1]);
    // The loop now waits up to 10 s; a wake makes it look at once.
    await sleep(200);
    queue.push(4);
    const woken = Date.now();
    loop.wake();
    while (!seen.includes(4)) await sleep(1);
    expect(Date.now() - woken).toBeLessThan(500);
    await loop.stop();
  });

  it('waits after a pass that took less than a full batch, and runs again at once after a full one', async () => {
    const results = [5, 5, 3];
    const passes: number[] = [];
    const loop = createIdleLoop({
      minMs: 300,
      maxMs: 10_000,
      batchSize: 5,
      pass: async () => {
        passes.push(Date.now());
        return results.shift() ?? 0;
      },
    });
    await sleep(150);
    // Two full batches and the partial one at once; then no empty pass right behind the partial one.
    expect(passes).toHaveLength(3);
    expect(passes[2]! - passes[0]!).toBeLessThan(100);
    await sleep(300);
    expect(passes).toHaveLength(4);
    // A wake ends the wait at once.
    results.push(2);
    const woken = Date.now();
    loop.wake();
    while (passes.length < 5) await sleep(1);
    expect(passes[4]! - woken).toBeLessThan(100);
    await loop.stop();
  });

  it('waits its failure interval after a pass that throws, and stops at once', async () => {
    let passes = 0;
    const loop = createIdleLoop({
      minMs: 10,
      maxMs: 10,
      failedMs: 5_000,
      pass: async () => {
        passes++;
        throw new Error('database down');
      },
    });
    await sleep(100);
    expect(passes).toBe(1);
    const stopping = Date.now();
    await loop.stop();
    expect(Date.now() - stopping).toBeLessThan(500);
  });
});

describe('a service that wakes a loop', () => {
  it('wakes it after each of its calls settles, and answers as before', async () => {
    let wakes = 0;
    const service = wakingAfter(
      {
        async register(n: number) {
          return n * 2;
        },
        async refuse() {
          throw new Error('refused');
        },
      },
      () => wakes++,
    );
    expect(await service.register(21)).toBe(42);
    await expect(service.refuse()).rejects.toThrow('refused');
    expect(wakes).toBe(2);
  });
});
