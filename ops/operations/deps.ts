import type { Client, WorkflowHandle } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { Kafka } from 'kafkajs';
import type { AgencyId } from '../../contracts/agencies';
import type { BulkFilters, DossierSummary, DossierView, SearchQuery } from '../../contracts/api';
import type { BackOffice } from '../../contracts/back-office';
import type { AuditLog } from '../../platform/audit';
import type { StepTimings } from '../../platform/step-timings';
import type { OpenDeadLetterSource } from './open-dead-letters';

/** The filters a search or a bulk job takes, as the api validated them. */
export type DossierFilters = Omit<Partial<SearchQuery>, 'limit'> | BulkFilters;

/** What the operations module needs of the dossiers: Temporal visibility, queries and handles. */
export interface DossierDirectory {
  client: Client;
  /** A visibility query over this catalogue's dossiers. */
  query(filters: DossierFilters): string;
  list(query: string, limit: number): Promise<DossierSummary[]>;
  /** One page of a visibility query, with Temporal's reported problems per row, and the next page's cursor. */
  page(
    query: string,
    pageSize: number,
    cursor?: string,
  ): Promise<{ rows: (DossierSummary & { reportedProblems: string[] })[]; nextCursor?: string }>;
  count(query: string): Promise<number>;
  search(filters: DossierFilters, limit: number): Promise<DossierSummary[]>;
  view(dossierId: string): Promise<DossierView>;
  handle(dossierId: string): WorkflowHandle;
}

/** Everything operator queries and actions run on; the api and tests build it from their context. */
export interface OperationsDeps {
  dossiers: DossierDirectory;
  audit: AuditLog;
  namespace: string;
  /** To read workflow history (a reset finds where to go back to). */
  codec: PayloadCodec;
  /** For dead letters; absent = those queries say so. */
  kafka?: Kafka;
  /** The back offices this process reaches: their outbox lag feeds the stuck list. */
  backOffices?: Partial<Record<AgencyId, BackOffice>>;
  /** Which dossiers have open dead letters (the stuck list's view of them). */
  openDeadLetters?: OpenDeadLetterSource;
  temporalUiUrl?: string;
  /** Finished steps' due and finish times, for the agencies' on-time rates; absent = not shown. */
  stepTimings?: Pick<StepTimings, 'counts'>;
  log?: OperationsLog;
}

/** Who acts: every action is recorded under this name, as an operator. */
export interface Actor {
  subject: string;
}

/** The part of a pino (or Fastify) logger the module writes to. */
export interface OperationsLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
