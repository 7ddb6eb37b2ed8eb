import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { messageFields, personal, unmarkedPersonalFields } from '../../../contracts/personal-data';
import { topicSpecs } from '../../../contracts/topics';
import { PersonalIdNumber, PersonName } from '../../../contracts/values';

describe('personal fields of bus messages', () => {
  it.each(
    topicSpecs.flatMap((spec) => Object.entries(spec.messages).map(([type, schema]) => [spec.name, type, schema])),
  )('%s %s marks every field whose name looks personal', (_topic, _type, schema) => {
    expect(unmarkedPersonalFields(schema as z.ZodType)).toEqual([]);
  });

  it('catches a new field that looks personal and is not marked, and follows marks through wrappers and arrays', () => {
    const forgotten = z.strictObject({
      dossierId: z.string(),
      fullName: z.string(),
      people: z.array(z.strictObject({ birthDate: z.string().optional() })),
    });
    expect(unmarkedPersonalFields(forgotten)).toEqual(['fullName', 'people[].birthDate']);
    const marked = z.strictObject({
      dossierId: z.string(),
      fullName: PersonName.optional(),
      people: z.array(z.strictObject({ birthDate: personal(z.string()).optional(), id: PersonalIdNumber })),
    });
    expect(unmarkedPersonalFields(marked)).toEqual([]);
    expect(messageFields(marked)).toEqual([
      { path: 'dossierId', personal: false },
      { path: 'fullName', personal: true },
      { path: 'people', personal: false },
      { path: 'people[].birthDate', personal: true },
      { path: 'people[].id', personal: true },
    ]);
  });

  it('marks the people of the commands (names, ID numbers, addresses, dates of birth)', () => {
    const registerBirth = topicSpecs.find((s) => s.name === 'agency.civil-status.commands')!.messages[
      'RegisterBirth.v1'
    ]!;
    const personalPaths = messageFields(registerBirth)
      .filter((f) => f.personal)
      .map((f) => f.path);
    expect(personalPaths).toEqual(
      expect.arrayContaining([
        'applicant.fullName',
        'applicant.personalIdNumber',
        'child.fullName',
        'child.birthDate',
        'child.birthPlace',
        'child.birthPlace.street',
        'mother.personalIdNumber',
      ]),
    );
  });
});
