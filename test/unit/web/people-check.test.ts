import { describe, expect, it } from 'vitest';
import type { AccessContext } from '../../../contracts/data-access';
import { demoPeople } from '../../../contracts/demo-citizens';
import type { Citizen } from '../../../contracts/population';
import { catalogue } from '../../../contracts/procedures';
import type { PopulationRegistryClient } from '../../../contracts/registry';
import { createPeopleCheck, sameName } from '../../../web/people-check';
import { HttpProblem } from '../../../web/problems';
import { birthInput, deathInput } from '../../fixtures/dossiers';
import { fakeNationalRegistry } from '../agencies/support';

const access: AccessContext = { actor: 'citizen-lan', organisation: 'portal', purpose: 'application-check' };

/** The demo people, with changes (a death, say), in a registry that also records when they died. */
function registryWith(changes: Partial<Record<keyof typeof demoPeople, Partial<Citizen> & { diedOn?: string }>> = {}) {
  const byId = new Map<string, Citizen>();
  const diedOn = new Map<string, string>();
  for (const [name, person] of Object.entries(demoPeople)) {
    const { diedOn: died, ...change } = changes[name as keyof typeof demoPeople] ?? {};
    byId.set(person.personalId, { ...person, ...change });
    if (died) diedOn.set(person.personalId, died);
  }
  const registry = fakeNationalRegistry(byId);
  return {
    ...registry,
    find: async (id: string, a: AccessContext) => {
      const record = await registry.find(id, a);
      return record && { ...record, diedOn: diedOn.get(id) ?? null };
    },
  } as PopulationRegistryClient;
}

async function problemOf(
  registry: PopulationRegistryClient,
  input: ReturnType<typeof birthInput> | ReturnType<typeof deathInput>,
) {
  const check = createPeopleCheck(registry);
  const parsed = catalogue.input.parse(input);
  const err = await check(catalogue.procedureOf(parsed), parsed, access).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err === undefined) return undefined;
  expect(err).toBeInstanceOf(HttpProblem);
  return err as HttpProblem;
}

describe('checking the people an application names against the population registry', () => {
  it('accepts the demo families as they are, and logs one read per person for the application', async () => {
    const registry = registryWith();
    expect(await problemOf(registry, birthInput(5))).toBeUndefined();
    expect(await problemOf(registry, deathInput(4, 2))).toBeUndefined();
    const reads = await registry.dataAccess(demoPeople.lan.personalId);
    // Lan is applicant and mother in the birth: read once, for the application.
    expect(reads).toEqual([expect.objectContaining({ actor: 'citizen-lan', purpose: 'application-check' })]);
  });

  it('names the field of an unknown ID number, a wrong name, and a mismatch in what the deceased was born as', async () => {
    const registry = registryWith();
    const birth = birthInput(5);
    birth.father = { personalIdNumber: '079088999999', fullName: 'Trần Văn Hùng' };
    expect((await problemOf(registry, birth))?.errors).toEqual([
      { path: 'body.father.personalIdNumber', message: 'is not in the national population database' },
    ]);
    const renamed = birthInput(5);
    renamed.father = { ...renamed.father!, fullName: 'Trần Văn Hưng' };
    expect((await problemOf(registry, renamed))?.errors).toEqual([
      {
        path: 'body.father.fullName',
        message: 'is not the name the national population database holds for this personal ID number',
      },
    ]);
    const death = deathInput(2, 2);
    death.deceased.birthDate = '1950-04-13';
    const problem = await problemOf(registry, death);
    expect(problem?.status).toBe(422);
    expect(problem?.errors).toEqual([
      { path: 'body.deceased.birthDate', message: 'is not the birth date the national population database holds' },
    ]);
  });

  it('compares names as people write them: case, spacing and Unicode normalisation aside', () => {
    expect(sameName('Nguyễn Thị Lan', '  nguyễn  thị LAN ')).toBe(true);
    expect(sameName('Nguyễn Thị Lan', 'Nguyễn Thị Lan'.normalize('NFD'))).toBe(true);
    expect(sameName('Nguyễn Thị Lan', 'Nguyen Thi Lan')).toBe(false);
  });

  it('refuses a deceased applicant, a mother dead before the birth, and a death registered already', async () => {
    const birth = birthInput(5);
    const beforeBirth = new Date(Date.parse(`${birth.child.birthDate}T00:00:00Z`) - 86_400_000)
      .toISOString()
      .slice(0, 10);
    expect((await problemOf(registryWith({ lan: { alive: false, diedOn: beforeBirth } }), birth))?.errors).toEqual([
      {
        path: 'body.applicant.personalIdNumber',
        message: 'is recorded as deceased in the national population database',
      },
      { path: 'body.mother.personalIdNumber', message: "is recorded as deceased before the child's birth date" },
    ]);
    // Dead on the day of the birth is not before it: left to the registrar with the rest of the judgement.
    const sameDay = birthInput(5);
    sameDay.applicant = { ...sameDay.father!, relationship: 'father' };
    expect(
      await problemOf(registryWith({ lan: { alive: false, diedOn: sameDay.child.birthDate } }), sameDay),
    ).toBeUndefined();
    // A father who died before the birth is for a registrar to judge, not refused here.
    const fatherDead = birthInput(5);
    expect(await problemOf(registryWith({ hung: { alive: false, diedOn: '2020-01-01' } }), fatherDead)).toBeUndefined();
    expect(
      (await problemOf(registryWith({ bao: { alive: false, diedOn: '2026-01-01' } }), deathInput(2, 2)))?.errors,
    ).toEqual([
      {
        path: 'body.deceased.personalIdNumber',
        message: 'is already registered as deceased; a death is registered once',
      },
    ]);
    expect(
      (await problemOf(registryWith({ mo: { alive: false, diedOn: '2026-01-01' } }), deathInput(4, 2)))?.errors,
    ).toEqual([
      {
        path: 'body.survivors.1.personalIdNumber',
        message: 'is recorded as deceased; only living relatives confirm the representative',
      },
    ]);
  });
});
