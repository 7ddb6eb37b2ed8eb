import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { DossierSummary, DossierView, SearchQuery } from '../contracts/api';
import type { DossierSettings } from '../contracts/dossier-workflow';
import { labelled, type Catalogue } from '../contracts/procedures';
import { dossierSearchKeys } from '../contracts/search-attributes';
import type { CitizenKeyer } from '../platform/pseudonym';
import { statusQuery } from '../workflows/messages';
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

/**
 * The api's door to Temporal for dossiers. `settings` go to every new dossier: the scaled clock
 * the agencies share, and attempt limits; the ledger keeps submissions to one dossier each.
 */
export function createDossierGateway(
  client: Client,
  citizenKey: CitizenKeyer,
  catalogue: Catalogue,
  ledger: SubmissionLedger,
  settings: Partial<DossierSettings> = {},
) {
  return {
    client,
    catalogue,
    /** A visibility query over this catalogue's dossiers. */
    query: (filters: Parameters<typeof visibilityQuery>[1]) => visibilityQuery(catalogue, filters),
    /** Starts the dossier's workflow, unless the same application or the same birth or death has one already. */
    submit: createSubmit({ client, citizenKey, catalogue, ledger, settings }),
    async list(query: string, limit: number): Promise<DossierSummary[]> {
      const rows: DossierSummary[] = [];
      for await (const info of client.workflow.list({ query, pageSize: Math.min(limit, 100) })) {
        rows.push(summaryOf(info));
        if (rows.length >= limit) break;
      }
      return rows;
    },
    async count(query: string): Promise<number> {
      return (await client.workflow.count(query)).count;
    },
    /** The dossier with the catalogue's labels, so no client keeps its own copy of them. */
    async view(dossierId: string): Promise<DossierView> {
      return labelled(catalogue, await client.workflow.getHandle(dossierId).query(statusQuery));
    },
    handle: (dossierId: string) => client.workflow.getHandle(dossierId),
  };
}
export type DossierGateway = ReturnType<typeof createDossierGateway>;
