import { describe, expect, it } from 'vitest';
import { DependencyUnavailableError, unavailableDependency } from '../../../platform/unavailable';

describe('which dependency an error says is down', () => {
  it('names postgres, temporal and kafka from their own errors, looking through causes', () => {
    expect(unavailableDependency(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(
      'postgres',
    );
    const grpc = Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 });
    expect(unavailableDependency(new Error('Failed to query workflow', { cause: grpc }))).toBe('temporal');
    const kafka = Object.assign(new Error('Connection error: connect ECONNREFUSED'), {
      name: 'KafkaJSConnectionError',
    });
    expect(unavailableDependency(new Error('publish failed', { cause: kafka }))).toBe('kafka');
  });

  it('names the service a DependencyUnavailableError names, before what its cause looks like', () => {
    const fetchFailed = new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    expect(
      unavailableDependency(new DependencyUnavailableError('back office', 'no answer', { cause: fetchFailed })),
    ).toBe('back office');
  });

  it('says nothing of errors about the work itself', () => {
    expect(unavailableDependency({ code: '23505', message: 'duplicate key value' })).toBeUndefined();
    expect(unavailableDependency(new Error('the agency has no handler'))).toBeUndefined();
    expect(unavailableDependency(Object.assign(new Error('not found'), { code: 5 }))).toBeUndefined();
    expect(unavailableDependency(undefined)).toBeUndefined();
  });
});
