import type { Actor, OperationsDeps } from './deps';

/** What one operator action records: the action, the reason, the dossier and step it is about. */
export interface AuditedAction {
  action: string;
  dossierId: string;
  stepId?: string;
  reason: string;
  beforeStatus?: string;
  details?: Record<string, unknown>;
}

/**
 * An operator action: recorded first, carried out only once its row is written (an audit log
 * that cannot record it throws AuditWriteError and nothing happens). An action that then fails
 * gets a second row saying so.
 */
export async function audited<T>(
  deps: Pick<OperationsDeps, 'audit' | 'log'>,
  actor: Actor,
  entry: AuditedAction,
  act: () => Promise<T>,
): Promise<T> {
  const { details = {}, ...rest } = entry;
  const row = { ...rest, actor: actor.subject, role: 'operator' as const };
  await deps.audit.append({ ...row, details });
  try {
    return await act();
  } catch (err) {
    await deps.audit
      .append({ ...row, action: `${entry.action}.failed`, details: { ...details, error: (err as Error).message } })
      .catch((auditErr: unknown) =>
        deps.log?.error(
          { err: auditErr, dossierId: entry.dossierId, action: entry.action },
          'could not record that an operator action failed',
        ),
      );
    throw err;
  }
}
