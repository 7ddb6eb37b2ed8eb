import { describe, expect, it } from 'vitest';
import type { DossierStatusChanged } from '../../../contracts/dossier-status';
import { createLogger } from '../../../platform/logger';
import { createNotificationHub } from '../../../web/notifications';
import { createOverviewFeed } from '../../../web/pages/overview-feed';

const log = createLogger({ level: 'silent', format: 'json' });
const settle = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe("the operators' overview feed", () => {
  it('loads only while someone watches, once for every watcher, again soon after a status change', async () => {
    const hub = createNotificationHub();
    let loads = 0;
    let running = 0;
    let overlapped = false;
    const feed = createOverviewFeed({
      load: async () => {
        running += 1;
        overlapped ||= running > 1;
        loads += 1;
        await settle(20);
        running -= 1;
        return loads;
      },
      notifications: hub,
      log,
      intervalMs: 60_000,
      settleMs: 30,
    });
    const first: number[] = [];
    const second: number[] = [];
    const stopFirst = feed.subscribe((n) => first.push(n));
    const stopSecond = feed.subscribe((n) => second.push(n));
    // The second watcher asked while the first load ran: one more load after it, never two at once.
    await expect.poll(() => second.length).toBe(2);
    expect(overlapped).toBe(false);
    expect(loads).toBe(2);
    expect(first).toEqual([1, 2]);
    expect(second).toEqual([1, 2]);
    expect(hub.listeners).toBe(1);

    hub.publish({ dossierId: 'HS-1' } as DossierStatusChanged);
    hub.publish({ dossierId: 'HS-2' } as DossierStatusChanged);
    await expect.poll(() => first.length).toBe(3);
    expect(loads).toBe(3);

    stopFirst();
    stopSecond();
    expect(feed.watching).toBe(0);
    expect(hub.listeners).toBe(0);
    hub.publish({ dossierId: 'HS-3' } as DossierStatusChanged);
    await settle(100);
    expect(loads).toBe(3);
  });
});
