import { describe, expect, it } from 'vitest';
import { catalogue } from '../../../contracts/procedures';
import { naturalKey, normaliseKeyPart } from '../../../contracts/natural-keys';
import { birthInput, deathInput } from '../../fixtures/dossiers';
import { birthCardInput, testCatalogue } from '../../fixtures/procedures';

const keysOf = (input: { procedure: string; applicant: { personalIdNumber: string } }) =>
  testCatalogue.procedureOf(input).uniqueKeys(input);

describe('natural keys of applications', () => {
  it('normalise case, whitespace and Unicode form', () => {
    const composed = 'Trần Minh Khang';
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    expect(normaliseKeyPart(`  ${decomposed.toUpperCase()}\t`)).toBe('trần minh khang');
    expect(normaliseKeyPart('TRẦN   minh\nKHANG')).toBe(normaliseKeyPart(composed));
    expect(naturalKey({ b: 'X', a: 'Y' })).toEqual({ fields: ['a', 'b'], value: 'a=y\nb=x' });
  });

  it('know a birth by its certificate reference and by the mother, birth date and child’s name', () => {
    const keys = keysOf(birthInput(5));
    expect(keys.map((k) => k.fields)).toEqual([
      ['birthCertificateReference'],
      ['child.birthDate', 'child.fullName', 'mother.personalIdNumber'],
    ]);
    const retyped = birthInput(5);
    retyped.child.fullName = ` ${retyped.child.fullName.normalize('NFD').toUpperCase()} `;
    retyped.birthCertificateReference = 'gcs-2026-004512';
    expect(keysOf(retyped)).toEqual(keys);
    // Another child of the same mother on the same day (twins) differs by name, another day by date.
    const twin = { ...birthInput(5), birthCertificateReference: 'GCS-2026-004513' };
    twin.child = { ...twin.child, fullName: 'Trần Minh An' };
    expect(keysOf(twin).map((k) => k.value)).not.toContain(keys[0]!.value);
    expect(keysOf(twin).map((k) => k.value)).not.toContain(keys[1]!.value);
    expect(keysOf(birthInput(6))[1]!.value).not.toBe(keys[1]!.value);
  });

  it('are the same for one birth whichever procedure files it, and only the reference without a mother', () => {
    expect(keysOf(birthCardInput(5))).toEqual(keysOf(birthInput(5)));
    const fatherOnly = { ...birthInput(5), mother: undefined };
    expect(keysOf(fatherOnly).map((k) => k.fields)).toEqual([['birthCertificateReference']]);
  });

  it('know a death by the deceased’s personal ID number, whatever the variant', () => {
    expect(keysOf(deathInput(2))).toEqual([
      { fields: ['deceased.personalIdNumber'], value: 'deceased.personalIdNumber=001050098765' },
    ]);
    expect(keysOf(deathInput(4))).toEqual(keysOf(deathInput(2)));
  });

  it('are declared by every procedure on offer', () => {
    for (const procedure of catalogue.procedures) expect(typeof procedure.uniqueKeys, procedure.id).toBe('function');
  });
});
