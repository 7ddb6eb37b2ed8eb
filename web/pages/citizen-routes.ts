import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { DossierIdParam, Reason, SupplyInformationBody } from '../../contracts/api';
import type { DossierView } from '../../contracts/api';
import type { Principal } from '../../platform/auth';
import { streamDossierEvents, supplyInformation, visibleDossier, withdrawDossier } from '../citizen-dossiers';
import type { ApiContext } from '../context';
import { myDataAccess, myRecord } from '../my-record';
import { forbidden, HttpProblem, notFound } from '../problems';
import { ApplyBirthPage } from './citizen/apply-birth';
import { ApplyDeathPage } from './citizen/apply-death';
import { DataAccessPage } from './citizen/data-access';
import { DossierPage } from './citizen/dossier';
import { HomePage } from './citizen/home';
import { MessagesPage } from './citizen/messages';
import { ResultPage } from './citizen/result';
import { DossierActions } from './components/dossier-actions';
import { DossierTimeline } from './components/dossier-timeline';
import {
  birthApplication,
  deathApplication,
  formKey,
  issuesToErrors,
  one,
  problemToErrors,
  type FieldErrors,
  type FormBody,
  type Parsed,
} from './forms';
import { messages, say, words } from './i18n';
import { fragment, frameOf, sendPage } from './render';
import { hasResult } from './results';

type Citizen = Principal & { role: 'citizen' };

/** The application page of each procedure that has one; the home page links to them. */
export const applyPaths: Record<string, string> = {
  'birth-bundle': '/apply/birth-bundle',
  'death-bundle': '/apply/death-bundle',
};

const hidden = { schema: { hide: true } };
const citizenOf = (request: FastifyRequest) => request.pageSession as Citizen;
const bodyOf = (request: FastifyRequest) => (request.body ?? {}) as FormBody;
const dossierIdOf = (request: FastifyRequest): string => {
  const parsed = DossierIdParam.safeParse({ dossierId: (request.params as Record<string, unknown>).dossierId });
  if (!parsed.success) throw notFound('no such dossier');
  return parsed.data.dossierId;
};
/** Notices after a post, named in the redirect so a reload does not post again. */
const notices = { withdrawn: words.withdrawn, information: words.informationSent } as const;

/**
 * The citizen's pages: home, the two applications, a dossier (live by server-sent events, with
 * its information requests and withdrawal), its printable results, and who read their data.
 */
