import { describe, expect, it } from 'vitest';
import { demoCitizens, generatePopulation } from '../../../contracts/population-generator';
import { demoPeople } from '../../../contracts/demo-citizens';
import { Citizen } from '../../../contracts/population';
import { idMatchesPerson } from '../../../contracts/values';
import { devUsers } from '../../../web/auth';

describe('the seeded population', () => {
  it.each(Object.entries(demoPeople))('demo person %s fits the citizen contract', (_name, person) => {
    expect(Citizen.safeParse(person).error).toBeUndefined();
  });

  it('includes every demo person, whom the development citizen logins act as', () => {
    expect(demoCitizens).toEqual(Object.values(demoPeople));
    for (const user of Object.values(devUsers).filter((u) => u.role === 'citizen'))
      expect(demoCitizens).toContainEqual(
        expect.objectContaining({ personalId: user.personalIdNumber, fullName: user.name }),
      );
  });

  it('is generated the same for a seed, with unique ID numbers that agree with sex and birth year (rule 1)', () => {
    const population = generatePopulation(500, 3);
    expect(generatePopulation(500, 3)).toEqual(population);
    expect(new Set(population.map((c) => c.personalId)).size).toBe(500);
    for (const citizen of population) {
      expect(Citizen.safeParse(citizen).error).toBeUndefined();
      expect(idMatchesPerson(citizen.personalId, citizen)).toBe(true);
    }
  });
});
