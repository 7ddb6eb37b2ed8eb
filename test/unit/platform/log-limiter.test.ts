import { afterEach, describe, expect, it, vi } from 'vitest';
import { isDatabaseUnavailable } from '../../../platform/database';
import { createLogLimiter } from '../../../platform/log-limiter';
import { createLogger } from '../../../platform/logger';

const captured = () => {
  const lines: { msg: string; failures?: number; kind?: string }[] = [];
  const log = createLogger({
    level: 'info',
    format: 'json',
    destination: { write: (l: string) => void lines.push(JSON.parse(l) as (typeof lines)[number]) },
  });
  return { lines, log };
};

afterEach(() => vi.useRealTimers());

describe('a failure repeated during an outage', () => {
  it('is logged once, then as one summary per interval with its count, then as recovered', () => {
    vi.useFakeTimers();
    const { lines, log } = captured();
    const limiter = createLogLimiter(log, 30_000);
    for (let i = 0; i < 65; i++) limiter.warn('decider waiting for a dependency', new Error('ECONNREFUSED'));
    expect(lines.map((l) => l.msg)).toEqual(['decider waiting for a dependency']);
    vi.advanceTimersByTime(31_000);
    limiter.warn('decider waiting for a dependency', new Error('ECONNREFUSED'));
    expect(lines.at(-1)).toMatchObject({ msg: 'decider waiting for a dependency: still failing', failures: 64 });
    limiter.warn('relay waiting for a dependency', new Error('broker down'));
    expect(lines.at(-1)).toMatchObject({
      msg: 'relay waiting for a dependency',
      kind: 'relay waiting for a dependency',
    });
    limiter.recovered('decider waiting for a dependency');
    expect(lines.at(-1)?.msg).toBe('decider waiting for a dependency: recovered');
    limiter.recovered('decider waiting for a dependency');
    expect(lines).toHaveLength(4);
  });
});

describe('a database error', () => {
  it('is an outage when the server is unreachable, shutting down or out of connections, and not when the work is wrong', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(
      true,
    );
    expect(
      isDatabaseUnavailable({ code: '57P01', message: 'terminating connection due to administrator command' }),
    ).toBe(true);
    expect(isDatabaseUnavailable({ code: '08006', message: 'connection failure' })).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable({ code: '23505', message: 'duplicate key value' })).toBe(false);
    expect(isDatabaseUnavailable({ code: '22P02', message: 'invalid input syntax' })).toBe(false);
    expect(isDatabaseUnavailable(new Error('the agency has no handler'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});
