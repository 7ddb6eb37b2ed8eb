import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../platform/config';
import { simulatedNow } from '../../../contracts/calendar';
import { sharedClock } from '../../../services/runtime';
import { checkDatesOn, notInFuture } from '../../../contracts/dossiers';

describe('the shared clock epoch (CLOCK_EPOCH)', () => {
  it('starts each process at its own start when unset, as before', () => {
    const config = loadConfig({ CLOCK_FACTOR: '100' });
    expect(config.clockEpoch).toBeUndefined();
    expect(sharedClock(config, 5_000)).toEqual({ realEpochMs: 5_000, simulatedEpochMs: 5_000, factor: 100 });
  });

  it('gives a process restarted later the same simulated time as one that kept running', () => {
    const config = loadConfig({ CLOCK_FACTOR: '5000', CLOCK_EPOCH: '2026-11-30T02:00:00Z' });
    const epoch = Date.parse('2026-11-30T02:00:00Z');
    const first = sharedClock(config, epoch + 1_000);
    const restarted = sharedClock(config, epoch + 60_000);
    const now = epoch + 90_000;
    expect(simulatedNow(restarted, now)).toEqual(simulatedNow(first, now));
    expect(simulatedNow(first, now).getTime()).toBe(epoch + 90_000 * 5000);
  });

  it('names the variable when CLOCK_EPOCH or RESEND_BACKOFF_SECONDS is wrong', () => {
    for (const [env, name] of [
      [{ CLOCK_EPOCH: 'yesterday' }, 'CLOCK_EPOCH'],
      [{ RESEND_BACKOFF_SECONDS: '-1' }, 'RESEND_BACKOFF_SECONDS'],
    ] as const) {
      const error = (() => {
        try {
          loadConfig(env);
        } catch (err) {
          return err;
        }
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.join('\n')).toContain(name);
    }
    expect(loadConfig({ RESEND_BACKOFF_SECONDS: '2' }).resendBackoffSeconds).toBe(2);
  });
});

describe('"not in the future" on a scaled clock', () => {
  it('checks dates against the simulated today once a process runs on one, else the real calendar', () => {
    const realNow = Date.now();
    const clock = { realEpochMs: realNow - 60_000, simulatedEpochMs: realNow - 60_000, factor: 5_000 };
    const simulatedToday = new Date(realNow - 60_000 + 65_000 * 5_000).toISOString().slice(0, 10);
    expect(notInFuture(simulatedToday)).toBe(false);
    try {
      checkDatesOn(clock);
      expect(notInFuture(simulatedToday)).toBe(true);
    } finally {
      checkDatesOn(undefined);
    }
    expect(notInFuture(simulatedToday)).toBe(false);
  });
});
