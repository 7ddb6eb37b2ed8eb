import type { ServiceDefinition } from './procedures/define';

/** What an agency event means for the step it answers. */
export type AgencyEventOutcome =
  | { kind: 'received'; awaitingWorker: boolean; flags: string[] }
  | { kind: 'information-requested'; fields: string[]; message: string }
  | { kind: 'rejected'; reasonCode: string; message: string }
  | { kind: 'completed'; result: Record<string, unknown> }
  | { kind: 'ignored' }
  /** An event the step's service never sends: it must not complete or change the step. */
  | { kind: 'unexpected' };

/** Events every agency sends about any case, whatever its service. */
const caseEvents = ['CommandReceived.v1', 'AdditionalInformationRequested.v1', 'CaseCancelled.v1'] as const;

/** Fields every agency event carries to route it; not part of a step's result. */
const routingFields = new Set(['dossierId', 'stepId', 'commandId', 'agency']);

/** The event types a step of this service may receive; anything else is dead-lettered by the bridge. */
export function expectedEventTypes(service: ServiceDefinition): string[] {
  return [...caseEvents, service.result, service.rejection];
}

/** Classifies an event for a step of `service`, from the catalogue: its result completes, its rejection rejects. */
export function classifyAgencyEvent(
  service: ServiceDefinition,
  type: string,
  data: Record<string, unknown>,
): AgencyEventOutcome {
  switch (type) {
    case 'CommandReceived.v1':
      return {
        kind: 'received',
        awaitingWorker: data.handling === 'manual' || data.awaitingWorker === true,
        flags: Array.isArray(data.flags) ? data.flags.map(String) : [],
      };
    case 'CaseCancelled.v1':
      return { kind: 'ignored' };
    case 'AdditionalInformationRequested.v1':
      return {
        kind: 'information-requested',
        fields: Array.isArray(data.fields) ? data.fields.map(String) : [],
        message: typeof data.message === 'string' ? data.message : 'more information is needed',
      };
    case service.rejection:
      return {
        kind: 'rejected',
        reasonCode: typeof data.reasonCode === 'string' ? data.reasonCode : 'UNSPECIFIED',
        message: typeof data.message === 'string' ? data.message : type,
      };
    case service.result:
      return {
        kind: 'completed',
        result: Object.fromEntries(Object.entries(data).filter(([key]) => !routingFields.has(key))),
      };
    default:
      return { kind: 'unexpected' };
  }
}
