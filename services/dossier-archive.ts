import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import { closedDossierStatuses, DossierStatusChanged, type DossierStatusView } from '../contracts/dossier-status';
import { notificationsTopic, topicSpec } from '../contracts/topics';
import { runConsumer, type BusKeyring, type RunningConsumer } from '../platform/bus';
import type { DossierRecords } from '../platform/dossier-records';
import type { StepTimings } from '../platform/step-timings';
import { finishedSteps } from '../ops/operations/on-time';
import type { Logger } from '../platform/logger';
import type { CitizenKeyer } from '../platform/pseudonym';
import { statusQuery } from '../workflows/messages';
import { consumerGroups } from '../contracts/principals';

/**
 * Keeps every dossier that closes in the records, from the notifications topic: one consumer group
 * for all api instances, so each closing is written once (and a redelivery rewrites the same row).
 * The full view comes from the workflow itself; if it is already gone, the notification's copy.
 */
export async function startDossierArchive(deps: {
  kafka: Kafka;
  keyring: BusKeyring;
  client: Client;
  records: DossierRecords;
  /** Also keeps every finished step's due and finish times, for the on-time rates. */
  stepTimings?: StepTimings;
  citizenKey: CitizenKeyer;
  log: Logger;
  groupId?: string;
}): Promise<RunningConsumer> {
  const log = deps.log.child({ module: 'dossier-archive' });
  return runConsumer({
    kafka: deps.kafka,
    groupId: deps.groupId ?? consumerGroups.dossierArchive,
    topics: [topicSpec(notificationsTopic)],
    keyring: deps.keyring,
    log: deps.log,
    handler: async (event) => {
      const change = DossierStatusChanged.parse(event.data);
      await deps.stepTimings?.record(finishedSteps(change.dossierId, change.steps));
      if (!closedDossierStatuses.includes(change.status)) return;
      const view = await finalView(deps.client, change);
      await deps.records.save(
        view,
        change.citizenKey ?? (view.citizenId ? deps.citizenKey(view.citizenId) : undefined),
      );
      log.info({ dossierId: view.dossierId, status: view.status }, 'closed dossier kept');
    },
  });
}

async function finalView(client: Client, change: DossierStatusChanged): Promise<DossierStatusView> {
  try {
    return await client.workflow.getHandle(change.dossierId).query(statusQuery);
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    // The notification names the citizen only by pseudonymous key: the record keeps that key, no ID number.
    const { changedAt, citizenKey: _key, ...rest } = change;
    return {
      ...rest,
      citizenId: '',
      submittedAt: changedAt,
      updatedAt: changedAt,
      operatorActions: [],
      ignoredEvents: 0,
    };
  }
}
