/**
 * Custom search attributes every dossier workflow upserts, so the api and operators can list and
 * find stuck dossiers through Temporal visibility. Local infrastructure registers exactly these.
 */
export const searchAttributes = {
  DossierStatus: 'Keyword',
  ProcedureKind: 'Keyword',
  CitizenId: 'Keyword',
  CurrentSteps: 'KeywordList',
  AgenciesWaitedOn: 'KeywordList',
  EarliestDueTime: 'Datetime',
  Overdue: 'Bool',
  Failing: 'Bool',
} as const satisfies Record<string, 'Text' | 'Keyword' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList'>;

export type SearchAttributeName = keyof typeof searchAttributes;
