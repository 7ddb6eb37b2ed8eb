import type { Task, TaskStatus } from '../../../contracts/back-office';
import { taskStatuses } from '../../../contracts/back-office';
import type { Catalogue, Labels } from '../../../contracts/procedures';
import { agencyLabels, taskFlagLabels, taskStatusLabels } from '../../../contracts/procedures/labels';
import type { AgencyId } from '../../../contracts/agencies';
import { StatusTag } from '../components/dossier-timeline';
import { Layout, type Frame } from '../components/layout';
import { formatDateTime, say, words, type Lang } from '../i18n';
import { workerWords } from './words';

/** Which of the listed tasks the inbox shows. */
export const inboxViews = ['all', 'mine', 'unclaimed', 'flagged', 'overdue'] as const;
export type InboxView = (typeof inboxViews)[number];
const viewLabels: Record<InboxView, Labels> = {
  all: workerWords.showAll,
  mine: workerWords.showMine,
  unclaimed: workerWords.showUnclaimed,
  flagged: workerWords.showFlagged,
  overdue: workerWords.showOverdue,
};

export const taskPath = (taskId: string) => `/tasks/${encodeURIComponent(taskId)}`;
export const isOverdue = (task: Task, now: Date) =>
  task.status === 'awaiting-worker' && task.dueAt !== null && Date.parse(task.dueAt) < now.getTime();

/** Who holds a task, as the worker reads it. */
export function holder(lang: Lang, task: Task, me: string): string {
  if (!task.claimedBy) return say(lang, workerWords.nobody);
  return task.claimedBy === me ? say(lang, workerWords.you) : `${say(lang, workerWords.colleague)} (${task.claimedBy})`;
}

export function flagLabels(agency: AgencyId, flags: readonly string[]): Labels[] {
  const known: Record<string, Labels> = taskFlagLabels[agency];
  return flags.map((flag) => known[flag] ?? { vi: flag, en: flag });
}

/** The agency worker's inbox: their agency's tasks, soonest due first, overdue ones marked, with filters. */
export function InboxPage(props: {
  frame: Frame;
  catalogue: Catalogue;
  agency: AgencyId;
  tasks: Task[];
  status: TaskStatus;
  view: InboxView;
  now: Date;
  notice?: Labels;
}) {
  const { frame, catalogue, agency, now } = props;
  const { lang } = frame;
  const me = frame.principal?.subject ?? '';
  return (
    <Layout frame={frame} title={say(lang, workerWords.inboxTitle)}>
      {props.notice && (
        <div class="notice" role="status">
          {say(lang, props.notice)}
        </div>
      )}
      <span class="caption">{say(lang, agencyLabels[agency])}</span>
      <h1>{say(lang, workerWords.inboxTitle)}</h1>
      <p class="hint">{say(lang, workerWords.inboxLead)}</p>
      <form method="get" action="/tasks" class="filters" aria-label={say(lang, workerWords.filters)}>
        <div class="field">
          <label class="label" for="f-status">
            {say(lang, workerWords.taskStatus)}
          </label>
          <select class="select" id="f-status" name="status">
            {taskStatuses.map((status) => (
              <option key={status} value={status} selected={status === props.status}>
                {say(lang, taskStatusLabels[status])}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label class="label" for="f-view">
            {say(lang, workerWords.show)}
          </label>
          <select class="select" id="f-view" name="view">
            {inboxViews.map((view) => (
              <option key={view} value={view} selected={view === props.view}>
                {say(lang, viewLabels[view])}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="button button-secondary">
          {say(lang, workerWords.applyFilters)}
        </button>
      </form>
      <p>
        {say(lang, workerWords.taskCount)}: <strong id="task-count">{props.tasks.length}</strong>
      </p>
      {props.tasks.length === 0 ? (
        <p>{say(lang, workerWords.noTasks)}</p>
      ) : (
        <ul class="dossier-list task-list">
          {props.tasks.map((task) => {
            const service = catalogue.serviceForCommand(task.commandType);
            const overdue = isOverdue(task, now);
            const flags = flagLabels(agency, task.flags);
            const status = task.status as TaskStatus;
            return (
              <li class={overdue ? 'dossier-card task-card task-overdue' : 'dossier-card task-card'} key={task.taskId}>
                <h2 class="dossier-card-title">
                  <a href={taskPath(task.taskId)}>{service ? say(lang, service.label) : task.commandType}</a>
                </h2>
                <dl class="summary">
                  <div>
                    <dt>{say(lang, words.dossierId)}</dt>
                    <dd class="mono">{task.dossierId}</dd>
                  </div>
                  <div>
                    <dt>{say(lang, workerWords.dueAt)}</dt>
                    <dd>
                      {task.dueAt ? formatDateTime(task.dueAt) : say(lang, workerWords.noDueDate)}
                      {overdue && (
                        <>
                          {' '}
                          <strong class="tag tag-overdue">{say(lang, words.overdue)}</strong>
                        </>
                      )}
                    </dd>
                  </div>
                  {taskStatusLabels[status] && status !== 'awaiting-worker' && (
                    <div>
                      <dt>{say(lang, words.status)}</dt>
                      <dd>
                        <StatusTag lang={lang} status={status} label={taskStatusLabels[status]} />
                      </dd>
                    </div>
                  )}
                  {flags.length > 0 && (
                    <div>
                      <dt>{say(lang, workerWords.flags)}</dt>
                      <dd class="task-flags">{flags.map((flag) => say(lang, flag)).join('; ')}</dd>
                    </div>
                  )}
                  <div>
                    <dt>{say(lang, workerWords.claimedBy)}</dt>
                    <dd class="task-holder">{holder(lang, task, me)}</dd>
                  </div>
                </dl>
              </li>
            );
          })}
        </ul>
      )}
    </Layout>
  );
}
