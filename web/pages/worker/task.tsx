import type { CaseFile, TaskStatus } from '../../../contracts/back-office';
import type { Labels } from '../../../contracts/procedures';
import { rejectionReasonCodes, type ServiceDefinition } from '../../../contracts/procedures/define';
import { agencyLabels, reasonCodeLabels, taskStatusLabels } from '../../../contracts/procedures/labels';
import type { AgencyId } from '../../../contracts/agencies';
import { StatusTag } from '../components/dossier-timeline';
import { ErrorSummary, fieldId } from '../components/error-summary';
import { Choices, PostForm, TextField } from '../components/fields';
import { Layout, type Frame } from '../components/layout';
import type { FieldErrors } from '../forms';
import { formatDateTime, say, words } from '../i18n';
import { formatFact } from './facts';
import { flagLabels, holder, isOverdue, taskPath } from './inbox';
import { workerWords } from './words';

/** The labels of the decision forms' fields, for the error summary. */
export const decisionFieldLabels = {
  reasonCode: workerWords.rejectReason,
  rejectMessage: workerWords.rejectMessage,
  fields: workerWords.askFields,
  askMessage: workerWords.askMessage,
  note: workerWords.note,
} as const satisfies Record<string, Labels>;

/**
 * One task: what the decision needs from the dossier and nothing more (the catalogue's review
 * fields), who holds it, the decision forms for the worker who holds it, and the agency's notes.
 */
