import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AuditQueryParams, BulkBody, DossierIdParam, Reason, SearchQuery } from '../../contracts/api';
import { DossierStatus } from '../../contracts/dossier-status';
import type { Labels } from '../../contracts/procedures';
import { dossierStatusLabels } from '../../contracts/procedures/labels';
import { createOperations, DossierClosedError, InvalidRequestError } from '../../ops/operations';
import type { ApiContext } from '../context';
import { operationsDepsOf } from '../operations';
import { notFound } from '../problems';
import { MessagePage } from './citizen/message';
import { one, type FieldErrors, type FormBody } from './forms';
import { bodyOf, errorsOf, hidden, queryOf, valuesOf } from './operator-requests';
import { messages, parseTypedDate, words } from './i18n';
import { AuditPage } from './operator/audit';
import { BulkPage } from './operator/bulk';
import { OperatorDossierPage, type OperatorAction } from './operator/dossier';
import { OverviewLive, OverviewPage, type OverviewLiveData } from './operator/overview';
import { createOverviewFeed } from './overview-feed';
import { deadLetterPages } from './dead-letter-routes';
import { searchFilterNames, SearchPage } from './operator/search';
import { operatorWords as ow } from './operator/words';
import { fragment, frameOf, sendPage } from './render';

const dossierIdOf = (request: FastifyRequest): string => {
  const parsed = DossierIdParam.safeParse({ dossierId: (request.params as Record<string, unknown>).dossierId });
  if (!parsed.success) throw notFound('no such dossier');
  return parsed.data.dossierId;
};
const actions = ['retry', 'skip', 'reset', 'terminate'] as const satisfies readonly OperatorAction[];

/**
 * The operator's pages (auditors read the same pages without action buttons): overview, a dossier
 * in depth with its actions, search and bulk actions, the audit log. Every query and action goes
 * through the operations module, so roles, reasons and the audit log are the api's own.
 */
