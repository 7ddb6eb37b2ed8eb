import { describe, expect, it } from 'vitest';
import { citizenKeyer } from '../../../platform/pseudonym';

describe('citizenKeyer', () => {
  const key = citizenKeyer(new TextEncoder().encode('secret-one'));

  it('gives every ID number a stable 26-character base32 key that does not contain it', () => {
    const a = key('001190012345');
    expect(a).toMatch(/^c-[a-z2-7]{26}$/);
    expect(key('001190012345')).toBe(a);
    expect(a).not.toContain('001190012345');
  });

  it('differs between citizens and between deployment secrets', () => {
    expect(key('001190012345')).not.toBe(key('001190012346'));
    expect(citizenKeyer(new TextEncoder().encode('secret-two'))('001190012345')).not.toBe(key('001190012345'));
  });
});
