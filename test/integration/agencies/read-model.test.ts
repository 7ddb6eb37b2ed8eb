import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CloudEvent } from '../../../contracts/cloudevents';
import type { PopulationChangeType } from '../../../contracts/population-changes';
import type { Citizen } from '../../../contracts/population';
import { generatePopulation } from '../../../contracts/population-generator';
import { createPopulationReadModel, loadPopulation } from '../../../agencies/reference';
import { applyPopulationChange } from '../../../agencies/runtime/population-changes';
import { createOwnedDatabase } from '../../../infra/postgres-roles';
import { DeadLetterError, migrateProcessedEvents } from '../../../platform/bus';
import { createPool, type Pool } from '../../../platform/database';
import { createLogger } from '../../../platform/logger';

const endpoints = inject('endpoints');
const log = createLogger({ level: 'warn', format: 'json' }, { process: 'test' });

/** A change as the consumer hands it over: verified, decrypted and validated. */
const change = (type: PopulationChangeType, data: unknown, id = randomUUID()): CloudEvent => ({
  attributes: {
    id,
    source: 'lienthong/registry',
    type,
    specversion: '1.0',
    subject: 'citizen-key',
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
  },
  data,
});

describe("an agency's read model of the population, on real PostgreSQL", () => {
  let pool: Pool;
  const [parent, other] = generatePopulation(2, 7) as [Citizen, Citizen];
  const newborn: Citizen = {
    ...parent,
    personalId: '001226009999',
    fullName: 'Trần Thị Mới Sinh',
    birthDate: '2026-11-20',
    householdHead: false,
    owner: false,
    contributionMonths: 0,
    pensioner: false,
    alive: true,
  };
  const find = (personalId: string) => createPopulationReadModel(pool).find(personalId);
  const row = async (personalId: string) =>
    (
      await pool.query<{ alive: boolean; died_on: string | null; permanent_resident: boolean; household_id: string }>(
        'select alive, died_on, permanent_resident, household_id from reference.citizens where personal_id = $1',
        [personalId],
      )
    ).rows[0];

  beforeAll(async () => {
    pool = createPool(await createOwnedDatabase(endpoints, `read_model_${randomUUID().slice(0, 8)}`));
    await loadPopulation(pool, [parent, other], log);
    await migrateProcessedEvents(pool);
  });
  afterAll(async () => {
    await pool?.end();
  });

  it('adds a newborn once, however often the change is delivered', async () => {
    const born = change('CitizenBorn.v1', { citizen: newborn });
    await applyPopulationChange(pool, born);
    await applyPopulationChange(pool, born);
    expect(await find(newborn.personalId)).toEqual(newborn);
    const { rows } = await pool.query('select count(*)::int as n from processed_events where event_id = $1', [
      born.attributes.id,
    ]);
    expect(rows[0].n).toBe(1);
  });

  it('applies a residence registered, then deleted, each once', async () => {
    const residence = {
      householdId: 'HK-001-NEW0001',
      provinceCode: '001',
      commune: 'Phường Ba Đình',
      street: '1 Đội Cấn',
    };
    const registered = change('CitizenPermanentResidenceRegistered.v1', { personalId: other.personalId, residence });
    await applyPopulationChange(pool, registered);
    expect(await row(other.personalId)).toMatchObject({ household_id: 'HK-001-NEW0001', permanent_resident: true });
    // A later change, then the earlier one redelivered: the redelivery changes nothing.
    await applyPopulationChange(
      pool,
      change('CitizenPermanentResidenceDeleted.v1', { personalId: other.personalId, deletedOn: '2026-11-30' }),
    );
    await applyPopulationChange(pool, registered);
    expect(await row(other.personalId)).toMatchObject({ household_id: 'HK-001-NEW0001', permanent_resident: false });
    expect((await find(other.personalId))?.householdHead).toBe(false);
  });

  it('marks a death once', async () => {
    const died = change('CitizenDied.v1', { personalId: parent.personalId, diedOn: '2026-11-29' });
    await applyPopulationChange(pool, died);
    await applyPopulationChange(pool, died);
    expect(await row(parent.personalId)).toMatchObject({ alive: false, died_on: '2026-11-29' });
  });

  it('dead-letters a change about a person it does not hold, and records nothing, so a redrive applies it', async () => {
    const stranger = { ...newborn, personalId: '001226008888' };
    const died = change('CitizenDied.v1', { personalId: stranger.personalId, diedOn: '2026-11-29' });
    const refused = applyPopulationChange(pool, died);
    await expect(refused).rejects.toBeInstanceOf(DeadLetterError);
    await expect(refused).rejects.toMatchObject({ reason: 'unknown-person' });
    const { rows } = await pool.query('select count(*)::int as n from processed_events where event_id = $1', [
      died.attributes.id,
    ]);
    expect(rows[0].n).toBe(0);
    // The person arrives; the same event, redriven, now applies.
    await applyPopulationChange(pool, change('CitizenBorn.v1', { citizen: stranger }));
    await applyPopulationChange(pool, died);
    expect(await row(stranger.personalId)).toMatchObject({ alive: false, died_on: '2026-11-29' });
  });
});
