import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { TaskDecisionBody } from '../../contracts/api';
import type { AgencyId } from '../../contracts/agencies';
import { CaseNoteText, TaskStatus } from '../../contracts/back-office';
import type { Labels } from '../../contracts/procedures';
import type { Principal } from '../../platform/auth';
import type { ApiContext } from '../context';
import { forbidden, HttpProblem } from '../problems';
import { createTaskDesk, type DecisionBody, type TaskActor } from '../tasks';
import { all, one, type FieldErrors, type FormBody } from './forms';
import { messages } from './i18n';
import { frameOf, sendPage } from './render';
import { InboxPage, inboxViews, isOverdue, taskPath, type InboxView } from './worker/inbox';
import { TaskPage } from './worker/task';
import { workerWords } from './worker/words';

type Worker = Principal & { role: 'agency-worker'; agency: AgencyId };

const hidden = { schema: { hide: true } };
const workerOf = (request: FastifyRequest) => request.pageSession as Worker;
const bodyOf = (request: FastifyRequest) => (request.body ?? {}) as FormBody;
const queryOf = (request: FastifyRequest) => (request.query ?? {}) as Record<string, unknown>;
const taskIdOf = (request: FastifyRequest) => (request.params as { taskId: string }).taskId;

/** Notices after a post, named in the redirect so a reload does not post again. */
const notices: Record<string, Labels> = {
  claimed: workerWords.claimed,
  released: workerWords.released,
  note: workerWords.noteAdded,
  ...workerWords.decided,
};
const noticeOf = (request: FastifyRequest) => {
  const done = queryOf(request).done;
  return typeof done === 'string' && Object.hasOwn(notices, done) ? notices[done] : undefined;
};

/** The form's decision as the api's body, or the problems to show next to its fields. */
function decisionOf(body: FormBody): { decision?: DecisionBody; errors: FieldErrors } {
  const kind = one(body, 'decision');
  const candidate =
    kind === 'approve'
      ? { decision: kind, ...(one(body, 'approveNote') ? { reason: one(body, 'approveNote') } : {}) }
      : kind === 'reject'
        ? { decision: kind, reasonCode: one(body, 'reasonCode'), message: one(body, 'rejectMessage') }
        : { decision: 'request-information', fields: all(body, 'fields'), message: one(body, 'askMessage') };
  const parsed = TaskDecisionBody.safeParse(candidate);
  if (parsed.success) return { decision: parsed.data, errors: {} };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? '');
    if (field === 'reasonCode') errors.reasonCode ??= messages.choose;
    else if (field === 'fields') errors.fields ??= messages.choose;
    else if (field === 'reason') errors.approveNote ??= messages.reason;
    else if (field === 'message') errors[kind === 'reject' ? 'rejectMessage' : 'askMessage'] ??= messages.reason;
    else errors[''] ??= messages.invalid;
  }
  return { errors };
}

/**
 * The agency worker's pages: the inbox of their own agency, a task with what its decision needs,
 * claim and release, approve, reject with a reason code, ask the citizen for information, and notes
 * for colleagues. A claim lost to a colleague is explained on the task page, not as an error.
 */
