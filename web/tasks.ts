import type { z } from 'zod';
import type { TaskDecisionBody } from '../contracts/api';
import type { AgencyId } from '../contracts/agencies';
import type { BackOffice, CaseFile, CaseNote, Task, TaskStatus } from '../contracts/back-office';
import { rejectionReasonCodes, type ServiceDefinition } from '../contracts/procedures/define';
import type { Principal } from '../platform/auth';
import type { ApiContext } from './context';
import { badRequest, conflict, forbidden, HttpProblem, notFound, unavailable } from './problems';

export type DecisionBody = z.infer<typeof TaskDecisionBody>;
type Action = 'claim' | 'release' | 'note' | DecisionBody['decision'];

/** Who acts on which task: the api (bearer token) and the pages (cookie session) both name it so. */
export interface TaskActor {
  worker: Principal;
  agency: AgencyId;
  taskId: string;
}

const decidedStatus = {
  approve: 'approved',
  reject: 'rejected',
  'request-information': 'information-requested',
} as const satisfies Record<DecisionBody['decision'], TaskStatus>;

/** What the audit row of a worker's action says beyond who and which task. */
interface TaskRecord {
  reason: string;
  afterStatus?: string;
  details?: Record<string, unknown>;
}

/**
 * An agency worker's work on tasks, the same from the api and the pages: every claim, release,
 * decision and note is recorded in the audit log before it is carried out, naming the task's
 * dossier, and a refused attempt gets a row of its own. When a row cannot be written, nothing is done.
 */
export function createTaskDesk(ctx: ApiContext) {
  const backOffice = (agency: AgencyId): BackOffice => {
    const office = ctx.backOffices[agency];
    if (!office) throw unavailable(`the ${agency} back office is not reachable from this api process`);
    return office;
  };
  const ownAgency = (worker: Principal, agency: AgencyId) => {
    if (worker.role !== 'agency-worker' || worker.agency !== agency)
      throw forbidden(`only ${agency} workers may act on ${agency} tasks`);
  };

  const act = async (
    actor: TaskActor,
    action: Action,
    carryOut: (context: {
      office: BackOffice;
      task?: Task;
      record: (entry: TaskRecord) => Promise<unknown>;
    }) => Promise<void>,
  ) => {
    const { worker, agency, taskId } = actor;
    const office = ctx.backOffices[agency];
    const task = await office?.task(taskId);
    const record = (suffix: string) => (entry: TaskRecord) =>
      ctx.audit.append({
        actor: worker.subject,
        role: 'agency-worker',
        action: `task.${action}${suffix}`,
        reason: entry.reason,
        dossierId: task?.dossierId,
        stepId: task?.stepId,
        beforeStatus: task?.status,
        afterStatus: entry.afterStatus,
        details: { agency, taskId, ...entry.details },
      });
    try {
      ownAgency(worker, agency);
      // A task id the caller's agency does not have is not found, whatever the action (not a conflict).
      if (office && !task) throw notFound(`no task ${taskId} at ${agency}`);
      await carryOut({ office: backOffice(agency), task, record: record('') });
    } catch (err) {
      if (err instanceof HttpProblem) await record('.refused')({ reason: err.message });
      throw err;
    }
  };

  return {
    /** The agency's tasks, soonest due first (the back office's order). */
    list(worker: Principal, agency: AgencyId, filter: Parameters<BackOffice['listTasks']>[0]) {
      ownAgency(worker, agency);
      return backOffice(agency).listTasks(filter);
    },

    /** What deciding the task needs, as the catalogue lists it for the step; 404 when there is no such task. */
    async caseFile(
      worker: Principal,
      agency: AgencyId,
      taskId: string,
    ): Promise<CaseFile & { service?: ServiceDefinition }> {
      ownAgency(worker, agency);
      const office = backOffice(agency);
      const task = await office.task(taskId);
      if (!task) throw notFound('no such task');
      const service = ctx.catalogue.serviceForCommand(task.commandType);
      const fields = Object.keys(service?.reviewFields ?? service?.informationFields ?? {});
      const file = await office.caseFile(taskId, fields);
      if (!file) throw notFound('no such task');
      return { ...file, service };
    },

    /** Exactly one worker wins; the others get a 409. */
    claim: (actor: TaskActor) =>
      act(actor, 'claim', async ({ office, record }) => {
        await record({ reason: 'the worker claims the task' });
        if (!(await office.claim(actor.taskId, actor.worker.subject)))
          throw conflict('the task is claimed by someone else or already decided');
      }),

    release: (actor: TaskActor) =>
      act(actor, 'release', async ({ office, record }) => {
        await record({ reason: 'the worker gives the task back' });
        if (!(await office.release(actor.taskId, actor.worker.subject))) throw conflict('you do not hold this task');
      }),

    decide: (actor: TaskActor, body: DecisionBody) =>
      act(actor, body.decision, async ({ office, task, record }) => {
        const service = task && ctx.catalogue.serviceForCommand(task.commandType);
        if (service) checkDecision(service, body);
        await record({
          reason: body.decision === 'approve' ? (body.reason ?? 'approved without a note') : body.message,
          afterStatus: decidedStatus[body.decision],
          details: {
            ...(body.decision === 'approve' && body.reason ? { note: body.reason } : {}),
            ...(body.decision === 'reject' ? { reasonCode: body.reasonCode } : {}),
            ...(body.decision === 'request-information' ? { fields: body.fields } : {}),
          },
        });
        const decided = await office.complete(
          actor.taskId,
          actor.worker.subject,
          body.decision === 'approve' ? { decision: 'approve' } : body,
        );
        if (!decided) throw conflict('claim the task first; it may be decided already');
      }),

    /** A note for colleagues of the same agency; its text stays out of the audit log (it may hold personal data). */
    async addNote(actor: TaskActor, text: string): Promise<CaseNote> {
      let note: CaseNote | undefined;
      await act(actor, 'note', async ({ office, record }) => {
        await record({ reason: 'the worker adds a note on the case', details: { length: text.length } });
        note = await office.addNote(actor.taskId, actor.worker.subject, text);
        if (!note) throw notFound('no such task');
      });
      return note!;
    },
  };
}

export type TaskDesk = ReturnType<typeof createTaskDesk>;

/** A rejection names a reason code, and a request for information form fields, that the catalogue lists for the step. */
export function checkDecision(service: ServiceDefinition, body: DecisionBody): void {
  if (body.decision === 'reject') {
    const codes = rejectionReasonCodes(service);
    if (!codes.includes(body.reasonCode))
      throw badRequest(`${body.reasonCode} is not a reason code of ${service.id}`, [
        { path: 'body.reasonCode', message: `must be one of ${codes.join(', ')}` },
      ]);
  }
  if (body.decision === 'request-information') {
    const known = Object.keys(service.informationFields);
    const errors = body.fields.flatMap((field, i) =>
      known.includes(field) ? [] : [{ path: `body.fields.${i}`, message: `must be one of ${known.join(', ')}` }],
    );
    if (errors.length > 0) throw badRequest(`${service.id} does not ask the citizen for these fields`, errors);
  }
}