export const citizenPages: FastifyPluginAsync<ApiContext> = async (app, ctx) => {
  const csrfChecked = { ...hidden, preHandler: app.csrfProtection };

  app.addHook('preHandler', async (request, reply) => {
    if (!request.pageSession) return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303);
    // Home is each role's own first page: a worker lands on their inbox, an operator or auditor on the overview.
    if (request.routeOptions.url === '/') {
      if (request.pageSession.role === 'agency-worker') return reply.redirect('/tasks', 303);
      if (request.pageSession.role === 'operator' || request.pageSession.role === 'auditor')
        return reply.redirect('/operator', 303);
    }
    if (request.pageSession.role !== 'citizen') throw forbidden('these pages are for citizens');
  });

  app.get('/', hidden, async (request, reply) => {
    const dossiers = await ctx.dossiers.mine(citizenOf(request).personalIdNumber, 50);
    return sendPage(
      reply,
      HomePage({ frame: frameOf(request, reply), catalogue: ctx.catalogue, dossiers, applyPaths }),
    );
  });

  /** Submits a parsed application with the form's key: a double submission finds the same dossier. */
  async function submitted(
    request: FastifyRequest,
    reply: FastifyReply,
    parsed: Parsed,
    again: (errors: FieldErrors) => Promise<void>,
  ) {
    if (!parsed.input) return again(parsed.errors);
    const citizen = citizenOf(request);
    try {
      const { dossierId, created } = await ctx.dossiers.submit(parsed.input, citizen.subject, formKey(bodyOf(request)));
      request.log.info({ dossierId, created, procedure: parsed.input.procedure }, 'dossier submitted from a page');
      return reply.redirect(`/dossiers/${dossierId}`, 303);
    } catch (err) {
      if (err instanceof HttpProblem && (err.status === 409 || err.status === 422))
        return again(problemToErrors({ status: err.status, errors: err.errors }));
      throw err;
    }
  }

  app.get('/apply/birth-bundle', hidden, async (request, reply) => {
    const me = await myRecord(ctx, citizenOf(request));
    return sendPage(
      reply,
      ApplyBirthPage({ frame: frameOf(request, reply), catalogue: ctx.catalogue, me, formKey: formKey() }),
    );
  });

  app.post('/apply/birth-bundle', csrfChecked, async (request, reply) => {
    const me = await myRecord(ctx, citizenOf(request));
    const body = bodyOf(request);
    const page = (errors: FieldErrors, status = 422) =>
      sendPage(
        reply,
        ApplyBirthPage({
          frame: frameOf(request, reply),
          catalogue: ctx.catalogue,
          me,
          formKey: formKey(body),
          body,
          errors,
        }),
        status,
      );
    if (body.showCommunes !== undefined) return page({}, 200);
    return submitted(request, reply, birthApplication(ctx.catalogue, me, body), page);
  });

  const deceasedOf = (request: FastifyRequest) => {
    const deceased = (request.query as Record<string, unknown>).deceased;
    return typeof deceased === 'string' && /^\d{12}$/.test(deceased) ? deceased : undefined;
  };

  app.get('/apply/death-bundle', hidden, async (request, reply) => {
    const me = await myRecord(ctx, citizenOf(request));
    const deceasedId = deceasedOf(request);
    const known = me.forms['death-bundle'].candidates.some((c) => c.deceased.personalIdNumber === deceasedId);
    const asked = (request.query as Record<string, unknown>).deceased !== undefined;
    return sendPage(
      reply,
      ApplyDeathPage({
        frame: frameOf(request, reply),
        catalogue: ctx.catalogue,
        me,
        deceasedId: known ? deceasedId : undefined,
        formKey: formKey(),
        errors: asked && !known ? { deceased: messages.choose } : undefined,
      }),
      asked && !known ? 422 : 200,
    );
  });

  app.post('/apply/death-bundle', csrfChecked, async (request, reply) => {
    const me = await myRecord(ctx, citizenOf(request));
    const body = bodyOf(request);
    const deceasedId = deceasedOf(request) ?? '';
    const page = (errors: FieldErrors, status = 422) =>
      sendPage(
        reply,
        ApplyDeathPage({
          frame: frameOf(request, reply),
          catalogue: ctx.catalogue,
          me,
          deceasedId,
          formKey: formKey(body),
          body,
          errors,
        }),
        status,
      );
    if (body.showCommunes !== undefined) return page({}, 200);
    return submitted(request, reply, deathApplication(ctx.catalogue, me, deceasedId, body), page);
  });

  const dossierPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    dossier: DossierView,
    extra: { errors?: FieldErrors; values?: Record<string, string>; status?: number } = {},
  ) => {
    const done = (request.query as Record<string, unknown>).done;
    const notice = typeof done === 'string' && done in notices ? notices[done as keyof typeof notices] : undefined;
    return sendPage(
      reply,
      DossierPage({ frame: frameOf(request, reply), catalogue: ctx.catalogue, dossier, notice, ...extra }),
      extra.status,
    );
  };

  app.get('/dossiers/:dossierId', hidden, async (request, reply) =>
    dossierPage(request, reply, await visibleDossier(ctx, citizenOf(request), dossierIdOf(request))),
  );

  // Counted under the identity's cap of open streams (web/streams.ts), with the api's streams.
  app.get('/dossiers/:dossierId/events', { ...hidden, config: { stream: true } }, async (request, reply) => {
    const dossierId = dossierIdOf(request);
    await visibleDossier(ctx, citizenOf(request), dossierId);
    const { lang, csrf } = frameOf(request, reply);
    // Each event carries the two parts of the page that change, rendered as the page renders them.
    await streamDossierEvents(ctx, dossierId, reply, request.log, async (state) => {
      const dossier = 'dossierId' in state && 'statusLabel' in state ? state : await ctx.dossiers.view(dossierId);
      const data = {
        status: dossier.status,
        statusText: say(lang, dossier.statusLabel),
        timeline: fragment(DossierTimeline({ lang, catalogue: ctx.catalogue, dossier })),
        actions: fragment(DossierActions({ lang, dossier, csrf })),
      };
      return `event: dossier\ndata: ${JSON.stringify(data)}\n\n`;
    });
  });

  /** Runs a workflow update for the citizen; a refusal by the workflow is shown on the dossier page. */
  const act = async (
    request: FastifyRequest,
    reply: FastifyReply,
    update: () => Promise<unknown>,
    done: keyof typeof notices,
    values: Record<string, string>,
  ) => {
    const dossierId = dossierIdOf(request);
    try {
      await update();
      return reply.redirect(`/dossiers/${dossierId}?done=${done}`, 303);
    } catch (err) {
      if (!(err instanceof WorkflowUpdateFailedError)) throw err;
      const dossier = await visibleDossier(ctx, citizenOf(request), dossierId);
      return dossierPage(request, reply, dossier, { errors: { '': words.actionRefused }, values, status: 422 });
    }
  };

  app.post('/dossiers/:dossierId/information', csrfChecked, async (request, reply) => {
    const dossierId = dossierIdOf(request);
    const body = bodyOf(request);
    const fields = Object.fromEntries(
      Object.keys(body)
        .filter((name) => name.startsWith('fields.'))
        .map((name) => [name.slice('fields.'.length), one(body, name)]),
    );
    const answer = SupplyInformationBody.safeParse({ stepId: one(body, 'stepId'), fields });
    const values = Object.fromEntries(Object.entries(fields).map(([field, value]) => [`fields.${field}`, value]));
    if (!answer.success) {
      const errors = issuesToErrors(answer.error.issues);
      const dossier = await visibleDossier(ctx, citizenOf(request), dossierId);
      return dossierPage(request, reply, dossier, { errors, values, status: 422 });
    }
    return act(
      request,
      reply,
      () => supplyInformation(ctx, citizenOf(request), dossierId, answer.data),
      'information',
      values,
    );
  });

  app.post('/dossiers/:dossierId/withdrawal', csrfChecked, async (request, reply) => {
    const dossierId = dossierIdOf(request);
    const reason = Reason.safeParse(one(bodyOf(request), 'reason'));
    if (!reason.success) {
      const dossier = await visibleDossier(ctx, citizenOf(request), dossierId);
      return dossierPage(request, reply, dossier, {
        errors: { reason: messages.reason },
        values: { reason: one(bodyOf(request), 'reason') },
        status: 422,
      });
    }
    return act(request, reply, () => withdrawDossier(ctx, citizenOf(request), dossierId, reason.data), 'withdrawn', {});
  });

  app.get('/dossiers/:dossierId/results/:stepId', hidden, async (request, reply) => {
    const dossier = await visibleDossier(ctx, citizenOf(request), dossierIdOf(request));
    const { stepId } = request.params as { stepId: string };
    const step = dossier.steps.find((s) => s.stepId === stepId);
    if (!step || !hasResult(step)) throw notFound(`no result of ${stepId}`);
    return sendPage(reply, ResultPage({ frame: frameOf(request, reply), catalogue: ctx.catalogue, dossier, step }));
  });

  app.get('/messages', hidden, async (request, reply) => {
    const messages = ctx.messages
      ? await ctx.messages.forCitizen(citizenOf(request).personalIdNumber, 100).catch((err: unknown) => {
          request.log.warn({ err }, 'messages could not be read');
          return undefined;
        })
      : undefined;
    return sendPage(reply, MessagesPage({ frame: frameOf(request, reply), messages }), messages ? 200 : 503);
  });

  app.get('/data-access', hidden, async (request, reply) => {
    const log = await myDataAccess(ctx, citizenOf(request), request.log);
    return sendPage(
      reply,
      DataAccessPage({ frame: frameOf(request, reply), log: { ...log, reads: log.reads.slice(0, 200) } }),
    );
  });
};