export const operatorPages: FastifyPluginAsync<ApiContext> = async (app, ctx) => {
  const ops = createOperations(operationsDepsOf(ctx, app.log));
  const actor = (request: FastifyRequest) => ({ subject: request.pageSession!.subject });
  const refuse = async (request: FastifyRequest, reply: FastifyReply, lead: Labels) => {
    const frame = frameOf(request, reply);
    await sendPage(reply, MessagePage({ frame, title: words.forbiddenTitle, lead, link: '/operator' }), 403);
    return reply;
  };

  app.addHook('preHandler', async (request, reply) => {
    if (!request.pageSession) return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303);
    const { role } = request.pageSession;
    if (role !== 'operator' && role !== 'auditor') return refuse(request, reply, ow.pagesForbidden);
  });
  // The server refuses an auditor's action whatever the page showed; CSRF first, as for every form.
  const operatorOnly = async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.pageSession?.role !== 'operator') {
      request.log.warn({ subject: request.pageSession?.subject, url: request.url }, 'operator action refused');
      return refuse(request, reply, ow.forbiddenLead);
    }
  };
  const acting = { ...hidden, preHandler: [app.csrfProtection, operatorOnly] };
  await app.register(deadLetterPages, { context: ctx, acting });

  const overview = async (): Promise<OverviewLiveData> => {
    const [counts, stuck, deadLetters] = await Promise.all([
      Promise.all(DossierStatus.options.map(async (status) => ({ status, count: await ops.count({ status }) }))),
      ops
        .stuck({ limit: 50, outboxLagThresholdSeconds: ctx.outboxLagThresholdSeconds ?? 60 })
        .then((list) => list.dossiers),
      ctx.deadLetters?.counts({}),
    ]);
    return { counts, stuck, deadLetters };
  };
  const overviewFeed = createOverviewFeed({ load: overview, notifications: ctx.notifications, log: app.log });
  app.addHook('onClose', async () => overviewFeed.stop());

  app.get('/operator', hidden, async (request, reply) => {
    const [live, onTime] = await Promise.all([overview(), ops.onTime()]);
    return sendPage(reply, OverviewPage({ frame: frameOf(request, reply), catalogue: ctx.catalogue, live, onTime }));
  });

  // The overview's live part as server-sent events, each the part rendered again when it changed.
  // Counted under the identity's cap of open streams (web/streams.ts), with the api's streams.
  app.get('/operator/events', { ...hidden, config: { stream: true } }, async (request, reply) => {
    const lang = request.pageLang;
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    let last = '';
    const stop = overviewFeed.subscribe((data) => {
      const html = fragment(OverviewLive({ lang, catalogue: ctx.catalogue, data }));
      if (html === last || raw.writableEnded) return;
      last = html;
      raw.write(`event: overview\ndata: ${JSON.stringify({ html, stuck: data.stuck.length })}\n\n`);
    });
    const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), 15_000);
    raw.on('close', () => {
      clearInterval(keepAlive);
      stop();
    });
  });

  const dossierPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    dossierId: string,
    extra: { errors?: FieldErrors; values?: Record<string, string>; closedAs?: Labels; status?: number } = {},
  ) => {
    const [depth, deadLetters] = await Promise.all([
      ops.depth(dossierId),
      ctx.deadLetters?.list({ dossierId, state: 'all', limit: 50 }),
    ]);
    // An operator's or auditor's read of a dossier's personal data is recorded before it is shown.
    await ctx.audit.append({
      actor: request.pageSession!.subject,
      role: request.pageSession!.role,
      action: 'dossier.read',
      reason: 'read the dossier in depth',
      dossierId,
      details: { route: 'GET /operator/dossiers/:dossierId' },
    });
    const done = queryOf(request).done;
    const notice = actions.find((a) => a === done);
    const { status, ...rest } = extra;
    return sendPage(
      reply,
      OperatorDossierPage({
        frame: frameOf(request, reply),
        catalogue: ctx.catalogue,
        depth,
        deadLetters,
        notice,
        ...rest,
      }),
      status,
    );
  };

  app.get('/operator/dossiers/:dossierId', hidden, async (request, reply) =>
    dossierPage(request, reply, dossierIdOf(request)),
  );

  /** Reads an action's form: its reason, its step where it has one, a skip's manual result. */
  function actionForm(form: OperatorAction, body: FormBody) {
    const errors: FieldErrors = {};
    const reason = Reason.safeParse(one(body, `${form}.reason`));
    if (!reason.success) errors[`${form}.reason`] = messages.reason;
    const stepId = one(body, `${form}.stepId`);
    if (form !== 'terminate' && !ctx.catalogue.service(stepId)) errors[`${form}.stepId`] = ow.chooseStep;
    const result: Record<string, string> = {};
    if (form === 'skip')
      for (const line of one(body, 'skip.result')
        .split(/\r?\n/)
        .filter((l) => l.trim() !== '')) {
        const match = /^\s*([A-Za-z][A-Za-z0-9_.-]{0,60})\s*=\s*(.{1,500})$/.exec(line);
        if (match) result[match[1]!] = match[2]!.trim();
        else errors['skip.result'] = ow.badResult;
      }
    return { errors, reason: reason.data ?? '', stepId, result };
  }

  for (const form of actions)
    app.post(`/operator/dossiers/:dossierId/${form}`, acting, async (request, reply) => {
      const dossierId = dossierIdOf(request);
      const body = bodyOf(request);
      const values = valuesOf(body, [`${form}.reason`, `${form}.stepId`, 'skip.result']);
      const { errors, reason, stepId, result } = actionForm(form, body);
      if (Object.keys(errors).length > 0)
        return dossierPage(request, reply, dossierId, { errors, values, status: 422 });
      try {
        const who = actor(request);
        if (form === 'retry') await ops.retry(who, { dossierId, stepId, reason });
        else if (form === 'skip') await ops.skip(who, { dossierId, stepId, reason, result });
        else if (form === 'reset') await ops.reset(who, { dossierId, reason, target: { beforeStep: stepId } });
        else await ops.terminate(who, { dossierId, reason });
        request.log.info({ dossierId, action: form, stepId }, 'operator action from a page');
        return reply.redirect(`/operator/dossiers/${dossierId}?done=${form}`, 303);
      } catch (err) {
        if (err instanceof DossierClosedError) {
          const closedAs = dossierStatusLabels[err.state as DossierStatus] ?? { vi: err.state, en: err.state };
          return dossierPage(request, reply, dossierId, { values, closedAs, status: 409 });
        }
        if (err instanceof InvalidRequestError || err instanceof WorkflowUpdateFailedError) {
          const field = form === 'terminate' ? `${form}.reason` : `${form}.stepId`;
          const detail = err instanceof WorkflowUpdateFailedError ? (err.cause?.message ?? err.message) : err.message;
          const refused = { vi: `${ow.refused.vi} ${detail}`, en: `${ow.refused.en} ${detail}` };
          return dossierPage(request, reply, dossierId, { errors: { [field]: refused }, values, status: 422 });
        }
        throw err;
      }
    });

  const searchValues = (source: Record<string, unknown>) => valuesOf(source, searchFilterNames);

  app.get('/operator/search', hidden, async (request, reply) => {
    const values = searchValues(queryOf(request));
    const frame = frameOf(request, reply);
    if (Object.keys(values).length === 0 && queryOf(request).status === undefined)
      return sendPage(reply, SearchPage({ frame, catalogue: ctx.catalogue, values, errors: {} }));
    const parsed = SearchQuery.safeParse({ ...values, limit: '100' });
    if (!parsed.success)
      return sendPage(
        reply,
        SearchPage({ frame, catalogue: ctx.catalogue, values, errors: errorsOf(parsed.error.issues) }),
        422,
      );
    const { limit, ...filters } = parsed.data;
    const dossiers = await ops.search(filters, limit);
    return sendPage(reply, SearchPage({ frame, catalogue: ctx.catalogue, values, errors: {}, dossiers }));
  });

  app.post('/operator/bulk', acting, async (request, reply) => {
    const body = bodyOf(request);
    const filters = searchValues(Object.fromEntries(searchFilterNames.map((n) => [n, body[`query.${n}`]])));
    const form = valuesOf(body, ['action', 'stepId', 'reason']);
    const fields = {
      ...Object.fromEntries(Object.entries(filters).map(([n, v]) => [`query.${n}`, v])),
      ...form,
    };
    const flag = (v?: string) => (v === undefined ? undefined : v === 'true');
    const parsed = BulkBody.safeParse({
      query: {
        ...filters,
        overdue: flag(filters.overdue),
        failing: flag(filters.failing),
        running: flag(filters.running),
      },
      action: form.action,
      stepId: form.action === 'terminate' ? undefined : form.stepId,
      reason: form.reason ?? '',
      dryRun: one(body, 'confirm') !== 'yes',
    });
    const again = (errors: FieldErrors) =>
      sendPage(
        reply,
        SearchPage({
          frame: frameOf(request, reply),
          catalogue: ctx.catalogue,
          values: { ...filters, ...form },
          errors,
          dossiers: [],
        }),
        422,
      );
    if (!parsed.success) {
      const errors = errorsOf(parsed.error.issues);
      if (errors.reason) errors.reason = messages.reason;
      return again(errors);
    }
    try {
      const outcome = await ops.bulkNow(actor(request), parsed.data);
      if (outcome.dryRun)
        return sendPage(reply, BulkPage({ frame: frameOf(request, reply), fields, matched: outcome.matched }));
      request.log.info({ action: parsed.data.action, applied: outcome.applied }, 'bulk operator action from a page');
      return reply.redirect(
        `/operator/bulk/done?matched=${outcome.matched}&applied=${outcome.applied}&failed=${outcome.failures.length}`,
        303,
      );
    } catch (err) {
      if (err instanceof InvalidRequestError) return again({ [err.field]: ow.chooseStep });
      throw err;
    }
  });

  app.get('/operator/bulk/done', hidden, async (request, reply) => {
    const count = (name: string) => Math.max(0, Number.parseInt(String(queryOf(request)[name] ?? '0'), 10) || 0);
    return sendPage(
      reply,
      BulkPage({
        frame: frameOf(request, reply),
        fields: {},
        matched: count('matched'),
        done: { applied: count('applied'), failed: count('failed') },
      }),
    );
  });

  app.get('/operator/audit', hidden, async (request, reply) => {
    const values = valuesOf(queryOf(request), ['actor', 'dossierId', 'since']);
    const errors: FieldErrors = {};
    const day = values.since ? parseTypedDate(values.since) : undefined;
    if (values.since && !day) errors.since = ow.badDate;
    const parsed = AuditQueryParams.safeParse({
      actor: values.actor,
      dossierId: values.dossierId,
      // A day is Vietnam's day: from its midnight there.
      since: day ? `${day}T00:00:00+07:00` : undefined,
      limit: '200',
    });
    if (!parsed.success) Object.assign(errors, errorsOf(parsed.error.issues));
    const rows = Object.keys(errors).length === 0 && parsed.success ? await ops.audit(parsed.data) : [];
    return sendPage(
      reply,
      AuditPage({ frame: frameOf(request, reply), rows, values, errors }),
      Object.keys(errors).length > 0 ? 422 : 200,
    );
  });
};