export function TaskPage(props: {
  frame: Frame;
  agency: AgencyId;
  file: CaseFile & { service?: ServiceDefinition };
  now: Date;
  notice?: Labels;
  /** A notice that something the worker tried did not happen (a lost claim), shown as a warning. */
  warning?: Labels;
  errors?: FieldErrors;
  values?: Record<string, string>;
}) {
  const { frame, agency, file, now } = props;
  const { lang } = frame;
  const { task, service } = file;
  const me = frame.principal?.subject ?? '';
  const errors = props.errors ?? {};
  const values = props.values ?? {};
  const open = task.status === 'awaiting-worker';
  const mine = open && task.claimedBy === me;
  const status = task.status as TaskStatus;
  const reviewFields = service?.reviewFields ?? service?.informationFields ?? {};
  const reasons: Record<string, Labels> = reasonCodeLabels[agency];
  const codes = service ? rejectionReasonCodes(service) : [];
  const flags = flagLabels(agency, task.flags);
  const title = service ? say(lang, service.label) : task.commandType;
  const path = taskPath(task.taskId);
  return (
    <Layout frame={frame} title={title}>
      <a class="back-link" href="/tasks">
        {say(lang, workerWords.backToInbox)}
      </a>
      {props.notice && (
        <div class="notice" role="status">
          {say(lang, props.notice)}
        </div>
      )}
      {props.warning && (
        <div class="notice notice-warning" role="alert" id="task-warning">
          {say(lang, props.warning)}
        </div>
      )}
      <ErrorSummary lang={lang} errors={errors} labels={decisionFieldLabels} />
      <span class="caption">{say(lang, agencyLabels[agency])}</span>
      <h1>{title}</h1>
      <dl class="summary" id="task-summary">
        <div>
          <dt>{say(lang, words.dossierId)}</dt>
          <dd class="mono">{task.dossierId}</dd>
        </div>
        <div>
          <dt>{say(lang, words.status)}</dt>
          <dd>
            {taskStatusLabels[status] ? (
              <StatusTag lang={lang} status={status} label={taskStatusLabels[status]} />
            ) : (
              task.status
            )}
          </dd>
        </div>
        <div>
          <dt>{say(lang, workerWords.dueAt)}</dt>
          <dd>
            {task.dueAt ? formatDateTime(task.dueAt) : say(lang, workerWords.noDueDate)}
            {isOverdue(task, now) && (
              <>
                {' '}
                <strong class="tag tag-overdue">{say(lang, words.overdue)}</strong>
              </>
            )}
          </dd>
        </div>
        {flags.length > 0 && (
          <div>
            <dt>{say(lang, workerWords.flags)}</dt>
            <dd class="task-flags">{flags.map((flag) => say(lang, flag)).join('; ')}</dd>
          </div>
        )}
        <div>
          <dt>{say(lang, workerWords.claimedBy)}</dt>
          <dd id="task-holder">{holder(lang, task, me)}</dd>
        </div>
      </dl>

      <h2>{say(lang, workerWords.facts)}</h2>
      <p class="hint">{say(lang, workerWords.factsLead)}</p>
      <dl class="summary" id="task-facts">
        {Object.entries(reviewFields).map(([field, label]) => (
          <div key={field}>
            <dt>{say(lang, label)}</dt>
            <dd>{formatFact(lang, file.facts[field])}</dd>
          </div>
        ))}
      </dl>

      <section class="panel" aria-labelledby="decision-title" id="task-actions">
        <h2 id="decision-title">{say(lang, workerWords.decision)}</h2>
        {open && !task.claimedBy && (
          <PostForm action={`${path}/claim`} csrf={frame.csrf}>
            <p>{say(lang, workerWords.claimFirst)}</p>
            <button type="submit" class="button" id="claim">
              {say(lang, workerWords.claim)}
            </button>
          </PostForm>
        )}
        {open && task.claimedBy && !mine && (
          <p id="claimed-by-colleague">{say(lang, workerWords.claimedByColleague)}</p>
        )}
        {!open && <p>{say(lang, workerWords.decidedAlready)}</p>}
        {mine && (
          <>
            <p>{say(lang, workerWords.claimedByYou)}</p>
            <PostForm action={`${path}/release`} csrf={frame.csrf}>
              <button type="submit" class="button button-secondary" id="release">
                {say(lang, workerWords.release)}
              </button>
            </PostForm>
            <h3>{say(lang, workerWords.approve)}</h3>
            <PostForm action={`${path}/decision`} csrf={frame.csrf}>
              <input type="hidden" name="decision" value="approve" />
              <TextField
                lang={lang}
                name="approveNote"
                label={workerWords.approveNote}
                value={values.approveNote}
                errors={errors}
              />
              <button type="submit" class="button" id="approve">
                {say(lang, workerWords.approve)}
              </button>
            </PostForm>
            {codes.length > 0 && (
              <>
                <h3>{say(lang, workerWords.reject)}</h3>
                <PostForm action={`${path}/decision`} csrf={frame.csrf}>
                  <input type="hidden" name="decision" value="reject" />
                  <div class={errors.reasonCode ? 'field field-error' : 'field'}>
                    <label class="label" for={fieldId('reasonCode')}>
                      {say(lang, workerWords.rejectReason)}
                    </label>
                    {errors.reasonCode && (
                      <p class="error-message" id={`${fieldId('reasonCode')}-error`}>
                        {say(lang, errors.reasonCode)}
                      </p>
                    )}
                    <select
                      class="select"
                      id={fieldId('reasonCode')}
                      name="reasonCode"
                      aria-invalid={errors.reasonCode ? 'true' : undefined}
                      aria-describedby={errors.reasonCode ? `${fieldId('reasonCode')}-error` : undefined}
                    >
                      <option value="">{say(lang, words.choose)}</option>
                      {codes.map((code) => (
                        <option key={code} value={code} selected={values.reasonCode === code}>
                          {say(lang, reasons[code] ?? { vi: code, en: code })}
                        </option>
                      ))}
                    </select>
                  </div>
                  <TextField
                    lang={lang}
                    name="rejectMessage"
                    label={workerWords.rejectMessage}
                    value={values.rejectMessage}
                    errors={errors}
                  />
                  <button type="submit" class="button button-warning" id="reject">
                    {say(lang, workerWords.reject)}
                  </button>
                </PostForm>
              </>
            )}
            {service && Object.keys(service.informationFields).length > 0 && (
              <>
                <h3>{say(lang, workerWords.askInformation)}</h3>
                <PostForm action={`${path}/decision`} csrf={frame.csrf}>
                  <input type="hidden" name="decision" value="request-information" />
                  <Choices
                    lang={lang}
                    type="checkbox"
                    name="fields"
                    label={workerWords.askFields}
                    hint={workerWords.askHint}
                    options={Object.entries(service.informationFields).map(([field, label]) => ({
                      value: field,
                      label: say(lang, label),
                    }))}
                    value={values.fields?.split(',').filter(Boolean)}
                    errors={errors}
                  />
                  <TextField
                    lang={lang}
                    name="askMessage"
                    label={workerWords.askMessage}
                    value={values.askMessage}
                    errors={errors}
                  />
                  <button type="submit" class="button button-secondary" id="ask">
                    {say(lang, workerWords.askInformation)}
                  </button>
                </PostForm>
              </>
            )}
          </>
        )}
      </section>

      <section aria-labelledby="notes-title" id="task-notes">
        <h2 id="notes-title">{say(lang, workerWords.notes)}</h2>
        <p class="hint">{say(lang, workerWords.notesLead)}</p>
        {file.notes.length === 0 ? (
          <p>{say(lang, workerWords.noNotes)}</p>
        ) : (
          <ul class="access-list notes">
            {file.notes.map((note) => (
              <li class="access note" key={note.noteId}>
                <p class="note-text">{note.text}</p>
                <p class="hint">
                  {note.author === me ? say(lang, workerWords.you) : note.author} · {formatDateTime(note.createdAt)}
                </p>
              </li>
            ))}
          </ul>
        )}
        <PostForm action={`${path}/notes`} csrf={frame.csrf}>
          <TextField lang={lang} name="note" label={workerWords.note} value={values.note} errors={errors} />
          <button type="submit" class="button button-secondary" id="add-note">
            {say(lang, workerWords.addNote)}
          </button>
        </PostForm>
      </section>
    </Layout>
  );
}
