import type { DossierView } from '../../../contracts/api';
import { closedDossierStatuses, type DossierStatus } from '../../../contracts/dossier-status';
import type { Catalogue, Labels } from '../../../contracts/procedures';
import type { DossierDepth } from '../../../ops/operations/depth';
import { StatusTag } from '../components/dossier-timeline';
import { ErrorSummary } from '../components/error-summary';
import { PostForm } from '../components/fields';
import type { Frame } from '../components/layout';
import type { FieldErrors } from '../forms';
import { formatDateTime, say, words, type Lang } from '../i18n';
import type { DeadLetterRecord } from '../../../ops/dead-letters/store';
import { TextArea } from './controls';
import { DeadLetterRows } from './dead-letter-rows';
import { deadLetterWords as dl } from './dead-letter-words';
import { mayAct, OperatorLayout, TableWrap } from './frame';
import { operatorWords as ow } from './words';

export type OperatorAction = keyof typeof ow.done;

/** A step picker over the dossier's steps, by their catalogue names. */
function StepSelect(props: { lang: Lang; name: string; dossier: DossierView; errors: FieldErrors; value?: string }) {
  const id = `f-${props.name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const error = props.errors[props.name];
  return (
    <div class={error ? 'field field-error' : 'field'}>
      <label class="label" for={id}>
        {say(props.lang, ow.step)}
      </label>
      {error && (
        <p class="error-message" id={`${id}-error`}>
          {say(props.lang, error)}
        </p>
      )}
      <select class="select" id={id} name={props.name} aria-describedby={error ? `${id}-error` : undefined}>
        {props.dossier.steps.map((s) => (
          <option key={s.stepId} value={s.stepId} selected={props.value === s.stepId}>
            {say(props.lang, s.label)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** One dossier in depth for operators: steps, attempts, last errors, pending activities, the workflow, and actions. */
export function OperatorDossierPage(props: {
  frame: Frame;
  catalogue: Catalogue;
  depth: DossierDepth;
  notice?: OperatorAction;
  errors?: FieldErrors;
  values?: Record<string, string>;
  /** The dossier's status when an action found it ended (a 409). */
  closedAs?: Labels;
  /** Its dead letters, every state; absent where this api process keeps none. */
  deadLetters?: DeadLetterRecord[];
}) {
  const { frame, depth } = props;
  const { lang, csrf } = frame;
  const { dossier, workflow } = depth;
  const errors = props.errors ?? {};
  const values = props.values ?? {};
  const open = !closedDossierStatuses.includes(dossier.status as DossierStatus) && workflow.status === 'RUNNING';
  const title = `${say(lang, ow.dossier)} ${dossier.dossierId}`;
  const reason = (form: OperatorAction) => (
    <TextArea
      lang={lang}
      name={`${form}.reason`}
      label={ow.reason}
      hint={ow.reasonHint}
      errors={errors}
      value={values[`${form}.reason`]}
    />
  );
  const action = (form: OperatorAction) => `/operator/dossiers/${dossier.dossierId}/${form}`;
  return (
    <OperatorLayout frame={frame} title={title}>
      <h1>
        <span class="caption">{say(lang, dossier.procedureLabel)}</span>
        {title}
      </h1>
      {props.notice && (
        <p class="notice" role="status">
          {say(lang, ow.done[props.notice])}
        </p>
      )}
      {props.closedAs && (
        <div class="error-summary" role="alert" tabindex={-1} data-focus>
          <h2>{say(lang, ow.closedTitle)}</h2>
          <p>
            {say(lang, ow.closedLead)} <strong>{say(lang, props.closedAs)}</strong>
          </p>
        </div>
      )}
      <ErrorSummary
        lang={lang}
        errors={errors}
        labels={{
          'retry.reason': ow.reason,
          'skip.reason': ow.reason,
          'skip.result': ow.manualResult,
          'reset.reason': ow.reason,
          'terminate.reason': ow.reason,
          'retry.stepId': ow.step,
          'skip.stepId': ow.step,
          'reset.stepId': ow.step,
        }}
      />
      <dl class="summary">
        <div>
          <dt>{say(lang, ow.status)}</dt>
          <dd>
            <StatusTag lang={lang} status={dossier.status} label={dossier.statusLabel} />
          </dd>
        </div>
        <div>
          <dt>{say(lang, ow.workflowStatus)}</dt>
          <dd>{workflow.status}</dd>
        </div>
        <div>
          <dt>{say(lang, ow.startedAt)}</dt>
          <dd>{formatDateTime(workflow.startedAt)}</dd>
        </div>
        <div>
          <dt>{say(lang, ow.historyLength)}</dt>
          <dd>{workflow.historyLength}</dd>
        </div>
        <div>
          <dt>{say(lang, ow.taskAttempt)}</dt>
          <dd>{depth.workflowTaskAttempt}</dd>
        </div>
      </dl>
      {depth.temporalUiUrl && (
        <p>
          <a href={depth.temporalUiUrl} rel="noopener">
            {say(lang, ow.openInTemporal)}
          </a>
        </p>
      )}

      <h2 id="steps">{say(lang, ow.stepsTitle)}</h2>
      <TableWrap label={say(lang, ow.stepsTitle)}>
        <table class="table">
          <caption class="visually-hidden">{say(lang, ow.stepsTitle)}</caption>
          <thead>
            <tr>
              <th scope="col">{say(lang, ow.step)}</th>
              <th scope="col">{say(lang, ow.agency)}</th>
              <th scope="col">{say(lang, ow.status)}</th>
              <th scope="col">{say(lang, words.attempts)}</th>
              <th scope="col">{say(lang, words.dueAt)}</th>
              <th scope="col">{say(lang, words.finishedAt)}</th>
              <th scope="col">{say(lang, ow.lastError)}</th>
            </tr>
          </thead>
          <tbody>
            {dossier.steps.map((s) => (
              <tr key={s.stepId} id={`step-${s.stepId}`}>
                <th scope="row">{say(lang, s.label)}</th>
                <td>{say(lang, s.agencyLabel)}</td>
                <td>
                  <StatusTag lang={lang} status={s.status} label={s.statusLabel} />
                </td>
                <td>{s.attempts}</td>
                <td>{s.dueAt ? formatDateTime(s.dueAt) : ''}</td>
                <td>{s.finishedAt ? formatDateTime(s.finishedAt) : ''}</td>
                <td>{s.lastError ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>

      <h2 id="pending">{say(lang, ow.pendingTitle)}</h2>
      {depth.pendingActivities.length === 0 ? (
        <p>{say(lang, ow.pendingNone)}</p>
      ) : (
        <TableWrap label={say(lang, ow.pendingTitle)}>
          <table class="table">
            <caption class="visually-hidden">{say(lang, ow.pendingTitle)}</caption>
            <thead>
              <tr>
                <th scope="col">{say(lang, ow.activity)}</th>
                <th scope="col">{say(lang, ow.state)}</th>
                <th scope="col">{say(lang, words.attempts)}</th>
                <th scope="col">{say(lang, ow.lastError)}</th>
              </tr>
            </thead>
            <tbody>
              {depth.pendingActivities.map((a, i) => (
                <tr key={i}>
                  <td class="mono">{a.activityType}</td>
                  <td>{a.state}</td>
                  <td>{a.attempt}</td>
                  <td>{a.lastFailure ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}

      {props.deadLetters && (
        <>
          <h2 id="dossier-dead-letters">{say(lang, dl.ofDossier)}</h2>
          {props.deadLetters.length === 0 ? (
            <p>{say(lang, dl.ofDossierNone)}</p>
          ) : (
            <DeadLetterRows
              lang={lang}
              catalogue={props.catalogue}
              letters={props.deadLetters}
              caption={say(lang, dl.ofDossier)}
              withDossier={false}
            />
          )}
        </>
      )}

      {mayAct(frame) && (
        <section aria-labelledby="actions" id="operator-actions">
          <h2 id="actions">{say(lang, ow.actionsTitle)}</h2>
          {!open ? (
            <p>{say(lang, ow.actionsClosed)}</p>
          ) : (
            <>
              <div class="panel">
                <h3>{say(lang, ow.retryTitle)}</h3>
                <PostForm action={action('retry')} csrf={csrf}>
                  <StepSelect
                    lang={lang}
                    name="retry.stepId"
                    dossier={dossier}
                    errors={errors}
                    value={values['retry.stepId']}
                  />
                  {reason('retry')}
                  <button type="submit" class="button">
                    {say(lang, ow.retry)}
                  </button>
                </PostForm>
              </div>
              <div class="panel">
                <h3>{say(lang, ow.skipTitle)}</h3>
                <PostForm action={action('skip')} csrf={csrf}>
                  <StepSelect
                    lang={lang}
                    name="skip.stepId"
                    dossier={dossier}
                    errors={errors}
                    value={values['skip.stepId']}
                  />
                  <TextArea
                    lang={lang}
                    name="skip.result"
                    label={ow.manualResult}
                    hint={ow.manualResultHint}
                    errors={errors}
                    value={values['skip.result']}
                  />
                  {reason('skip')}
                  <button type="submit" class="button button-secondary">
                    {say(lang, ow.skip)}
                  </button>
                </PostForm>
              </div>
              <div class="panel">
                <h3>{say(lang, ow.resetTitle)}</h3>
                <PostForm action={action('reset')} csrf={csrf}>
                  <StepSelect
                    lang={lang}
                    name="reset.stepId"
                    dossier={dossier}
                    errors={errors}
                    value={values['reset.stepId']}
                  />
                  {reason('reset')}
                  <button type="submit" class="button button-secondary">
                    {say(lang, ow.reset)}
                  </button>
                </PostForm>
              </div>
              <div class="panel">
                <h3>{say(lang, ow.terminateTitle)}</h3>
                <p>{say(lang, ow.terminateLead)}</p>
                <PostForm action={action('terminate')} csrf={csrf}>
                  {reason('terminate')}
                  <button type="submit" class="button button-warning">
                    {say(lang, ow.terminate)}
                  </button>
                </PostForm>
              </div>
            </>
          )}
        </section>
      )}
    </OperatorLayout>
  );
}
