import type { Kafka } from 'kafkajs';
import type { AgencyId } from '../../contracts/agencies';
import type { CloudEvent } from '../../contracts/cloudevents';
import { populationChanges, type PopulationChangeType } from '../../contracts/population-changes';
import type { TopicSpec } from '../../contracts/topics';
import { DeadLetterError, migrateProcessedEvents, runConsumer, type BusKeyring } from '../../platform/bus';
import type { Pool, Queryable } from '../../platform/database';
import type { Logger } from '../../platform/logger';
import { citizenColumns } from '../reference';

const consumerName = 'population-read-model';

/**
 * Each change as one statement that records the event id in `processed_events` and changes the
 * read model together, atomically and without a transaction of its own: one round trip where a
 * transaction took four (`begin`, the record, the change, `commit`): 24 of the 121 database
 * queries a dossier cost in `npm run bench` went to these. An update records the event only when its
 * person is there, so a change about an unknown person writes nothing and can be dead-lettered
 * (and redriven once the person exists).
 */
const updateOnce = (set: string) => `
  with target as (select personal_id from reference.citizens where personal_id = $3),
       seen as (insert into processed_events (consumer, event_id)
                select $1::text, $2::text where exists (select 1 from target) on conflict do nothing returning 1),
       changed as (update reference.citizens set ${set}
                   where personal_id = $3 and exists (select 1 from seen) returning 1)
  select exists (select 1 from target) as known`;

type Applier = (db: Queryable, recorded: [consumer: string, eventId: string], event: CloudEvent) => Promise<void>;

/** Runs an update-once statement; a change about a person the read model does not hold is dead-lettered. */
async function update(db: Queryable, sql: string, params: unknown[], personalId: string): Promise<void> {
  const { rows } = await db.query<{ known: boolean }>(sql, params);
  if (!rows[0]?.known) throw new DeadLetterError('unknown-person', `the read model holds no person ${personalId}`);
}

/** How each change of the registry lands in the read model, one exhaustive entry per change type. */
const appliers: { [Type in PopulationChangeType]: Applier } = {
  // Adding a newborn is idempotent by itself (a repeat leaves the row as it is): recorded beside it.
  'CitizenBorn.v1': async (db, recorded, event) => {
    const columns = citizenColumns(populationChanges['CitizenBorn.v1'].parse(event.data).citizen);
    await db.query(
      `with added as (insert into reference.citizens values (${columns.map((_, i) => `$${i + 3}`).join(', ')})
                      on conflict (personal_id) do nothing)
       insert into processed_events (consumer, event_id) values ($1, $2) on conflict do nothing`,
      [...recorded, ...columns],
    );
  },
  'CitizenDied.v1': (db, recorded, event) => {
    const { personalId, diedOn } = populationChanges['CitizenDied.v1'].parse(event.data);
    return update(db, updateOnce('alive = false, died_on = $4::date'), [...recorded, personalId, diedOn], personalId);
  },
  'CitizenPermanentResidenceRegistered.v1': (db, recorded, event) => {
    const { personalId, residence } = populationChanges['CitizenPermanentResidenceRegistered.v1'].parse(event.data);
    return update(
      db,
      updateOnce(`household_id = $4::text, province_code = $5::text, commune = $6::text, street = $7::text,
           permanent_resident = true,
           household_head = household_head and household_id = $4::text, owner = owner and household_id = $4::text`),
      [...recorded, personalId, residence.householdId, residence.provinceCode, residence.commune, residence.street],
      personalId,
    );
  },
  'CitizenPermanentResidenceDeleted.v1': (db, recorded, event) => {
    const { personalId } = populationChanges['CitizenPermanentResidenceDeleted.v1'].parse(event.data);
    return update(db, updateOnce('permanent_resident = false'), [...recorded, personalId], personalId);
  },
};

/** Applies one change of the registry to an agency's read model, once per event id. */
export const applyPopulationChange = (db: Queryable, event: CloudEvent): Promise<void> =>
  appliers[event.attributes.type as PopulationChangeType](db, [consumerName, event.attributes.id], event);

/**
 * Keeps the agency's read model of the population in step with the registry: each change is applied
 * once (by event id, in the same statement as the change); one it cannot apply is dead-lettered.
 */
export async function followPopulationChanges(deps: {
  agency: AgencyId;
  pool: Pool;
  kafka: Kafka;
  keyring: BusKeyring;
  log: Logger;
  topic: TopicSpec;
  groupId: string;
  /** Told of each change once it is in the read model (the propagation benchmark measures with it). */
  onApplied?: (event: CloudEvent) => void;
}) {
  await migrateProcessedEvents(deps.pool);
  return runConsumer({
    kafka: deps.kafka,
    groupId: deps.groupId,
    topics: [deps.topic],
    keyring: deps.keyring,
    log: deps.log.child({ agency: deps.agency }),
    // Changes are keyed by person, so partitions are independent: apply them side by side.
    partitionsConsumedConcurrently: 3,
    handler: async (event) => {
      await applyPopulationChange(deps.pool, event);
      deps.onApplied?.(event);
    },
  });
}
