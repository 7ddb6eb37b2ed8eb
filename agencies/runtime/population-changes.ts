import type { Kafka } from 'kafkajs';
import type { AgencyId } from '../../contracts/agencies';
import type { CloudEvent } from '../../contracts/cloudevents';
import { populationChanges, type PopulationChangeType } from '../../contracts/population-changes';
import type { TopicSpec } from '../../contracts/topics';
import {
  DeadLetterError,
  migrateProcessedEvents,
  runConsumer,
  withIdempotency,
  type BusKeyring,
} from '../../platform/bus';
import type { Pool, Queryable } from '../../platform/database';
import type { Logger } from '../../platform/logger';
import { insertCitizen } from '../reference';

const consumerName = 'population-read-model';

/** A change about a person the read model does not hold: nothing to apply it to, so it is dead-lettered. */
async function expectOne(result: Promise<{ rowCount: number | null }>, personalId: string): Promise<void> {
  if ((await result).rowCount === 0)
    throw new DeadLetterError('unknown-person', `the read model holds no person ${personalId}`);
}

/** How each change of the registry lands in the read model, one exhaustive entry per change type. */
const appliers: { [Type in PopulationChangeType]: (db: Queryable, event: CloudEvent) => Promise<unknown> } = {
  'CitizenBorn.v1': (db, event) => insertCitizen(db, populationChanges['CitizenBorn.v1'].parse(event.data).citizen),
  'CitizenDied.v1': (db, event) => {
    const { personalId, diedOn } = populationChanges['CitizenDied.v1'].parse(event.data);
    return expectOne(
      db.query('update reference.citizens set alive = false, died_on = $2 where personal_id = $1', [
        personalId,
        diedOn,
      ]),
      personalId,
    );
  },
  'CitizenPermanentResidenceRegistered.v1': (db, event) => {
    const { personalId, residence } = populationChanges['CitizenPermanentResidenceRegistered.v1'].parse(event.data);
    return expectOne(
      db.query(
        `update reference.citizens set household_id = $2, province_code = $3, commune = $4, street = $5,
           permanent_resident = true,
           household_head = household_head and household_id = $2, owner = owner and household_id = $2
         where personal_id = $1`,
        [personalId, residence.householdId, residence.provinceCode, residence.commune, residence.street],
      ),
      personalId,
    );
  },
  'CitizenPermanentResidenceDeleted.v1': (db, event) => {
    const { personalId } = populationChanges['CitizenPermanentResidenceDeleted.v1'].parse(event.data);
    return expectOne(
      db.query('update reference.citizens set permanent_resident = false where personal_id = $1', [personalId]),
      personalId,
    );
  },
};

/**
 * Keeps the agency's read model of the population in step with the registry: each change is applied
 * once (by event id, in the same transaction as the change); one it cannot apply is dead-lettered.
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
      const apply = appliers[event.attributes.type as PopulationChangeType];
      await withIdempotency(deps.pool, consumerName, event.attributes.id, (client) => apply(client, event));
      deps.onApplied?.(event);
    },
  });
}
