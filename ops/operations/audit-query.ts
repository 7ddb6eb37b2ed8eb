import type { OperationsDeps } from './deps';

/** One audit row as operators read it: instants as ISO strings, absent fields left out. */
export interface AuditRowView {
  id: number;
  at: string;
  actor: string;
  role: string;
  action: string;
  reason: string;
  dossierId?: string;
  stepId?: string;
  beforeStatus?: string;
  afterStatus?: string;
  details: Record<string, unknown>;
}

/** The append-only audit log, newest first, by dossier, actor and time. */
export async function auditQuery(
  deps: Pick<OperationsDeps, 'audit'>,
  filter: { dossierId?: string; actor?: string; since?: string; limit: number },
): Promise<AuditRowView[]> {
  const rows = await deps.audit.list({
    dossierId: filter.dossierId,
    actor: filter.actor,
    since: filter.since ? new Date(filter.since) : undefined,
    limit: filter.limit,
  });
  return rows.map((r) => ({
    ...r,
    at: new Date(r.at).toISOString(),
    dossierId: r.dossierId ?? undefined,
    stepId: r.stepId ?? undefined,
    beforeStatus: r.beforeStatus ?? undefined,
    afterStatus: r.afterStatus ?? undefined,
  }));
}
