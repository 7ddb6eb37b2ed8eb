import { describe, expect, it } from 'vitest';
import { newClusterId } from '../../../infra/kafka-server';

describe('newClusterId', () => {
  it('gives 22-character base64url ids that never start with a dash (the storage tool would take it for an option)', () => {
    const ids = Array.from({ length: 5_000 }, newClusterId);
    expect(ids.every((id) => /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
