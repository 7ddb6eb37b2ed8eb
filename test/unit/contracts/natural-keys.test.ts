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
    const input = birthInput(5);
    const keys = keysOf(input);
    expect(keys.map((k) => k.fields)).toEqual([
      ['birthCertificateReference'],
      ['child.birthDate', 'child.fullName', 'mother.personalIdNumber'],
    ]);
    const retyped = structuredClone(input);
    retyped.child.fullName = ` ${retyped.child.fullName.normalize('NFD').toUpperCase()} `;
    retyped.birthCertificateReference = input.birthCertificateReference.toLowerCase();
    expect(keysOf(retyped)).toEqual(keys);
    // Another child of the same mother on the same day (twins) differs by name, another day by date.
    const twin = { ...structuredClone(input), birthCertificateReference: `${input.birthCertificateReference}-2` };
    twin.child = { ...twin.child, fullName: 'Trần Minh An' };
    expect(keysOf(twin).map((k) => k.value)).not.toContain(keys[0]!.value);
    expect(keysOf(twin).map((k) => k.value)).not.toContain(keys[1]!.value);
    const nextDay = structuredClone(input);
    nextDay.child.birthDate = birthInput(6).child.birthDate;
    expect(keysOf(nextDay)[1]!.value).not.toBe(keys[1]!.value);
  });

  it('are the same for one birth whichever procedure files it, and only the reference without a mother', () => {
    const input = birthInput(5);
    expect(keysOf({ ...birthCardInput(5), ...input, procedure: 'birth-card' })).toEqual(keysOf(input));
    const fatherOnly = { ...input, mother: undefined };
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
