import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import type { DossierView } from '../contracts/api';
import { closedDossierStatuses, type DossierStatus, type DossierStatusChanged } from '../contracts/dossier-status';
import { labelled } from '../contracts/procedures';
import type { Principal } from '../platform/auth';
import { supplyInformationUpdate, withdrawUpdate } from '../workflows/messages';
import { onOpenDossier, requireOpen } from '../ops/operations/guard';
import type { ApiContext } from './context';
import { notFound } from './problems';

/**
 * What a citizen does with a dossier, shared by the api routes (bearer token) and the pages
 * (session cookie): the same checks and the same workflow updates, whoever asks.
 */

type Ctx = Pick<ApiContext, 'dossiers' | 'catalogue'>;

/** The dossier, if the principal may see it: its applicant, or operators and auditors. Others get 404. */
export async function visibleDossier(ctx: Pick<ApiContext, 'dossiers'>, principal: Principal, dossierId: string) {
  const view = await ctx.dossiers.view(dossierId).catch((err: unknown) => {
    throw (err as Error).name === 'WorkflowNotFoundError' ? notFound(`no dossier ${dossierId}`) : err;
  });
  if (principal.role === 'citizen' && view.citizenId !== principal.personalIdNumber)
    throw notFound(`no dossier ${dossierId}`);
  return view;
}

/** Supplies what an agency asked for; the workflow checks the step asked and answers with the new view. */
export async function supplyInformation(
  ctx: Ctx,
  principal: Principal,
  dossierId: string,
  answer: { stepId: string; fields: Record<string, string> },
): Promise<DossierView> {
  await visibleDossier(ctx, principal, dossierId);
  // A finished dossier answers 409 with its state, not the 404 Temporal gives an update to a closed run.
  await requireOpen(ctx.dossiers, dossierId);
  const view = await onOpenDossier(ctx.dossiers, dossierId, () =>
    ctx.dossiers.handle(dossierId).executeUpdate(supplyInformationUpdate, { args: [answer] }),
  );
  return labelled(ctx.catalogue, view);
}

/** Withdraws the dossier; its outstanding steps are cancelled at their agencies. */
export async function withdrawDossier(
  ctx: Ctx,
  principal: Principal,
  dossierId: string,
  reason: string,
): Promise<DossierView> {
  await visibleDossier(ctx, principal, dossierId);
  await requireOpen(ctx.dossiers, dossierId);
  const view = await onOpenDossier(ctx.dossiers, dossierId, () =>
    ctx.dossiers
      .handle(dossierId)
      .executeUpdate(withdrawUpdate, { args: [{ reason, requestedBy: principal.subject }] }),
  );
  return labelled(ctx.catalogue, view);
}

/** A state of the dossier worth an event: a notification from the topic, or the view read again. */
export type DossierState = DossierStatusChanged | DossierView;

/**
 * Serves the dossier as server-sent events: the current state, then each distinct change, until
 * it closes. `frame` writes one state as an event. The caller has checked that the reader may see it.
 */
export async function streamDossierEvents(
  ctx: Pick<ApiContext, 'dossiers' | 'notifications'>,
  dossierId: string,
  reply: FastifyReply,
  log: FastifyBaseLogger,
  frame: (state: DossierState) => Promise<string> | string,
): Promise<void> {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  let last = '';
  let closed = false;
  const send = async (state: DossierState) => {
    const key = JSON.stringify([state.status, state.steps]);
    if (closed || key === last) return;
    last = key;
    const text = await frame(state);
    if (closed) return;
    raw.write(text);
    if (closedDossierStatuses.includes(state.status as DossierStatus)) raw.end();
  };
  const warn = (err: unknown) => log.warn({ err, dossierId }, 'could not send the dossier on its stream');
  // Subscribe before reading the current status, so no change falls between the two; a
  // periodic re-read covers changes the notifications topic has not brought (yet).
  const unsubscribe = ctx.notifications.subscribe(dossierId, (change) => void send(change).catch(warn));
  const reread = async () => send(await ctx.dossiers.view(dossierId));
  const timer = setInterval(() => {
    raw.write(': keep-alive\n\n');
    reread().catch(warn);
  }, 5_000);
  raw.on('close', () => {
    closed = true;
    clearInterval(timer);
    unsubscribe();
  });
  await reread();
}
