import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
// Not re-exported by the package index; turns one raw visibility row into what `list()` yields.
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import type { DossierSummary, DossierView, SearchQuery } from '../contracts/api';
import type { DossierStatusView } from '../contracts/dossier-status';
import type { DossierSettings } from '../contracts/dossier-workflow';
import { labelled, type Catalogue } from '../contracts/procedures';
import { dossierSearchKeys, reportedTaskProblems } from '../contracts/search-attributes';
import type { DossierRecords, DossierRecordSummary } from '../platform/dossier-records';
import type { CitizenKeyer } from '../platform/pseudonym';
import { statusQuery } from '../workflows/messages';
import type { PopulationRegistryClient } from '../contracts/registry';
import { createPeopleCheck } from './people-check';
import { createSubmit } from './submit';
import type { SubmissionLedger } from './submission-ledger';

/** A visibility query from validated filters (values are enums, step ids and ISO times, quoted anyway). */
export function visibilityQuery(
  catalogue: Pick<Catalogue, 'workflowTypes'>,
  filters: Omit<Partial<SearchQuery>, 'limit'> & { citizenKey?: string },
): string {
  const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;
  const parts = [`WorkflowType IN (${catalogue.workflowTypes.map(quote).join(', ')})`];
  if (filters.citizenKey) parts.push(`CitizenId = ${quote(filters.citizenKey)}`);
  if (filters.status) parts.push(`DossierStatus = ${quote(filters.status)}`);
  if (filters.procedure) parts.push(`ProcedureKind = ${quote(filters.procedure)}`);
  if (filters.agency) parts.push(`AgenciesWaitedOn = ${quote(filters.agency)}`);
  if (filters.step) parts.push(`CurrentSteps = ${quote(filters.step)}`);
  if (filters.overdue !== undefined) parts.push(`Overdue = ${filters.overdue}`);
  if (filters.failing !== undefined) parts.push(`Failing = ${filters.failing}`);
  if (filters.taskFailing !== undefined)
    parts.push(filters.taskFailing ? reportedTaskProblems : 'TemporalReportedProblems IS NULL');
  if (filters.running !== undefined)
    parts.push(filters.running ? "ExecutionStatus = 'Running'" : "ExecutionStatus != 'Running'");
  if (filters.from) parts.push(`StartTime >= ${quote(filters.from)}`);
  if (filters.to) parts.push(`StartTime <= ${quote(filters.to)}`);
  return parts.join(' AND ');
}

export function summaryOf(info: WorkflowExecutionInfo): DossierSummary {
  const attrs = info.typedSearchAttributes;
  return {
    dossierId: info.workflowId,
    procedure: attrs.get(dossierSearchKeys.ProcedureKind),
    status: attrs.get(dossierSearchKeys.DossierStatus),
    workflowStatus: info.status.name,
    startedAt: info.startTime.toISOString(),
    closedAt: info.closeTime?.toISOString(),
    currentSteps: attrs.get(dossierSearchKeys.CurrentSteps) ?? [],
    agenciesWaitedOn: attrs.get(dossierSearchKeys.AgenciesWaitedOn) ?? [],
    earliestDueAt: attrs.get(dossierSearchKeys.EarliestDueTime)?.toISOString(),
    overdue: attrs.get(dossierSearchKeys.Overdue) ?? false,
    failing: attrs.get(dossierSearchKeys.Failing) ?? false,
  };
}

type SearchFilters = Parameters<typeof visibilityQuery>[1];

/** One page of dossiers from visibility, with the cursor of the next page when there is one. */
export interface DossierPage {
  rows: (DossierSummary & { reportedProblems: string[] })[];
  nextCursor?: string;
}

/** A closed dossier's record as a list line: nothing is current or overdue any more. */
function summaryOfRecord(record: DossierRecordSummary): DossierSummary {
  return {
    dossierId: record.dossierId,
    procedure: record.procedure,
    status: record.status,
    workflowStatus: 'COMPLETED',
    startedAt: record.submittedAt,
    closedAt: record.closedAt,
    currentSteps: [],
    agenciesWaitedOn: [],
    overdue: false,
    failing: false,
  };
}

export interface DossierGatewayDeps {
  client: Client;
  citizenKey: CitizenKeyer;
  catalogue: Catalogue;
  /** Keeps submissions to one dossier each. */
  ledger: SubmissionLedger;
  /** For every new dossier: the scaled clock the agencies share, and attempt limits. */
  settings?: Partial<DossierSettings>;
  /** Closed dossiers kept beyond Temporal's retention; without it only Temporal is read. */
  records?: DossierRecords;
  /** Where the people an application names are checked before it is accepted. */
  registry: PopulationRegistryClient;
}