export const workerPages: FastifyPluginAsync<ApiContext> = async (app, ctx) => {
  const desk = createTaskDesk(ctx);
  const csrfChecked = { ...hidden, preHandler: app.csrfProtection };

  app.addHook('preHandler', async (request, reply) => {
    if (!request.pageSession) return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303);
    if (request.pageSession.role !== 'agency-worker') throw forbidden('these pages are for agency workers');
  });

  app.get('/tasks', hidden, async (request, reply) => {
    const worker = workerOf(request);
    const query = queryOf(request);
    const status = TaskStatus.safeParse(query.status).data ?? 'awaiting-worker';
    const view: InboxView = inboxViews.find((v) => v === query.view) ?? 'all';
    const now = new Date();
    const tasks = (await desk.list(worker, worker.agency, { status, limit: 200 })).filter((task) => {
      if (view === 'mine') return task.claimedBy === worker.subject;
      if (view === 'unclaimed') return task.claimedBy === null;
      if (view === 'flagged') return task.flags.length > 0;
      if (view === 'overdue') return isOverdue(task, now);
      return true;
    });
    return sendPage(
      reply,
      InboxPage({
        frame: frameOf(request, reply),
        catalogue: ctx.catalogue,
        agency: worker.agency,
        tasks,
        status,
        view,
        now,
        notice: noticeOf(request),
      }),
    );
  });

  const taskPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { warning?: Labels; errors?: FieldErrors; values?: Record<string, string>; status?: number } = {},
  ) => {
    const worker = workerOf(request);
    const file = await desk.caseFile(worker, worker.agency, taskIdOf(request));
    request.log.info({ dossierId: file.task.dossierId, stepId: file.task.stepId }, 'worker opened a task');
    return sendPage(
      reply,
      TaskPage({
        frame: frameOf(request, reply),
        agency: worker.agency,
        file,
        now: new Date(),
        notice: noticeOf(request),
        ...extra,
      }),
      extra.status,
    );
  };

  app.get('/tasks/:taskId', hidden, async (request, reply) => taskPage(request, reply));

  const actorOf = (request: FastifyRequest): TaskActor => {
    const worker = workerOf(request);
    return { worker, agency: worker.agency, taskId: taskIdOf(request) };
  };
  /** Runs an action; a conflict (a colleague was first, the task is decided) is explained on the task page. */
  const act = async (
    request: FastifyRequest,
    reply: FastifyReply,
    run: () => Promise<unknown>,
    done: string,
    lost: Labels,
  ) => {
    try {
      await run();
    } catch (err) {
      if (err instanceof HttpProblem && err.status === 409) {
        request.log.info({ taskId: taskIdOf(request), done }, 'worker action lost to a colleague or a decision');
        return taskPage(request, reply, { warning: lost, status: 409 });
      }
      throw err;
    }
    const to = done in workerWords.decided ? `/tasks?done=${done}` : `${taskPath(taskIdOf(request))}?done=${done}`;
    return reply.redirect(to, 303);
  };

  app.post('/tasks/:taskId/claim', csrfChecked, async (request, reply) =>
    act(request, reply, () => desk.claim(actorOf(request)), 'claimed', workerWords.claimLost),
  );

  app.post('/tasks/:taskId/release', csrfChecked, async (request, reply) =>
    act(request, reply, () => desk.release(actorOf(request)), 'released', workerWords.decidedAlready),
  );

  app.post('/tasks/:taskId/decision', csrfChecked, async (request, reply) => {
    const body = bodyOf(request);
    const values = {
      approveNote: one(body, 'approveNote'),
      reasonCode: one(body, 'reasonCode'),
      rejectMessage: one(body, 'rejectMessage'),
      fields: all(body, 'fields').join(','),
      askMessage: one(body, 'askMessage'),
    };
    const { decision, errors } = decisionOf(body);
    if (!decision) return taskPage(request, reply, { errors, values, status: 422 });
    try {
      return await act(
        request,
        reply,
        () => desk.decide(actorOf(request), decision),
        decision.decision,
        workerWords.decidedAlready,
      );
    } catch (err) {
      // A reason code or field the step does not have (a stale or hand-made form): shown on its field.
      if (!(err instanceof HttpProblem) || err.status !== 400) throw err;
      const field = decision.decision === 'reject' ? 'reasonCode' : 'fields';
      return taskPage(request, reply, { errors: { [field]: messages.choose }, values, status: 422 });
    }
  });

  app.post('/tasks/:taskId/notes', csrfChecked, async (request, reply) => {
    const text = CaseNoteText.safeParse(one(bodyOf(request), 'note'));
    if (!text.success)
      return taskPage(request, reply, {
        errors: { note: one(bodyOf(request), 'note') ? messages.tooLong : messages.required },
        values: { note: one(bodyOf(request), 'note') },
        status: 422,
      });
    await desk.addNote(actorOf(request), text.data);
    return reply.redirect(`${taskPath(taskIdOf(request))}?done=note#task-notes`, 303);
  });
};
