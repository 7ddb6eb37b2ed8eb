import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import { agencyIds, type AgencyId } from '../contracts/agencies';
import type { AgencyEventDelivery } from '../contracts/dossier-workflow';
import { expectedEventTypes } from '../contracts/agency-outcomes';
import { catalogue as productionCatalogue, type Catalogue } from '../contracts/procedures';
import { eventTopic, topicSpec } from '../contracts/topics';
import {
  DeadLetterError,
  runConsumer,
  type BusKeyring,
  type EventHandler,
  type RunningConsumer,
} from '../platform/bus';
import type { Logger } from '../platform/logger';
import { agencyEventSignal } from '../workflows/messages';
import { consumerGroups } from '../contracts/principals';

const agencyByTopic = new Map<string, AgencyId>(agencyIds.map((agency) => [eventTopic(agency), agency]));

/**
 * Delivers agency events to their dossier workflow as signals. Safe to run as several instances
 * and to redeliver: the workflow ignores an event id it has already applied. What cannot be
 * routed (no such dossier, dossier already closed, event without routing fields) is dead-lettered.
 */
export function createEventBridgeHandler(client: Client, log: Logger, catalogue: Catalogue): EventHandler {
  const child = log.child({ module: 'event-bridge' });
  return async (event, at) => {
    const agency = agencyByTopic.get(at.topic);
    const data = event.data as Record<string, unknown> & { dossierId?: string; stepId?: string; commandId?: string };
    if (!agency) throw new DeadLetterError('unknown-topic', `the bridge does not route ${at.topic}`);
    if (data.dossierId !== event.attributes.subject)
      throw new DeadLetterError(
        'subject-mismatch',
        `event subject ${event.attributes.subject} is not its dossier ${String(data.dossierId)}`,
      );
    const service = catalogue.service(String(data.stepId));
    if (!service || service.agency !== agency)
      throw new DeadLetterError(
        'unknown-step',
        `${agency} answered step ${String(data.stepId)}, which no procedure gives it`,
      );
    if (!expectedEventTypes(service).includes(event.attributes.type))
      throw new DeadLetterError(
        'unexpected-event',
        `step ${service.id} never receives ${event.attributes.type}; it expects ${expectedEventTypes(service).join(', ')}`,
      );
    const delivery: AgencyEventDelivery = {
      eventId: event.attributes.id,
      type: event.attributes.type,
      agency,
      stepId: String(data.stepId),
      commandId: String(data.commandId),
      occurredAt: event.attributes.time,
      data,
    };
    const handle = client.workflow.getHandle(event.attributes.subject);
    try {
      await handle.signal(agencyEventSignal, delivery);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      let closedAs: string | undefined;
      try {
        closedAs = (await handle.describe()).status.name;
      } catch {
        throw new DeadLetterError(
          'unknown-dossier',
          `no dossier ${event.attributes.subject} for ${event.attributes.type}`,
        );
      }
      throw new DeadLetterError(
        'workflow-closed',
        `dossier ${event.attributes.subject} is already ${closedAs}; ${event.attributes.type} arrived too late`,
      );
    }
    child.debug(
      { dossierId: event.attributes.subject, stepId: delivery.stepId, eventType: delivery.type },
      'event delivered',
    );
  };
}

/** Runs the bridge: one consumer group over every agency event topic. */
export async function startEventBridge(deps: {
  kafka: Kafka;
  /** The bridge's bus keys: it verifies that each agency's events come from that agency. */
  keyring: BusKeyring;
  client: Client;
  log: Logger;
  groupId?: string;
  /** The procedures whose steps it routes; the production catalogue unless a test adds its own. */
  catalogue?: Catalogue;
}): Promise<RunningConsumer> {
  return runConsumer({
    kafka: deps.kafka,
    groupId: deps.groupId ?? consumerGroups.eventBridge,
    topics: agencyIds.map((agency) => topicSpec(eventTopic(agency))),
    keyring: deps.keyring,
    handler: createEventBridgeHandler(deps.client, deps.log, deps.catalogue ?? productionCatalogue),
    log: deps.log,
  });
}
