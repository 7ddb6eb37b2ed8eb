import type { AccessContext } from '../contracts/data-access';
import type { NamedPerson, ProcedureDefinition, ProcedureInputBase } from '../contracts/procedures/define';
import type { PopulationRegistryClient, RegistryRecord } from '../contracts/registry';
import type { Problem } from '../contracts/api';
import { unprocessable } from './problems';

/** Names compare as people write them: Unicode-normalised, case and spacing aside. */
export const sameName = (a: string, b: string) => {
  const norm = (name: string) => name.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('vi');
  return norm(a) === norm(b);
};

/** What is wrong with one named person against the registry's record of them, as problem entries. */
export function personIssues(person: NamedPerson, record: RegistryRecord | undefined): Problem['errors'] {
  const at = (field: string) => ['body', ...person.path, field].join('.');
  if (!record) return [{ path: at('personalIdNumber'), message: 'is not in the national population database' }];
  const issues: NonNullable<Problem['errors']> = [];
  const { citizen } = record;
  if (!sameName(citizen.fullName, person.fullName))
    issues.push({
      path: at('fullName'),
      message: 'is not the name the national population database holds for this personal ID number',
    });
  if (person.born && person.born.birthDate !== citizen.birthDate)
    issues.push({ path: at('birthDate'), message: 'is not the birth date the national population database holds' });
  if (person.born && person.born.sex !== citizen.sex)
    issues.push({ path: at('sex'), message: 'is not the sex the national population database holds' });
  const diedBefore = (on: string | undefined) =>
    !citizen.alive && (on === undefined || record.diedOn === null || record.diedOn < on);
  if (person.alive && diedBefore(person.alive.on))
    issues.push({ path: at('personalIdNumber'), message: person.alive.otherwise });
  return issues;
}

/**
 * Checks every person an application names against the national population registry before a
 * dossier starts, so what is checkable at submission is refused there (422 naming each field)
 * rather than rejected by an agency a moment later. Each person is read once, logged as a read
 * for the application (`access`).
 */
export function createPeopleCheck(registry: PopulationRegistryClient) {
  return async function checkPeople(
    procedure: ProcedureDefinition,
    input: ProcedureInputBase,
    access: AccessContext,
  ): Promise<void> {
    const people = procedure.people(input);
    const ids = [...new Set(people.map((p) => p.personalIdNumber))];
    const records = new Map(await Promise.all(ids.map(async (id) => [id, await registry.find(id, access)] as const)));
    const issues = people.flatMap((person) => personIssues(person, records.get(person.personalIdNumber)) ?? []);
    if (issues.length > 0)
      throw unprocessable(
        'the application names people as the national population database does not know them; correct the fields listed',
        issues,
      );
  };
}
export type PeopleCheck = ReturnType<typeof createPeopleCheck>;
