/**
 * What an agency event means for the step it answers. Agency events follow one naming scheme
 * (contracts/agency-messages): `CommandReceived`, `AdditionalInformationRequested`, `<Result>`
 * (past tense) and `<Procedure>Rejected`, each versioned (`.v1`), so the step machinery reads any
 * agency's events the same way.
 */
export type AgencyEventOutcome =
  | { kind: 'received'; awaitingWorker: boolean }
  | { kind: 'information-requested'; fields: string[]; message: string }
  | { kind: 'rejected'; reasonCode: string; message: string }
  | { kind: 'completed'; result: Record<string, unknown> }
  | { kind: 'ignored' };

/** Fields every agency event carries to route it; not part of a step's result. */
const routingFields = new Set(['dossierId', 'stepId', 'commandId', 'agency']);

export function eventName(type: string): string {
  return type.replace(/\.v\d+$/, '');
}

export function classifyAgencyEvent(type: string, data: Record<string, unknown>): AgencyEventOutcome {
  const name = eventName(type);
  if (name === 'CommandReceived')
    return { kind: 'received', awaitingWorker: data.handling === 'manual' || data.awaitingWorker === true };
  if (name === 'CaseCancelled') return { kind: 'ignored' };
  if (name === 'AdditionalInformationRequested') {
    const fields = Array.isArray(data.fields) ? data.fields.map(String) : [];
    return {
      kind: 'information-requested',
      fields,
      message: typeof data.message === 'string' ? data.message : 'more information is needed',
    };
  }
  if (name.endsWith('Rejected')) {
    return {
      kind: 'rejected',
      reasonCode: typeof data.reasonCode === 'string' ? data.reasonCode : 'UNSPECIFIED',
      message: typeof data.message === 'string' ? data.message : name,
    };
  }
  return {
    kind: 'completed',
    result: Object.fromEntries(Object.entries(data).filter(([key]) => !routingFields.has(key))),
  };
}
