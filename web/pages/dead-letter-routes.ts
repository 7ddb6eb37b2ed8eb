import type { FastifyPluginAsync, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import type { z } from 'zod';
import { Reason } from '../../contracts/api';
import { DeadLetterIdParam, DeadLetterListQuery } from '../../contracts/dead-letters';
import { DeadLetterRefusal, type DeadLetterOperations } from '../../ops/dead-letters/service';
import type { ApiContext } from '../context';
import { notFound, unavailable } from '../problems';
import { one, type FieldErrors } from './forms';
import { messages } from './i18n';
import { bodyOf, errorsOf, hidden, queryOf, valuesOf } from './operator-requests';
import { DeadLetterPage, type DeadLetterAction } from './operator/dead-letter';
import { RedriveConfirmPage } from './operator/dead-letter-redrive';
import { deadLetterWords as dl } from './operator/dead-letter-words';
import { deadLetterFilterNames, DeadLettersPage } from './operator/dead-letters';
import { frameOf, sendPage } from './render';

export interface DeadLetterPagesOptions {
  context: ApiContext;
  /** The route options of an action: CSRF checked, then operators only (the operator pages' own guard). */
  acting: RouteShorthandOptions;
}

const deadLetterIdOf = (request: FastifyRequest): string => {
  const parsed = DeadLetterIdParam.safeParse({
    deadLetterId: (request.params as Record<string, unknown>).deadLetterId,
  });
  if (!parsed.success) throw notFound('no such dead letter');
  return parsed.data.deadLetterId;
};
const doneActions = Object.keys(dl.done) as DeadLetterAction[];

/**
 * The operator's dead-letter pages, inside the operator pages (their sign-in and role checks):
 * the list with counts per state, one dead letter (its data for operators only, the read audited),
 * and the forms to fix, redrive (a dry run, then a confirmation) and discard it. Every query and
 * action is the operations module's (ops/dead-letters), as the api's routes and the command line use it.
 */
export const deadLetterPages: FastifyPluginAsync<DeadLetterPagesOptions> = async (app, { context: ctx, acting }) => {
  const operations = (): DeadLetterOperations => {
    if (!ctx.deadLetters) throw unavailable('dead letters are not kept by this api process (no Kafka)');
    return ctx.deadLetters;
  };
  const found = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      if (err instanceof DeadLetterRefusal && err.type === 'not-found') throw notFound(err.message);
      throw err;
    }
  };
  const actor = (request: FastifyRequest, reason: string) => ({ subject: request.pageSession!.subject, reason });

  app.get('/operator/dead-letters', hidden, async (request, reply) => {
    const values = valuesOf(queryOf(request), deadLetterFilterNames);
    const page = (extra: Partial<Parameters<typeof DeadLettersPage>[0]>, status?: number) =>
      sendPage(
        reply,
        DeadLettersPage({
          frame: frameOf(request, reply),
          catalogue: ctx.catalogue,
          values,
          errors: {},
          letters: [],
          ...extra,
        }),
        status,
      );
    if (!ctx.deadLetters) return page({ unavailable: true }, 503);
    const parsed = DeadLetterListQuery.safeParse({ ...values, limit: '200' });
    if (!parsed.success) return page({ errors: errorsOf(parsed.error.issues) }, 422);
    const { state: _state, limit: _limit, ...others } = parsed.data;
    const [letters, counts] = await Promise.all([ctx.deadLetters.list(parsed.data), ctx.deadLetters.counts(others)]);
    return page({ letters, counts });
  });

  /** One dead letter's page; an operator's also shows its data (an audited read). */
  const letterPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    deadLetterId: string,
    extra: {
      errors?: FieldErrors;
      values?: Record<string, string>;
      issues?: readonly z.core.$ZodIssue[];
      closed?: boolean;
      status?: number;
    } = {},
  ) => {
    const letter = await found(() => operations().describe(deadLetterId));
    const session = request.pageSession!;
    const shown =
      session.role === 'operator'
        ? await operations().show(deadLetterId, { subject: session.subject, role: 'operator' })
        : undefined;
    const done = queryOf(request).done;
    const { status, ...rest } = extra;
    return sendPage(
      reply,
      DeadLetterPage({
        frame: frameOf(request, reply),
        catalogue: ctx.catalogue,
        letter,
        shown,
        notice: doneActions.find((a) => a === done),
        ...rest,
      }),
      status,
    );
  };

  app.get('/operator/dead-letters/:deadLetterId', hidden, async (request, reply) =>
    letterPage(request, reply, deadLetterIdOf(request)),
  );

  /** Runs an action; a refusal of the operations module is shown on the dead letter's page. */
  const act = async (
    request: FastifyRequest,
    reply: FastifyReply,
    deadLetterId: string,
    form: DeadLetterAction,
    values: Record<string, string>,
    work: () => Promise<unknown>,
  ) => {
    try {
      await work();
    } catch (err) {
      if (!(err instanceof DeadLetterRefusal)) throw err;
      if (err.type === 'not-found') throw notFound(err.message);
      if (err.type === 'closed') return letterPage(request, reply, deadLetterId, { values, closed: true, status: 409 });
      if (err.type === 'obsolete')
        return letterPage(request, reply, deadLetterId, {
          values,
          errors: { 'redrive.force': dl.needsForce },
          status: 409,
        });
      if (err.type === 'invalid-fix')
        return letterPage(request, reply, deadLetterId, {
          values,
          errors: { 'fix.payload': err.issues.length > 0 ? dl.payloadProblems : dl.cannotFix },
          issues: err.issues,
          status: 422,
        });
      throw err;
    }
    request.log.info({ deadLetterId, action: form }, 'dead-letter action from a page');
    return reply.redirect(`/operator/dead-letters/${deadLetterId}?done=${form}`, 303);
  };
  app.post('/operator/dead-letters/:deadLetterId/fix', acting, async (request, reply) => {
    const deadLetterId = deadLetterIdOf(request);
    const body = bodyOf(request);
    const values = valuesOf(body, ['fix.payload', 'fix.reason']);
    const errors: FieldErrors = {};
    const reason = Reason.safeParse(one(body, 'fix.reason'));
    if (!reason.success) errors['fix.reason'] = messages.reason;
    let payload: unknown;
    try {
      payload = JSON.parse(one(body, 'fix.payload'));
      if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
        errors['fix.payload'] = dl.notAnObject;
    } catch {
      errors['fix.payload'] = dl.badJson;
    }
    if (Object.keys(errors).length > 0)
      return letterPage(request, reply, deadLetterId, { errors, values, status: 422 });
    return act(request, reply, deadLetterId, 'fix', values, () =>
      operations().fix(deadLetterId, payload, actor(request, reason.data!)),
    );
  });

  app.post('/operator/dead-letters/:deadLetterId/redrive', acting, async (request, reply) => {
    const deadLetterId = deadLetterIdOf(request);
    const body = bodyOf(request);
    const values = valuesOf(body, ['redrive.reason', 'redrive.force']);
    const reason = Reason.safeParse(one(body, 'redrive.reason'));
    if (!reason.success)
      return letterPage(request, reply, deadLetterId, {
        errors: { 'redrive.reason': messages.reason },
        values,
        status: 422,
      });
    const force = one(body, 'redrive.force') === 'yes';
    // The dry run first: what a redrive would do, nothing sent; the confirmation posts again.
    if (one(body, 'confirm') !== 'yes') {
      const preview = await found(() => operations().redrivePreview(deadLetterId));
      return sendPage(
        reply,
        RedriveConfirmPage({
          frame: frameOf(request, reply),
          catalogue: ctx.catalogue,
          deadLetterId,
          ...preview,
          reason: reason.data,
          force,
        }),
      );
    }
    return act(request, reply, deadLetterId, 'redrive', values, () =>
      operations().redriveOne(deadLetterId, { force, actor: actor(request, reason.data) }),
    );
  });

  app.post('/operator/dead-letters/:deadLetterId/discard', acting, async (request, reply) => {
    const deadLetterId = deadLetterIdOf(request);
    const body = bodyOf(request);
    const values = valuesOf(body, ['discard.reason']);
    const reason = Reason.safeParse(one(body, 'discard.reason'));
    if (!reason.success)
      return letterPage(request, reply, deadLetterId, {
        errors: { 'discard.reason': messages.reason },
        values,
        status: 422,
      });
    return act(request, reply, deadLetterId, 'discard', values, () =>
      operations().discard(deadLetterId, actor(request, reason.data)),
    );
  });
};
