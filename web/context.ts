import type { PayloadCodec } from '@temporalio/common';
import type { Kafka } from 'kafkajs';
import type { AgencyId } from '../contracts/agencies';
import type { BackOffice } from '../contracts/back-office';
import type { Catalogue } from '../contracts/procedures';
import type { PopulationRegistryClient } from '../contracts/registry';
import type { DeadLetterOperations } from '../ops/dead-letters/service';
import type { AuditLog } from '../platform/audit';
import type { StepTimings } from '../platform/step-timings';
import type { BulkJobStore, OpenDeadLetterSource } from '../ops/operations';
import type { DossierGateway } from './dossiers';
import type { NotificationHub } from './notifications';
import type { DeliveredMessage, DeliveryState, NotificationChannel } from '../contracts/notifications';

/** The messages the notifications service keeps (its outbox): what a citizen was told, and counts for the metrics. */
export interface CitizenMessages {
  forCitizen(personalIdNumber: string, limit?: number): Promise<DeliveredMessage[]>;
  counts(): Promise<{ channel: NotificationChannel; state: DeliveryState; count: number }[]>;
}

/** What the routes work with; the composition root builds it, tests build it from fakes or the real stack. */
export interface ApiContext {
  /** The procedures on offer: request bodies, labels and reason codes derive from it. */
  catalogue: Catalogue;
  dossiers: DossierGateway;
  notifications: NotificationHub;
  /** The back offices this api process reaches (in-process agencies under `npm start`). */
  backOffices: Partial<Record<AgencyId, BackOffice>>;
  audit: AuditLog;
  /** The national population registry: what it knows of the signed-in citizen, and who read it. */
  registry: PopulationRegistryClient;
  /** For the bridge's consumer lag (metrics): a connection that may describe the event topics and the bridge's group. */
  kafka?: Kafka;
  /** Dead letters as records (the operations principal); absent = those routes answer 503. */
  deadLetters?: DeadLetterOperations;
  temporalUiUrl?: string;
  /** Finished steps' due and finish times (the on-time rates); absent = the rates are not shown. */
  stepTimings?: StepTimings;
  /** A result older than this (seconds) in an agency's outbox puts its dossier on the stuck list. */
  outboxLagThresholdSeconds?: number;
  /** Where bulk jobs are kept (PostgreSQL); absent = the bulk-job routes answer 503. */
  bulkJobStore?: BulkJobStore;
  /** Which dossiers have open dead letters; by default read from the dead-letter topics over `kafka`. */
  openDeadLetters?: OpenDeadLetterSource;
  /** The citizen's messages (SMS and e-mail); absent = the messages page answers 503. */
  messages?: CitizenMessages;
  namespace: string;
  /** The payload codec, to read workflow history (reset finds a step's first command). */
  codec: PayloadCodec;
}