/** The api's door to Temporal for dossiers, and to the dossier records for closed ones. */
export function createDossierGateway(deps: DossierGatewayDeps) {
  const { client, citizenKey, catalogue, ledger, settings = {}, records } = deps;
  return {
    client,
    catalogue,
    /** A visibility query over this catalogue's dossiers. */
    query: (filters: Parameters<typeof visibilityQuery>[1]) => visibilityQuery(catalogue, filters),
    /** Starts the dossier's workflow, unless the same application or the same birth or death has one already. */
    submit: createSubmit({
      client,
      citizenKey,
      catalogue,
      ledger,
      settings,
      records,
      checkPeople: createPeopleCheck(deps.registry),
    }),
    async list(query: string, limit: number): Promise<DossierSummary[]> {
      const rows: DossierSummary[] = [];
      for await (const info of client.workflow.list({ query, pageSize: Math.min(limit, 100) })) {
        rows.push(summaryOf(info));
        if (rows.length >= limit) break;
      }
      return rows;
    },
    /**
     * Dossiers matching the filters, newest submission first: running and recently closed ones
     * from Temporal visibility, and closed ones from the records, which outlive its retention.
     */
    async search(filters: SearchFilters, limit: number): Promise<DossierSummary[]> {
      const live = await this.list(visibilityQuery(catalogue, filters), limit);
      const closedMayMatch =
        records &&
        filters.running !== true &&
        !filters.agency &&
        !filters.step &&
        filters.overdue !== true &&
        filters.failing !== true &&
        filters.taskFailing !== true;
      const archived = closedMayMatch ? await records.search({ ...filters, limit }) : [];
      const seen = new Set(live.map((d) => d.dossierId));
      return [...live, ...archived.filter((r) => !seen.has(r.dossierId)).map(summaryOfRecord)]
        .sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''))
        .slice(0, limit);
    },
    /** A citizen's own dossiers, found by their pseudonymous key, never their ID number. */
    mine(personalIdNumber: string, limit: number): Promise<DossierSummary[]> {
      return this.search({ citizenKey: citizenKey(personalIdNumber) }, limit);
    },
    /**
     * One page of a visibility query and the cursor of the next (Temporal's page token), so a
     * long list is read a page at a time. Each row carries Temporal's reported problems
     * (`TemporalReportedProblems`: workflow tasks failing again and again).
     */
    async page(query: string, pageSize: number, cursor?: string): Promise<DossierPage> {
      const response = await client.workflowService.listWorkflowExecutions({
        namespace: client.options.namespace,
        query,
        pageSize,
        nextPageToken: cursor ? Buffer.from(cursor, 'base64url') : undefined,
      });
      const rows = await Promise.all(
        (response.executions ?? []).map(async (raw) => {
          const info = await executionInfoFromRaw(
            raw,
            client.options.loadedDataConverter,
            raw,
            client.options.namespace,
          );
          const problems = info.searchAttributes?.TemporalReportedProblems;
          return { ...summaryOf(info), reportedProblems: Array.isArray(problems) ? problems.map(String) : [] };
        }),
      );
      const token = response.nextPageToken;
      return { rows, nextCursor: token && token.length > 0 ? Buffer.from(token).toString('base64url') : undefined };
    },
    async count(query: string): Promise<number> {
      return (await client.workflow.count(query)).count;
    },
    /** The dossier with the catalogue's labels, so no client keeps its own copy of them. */
    async view(dossierId: string): Promise<DossierView> {
      // A closed dossier's record is final, and readable with no worker and after the retention.
      const closed = await records?.get(dossierId);
      if (closed) return labelled(catalogue, closed);
      const handle = client.workflow.getHandle(dossierId);
      try {
        return labelled(catalogue, await handle.query(statusQuery));
      } catch (err) {
        // A query on a closed workflow replays its whole history on a worker (and fails with it). A
        // completed dossier returned its final view: read that, as its record would have held it.
        // (Its record is written when the end is reported; a database outage then leaves none.)
        const { status } = await handle.describe().catch(() => ({ status: undefined }));
        if (status?.name !== 'COMPLETED') throw err;
        return labelled(catalogue, (await handle.result()) as DossierStatusView);
      }
    },
    handle: (dossierId: string) => client.workflow.getHandle(dossierId),
  };
}
export type DossierGateway = ReturnType<typeof createDossierGateway>;
