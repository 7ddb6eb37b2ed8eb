import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

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

/** Typed keys for upserting (workflows) and building visibility queries (api). */
export const dossierSearchKeys = {
  DossierStatus: defineSearchAttributeKey('DossierStatus', SearchAttributeType.KEYWORD),
  ProcedureKind: defineSearchAttributeKey('ProcedureKind', SearchAttributeType.KEYWORD),
  CitizenId: defineSearchAttributeKey('CitizenId', SearchAttributeType.KEYWORD),
  CurrentSteps: defineSearchAttributeKey('CurrentSteps', SearchAttributeType.KEYWORD_LIST),
  AgenciesWaitedOn: defineSearchAttributeKey('AgenciesWaitedOn', SearchAttributeType.KEYWORD_LIST),
  EarliestDueTime: defineSearchAttributeKey('EarliestDueTime', SearchAttributeType.DATETIME),
  Overdue: defineSearchAttributeKey('Overdue', SearchAttributeType.BOOL),
  Failing: defineSearchAttributeKey('Failing', SearchAttributeType.BOOL),
} as const satisfies Record<SearchAttributeName, unknown>;

/**
 * Temporal's own flag on a workflow whose tasks keep failing or timing out (two in a row), e.g. a
 * worker that cannot replay its history after a bad deploy: a visibility condition.
 */
export const reportedTaskProblems = `TemporalReportedProblems IN ('category=WorkflowTaskFailed', 'category=WorkflowTaskTimedOut')`;
