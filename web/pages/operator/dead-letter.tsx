import type { ComponentChildren } from 'preact';
import type { z } from 'zod';
import type { Catalogue, Labels } from '../../../contracts/procedures';
import type { DeadLetterOperations } from '../../../ops/dead-letters/service';
import { ErrorSummary, fieldId } from '../components/error-summary';
import { Confirm, PostForm } from '../components/fields';
import type { Frame } from '../components/layout';
import type { FieldErrors } from '../forms';
import { formatDateTime, say, type Lang } from '../i18n';
import { TextArea } from './controls';
import { deadLetterWords as dl } from './dead-letter-words';
import { mayAct, OperatorLayout, TableWrap } from './frame';
import { operatorWords as ow } from './words';

export type DeadLetterAction = keyof typeof dl.done;
export type DescribedDeadLetter = Awaited<ReturnType<DeadLetterOperations['describe']>>;
export type ShownDeadLetter = Awaited<ReturnType<DeadLetterOperations['show']>>;

/** A schema issue of a fix in the reader's language: what is wrong, by its code. */
const issueWords = (issue: z.core.$ZodIssue): Labels =>
  (dl.issues as Record<string, Labels>)[issue.code] ?? dl.issues.other;
const issuePath = (issue: z.core.$ZodIssue) => issue.path.map(String).join('.');
/** The error-summary key of one issue: its own line in the list under the payload field. */
const issueKey = (issue: z.core.$ZodIssue) => `fix.payload.${issuePath(issue) || '-'}`;

/** A reason textarea of one of the dead letter's forms. */
const ReasonField = (props: {
  lang: Lang;
  form: DeadLetterAction;
  errors: FieldErrors;
  values: Record<string, string>;
}) => (
  <TextArea
    lang={props.lang}
    name={`${props.form}.reason`}
    label={dl.actionReason}
    hint={dl.actionReasonHint}
    errors={props.errors}
    value={props.values[`${props.form}.reason`]}
  />
);

/**
 * One dead letter: why it failed, the error, its headers; for operators its decoded data (the read
 * is audited) and the forms to fix, redrive (a dry run first) or discard it, each with a reason.
 */
export function DeadLetterPage(props: {
  frame: Frame;
  catalogue: Catalogue;
  letter: DescribedDeadLetter;
  /** The opened data: operators only. */
  shown?: ShownDeadLetter;
  notice?: DeadLetterAction;
  errors?: FieldErrors;
  values?: Record<string, string>;
  /** The schema's issues with a fix that does not fit. */
  issues?: readonly z.core.$ZodIssue[];
  /** An action found the dead letter already closed (a 409): the page says in which state. */
  closed?: boolean;
}) {
  const { frame, catalogue, letter, shown } = props;
  const { lang, csrf } = frame;
  const errors = props.errors ?? {};
  const values = props.values ?? {};
  const issues = props.issues ?? [];
  const step = letter.stepId ? catalogue.service(letter.stepId) : undefined;
  const title = `${say(lang, dl.letter)} ${letter.deadLetterId}`;
  const action = (form: DeadLetterAction) => `/operator/dead-letters/${letter.deadLetterId}/${form}`;
  const summaryErrors: FieldErrors = { ...errors };
  const summaryLabels: Record<string, Labels> = {
    'fix.payload': dl.payload,
    'fix.reason': dl.actionReason,
    'redrive.reason': dl.actionReason,
    'discard.reason': dl.actionReason,
    'redrive.force': dl.force,
  };
  for (const issue of issues) {
    summaryErrors[issueKey(issue)] ??= issueWords(issue);
    const path = issuePath(issue);
    summaryLabels[issueKey(issue)] = {
      vi: `${dl.payload.vi} › ${path || dl.whole.vi}`,
      en: `${dl.payload.en} › ${path || dl.whole.en}`,
    };
  }
  const payload =
    values['fix.payload'] ?? (shown?.data === undefined ? undefined : JSON.stringify(shown.data, null, 2));
  const row = (label: Labels, value: ComponentChildren) => (
    <div>
      <dt>{say(lang, label)}</dt>
      <dd>{value}</dd>
    </div>
  );
  return (
    <OperatorLayout frame={frame} title={title}>
      <p>
        <a href="/operator/dead-letters" class="back-link">
          {say(lang, dl.listTitle)}
        </a>
      </p>
      <h1>
        <span class="caption">{say(lang, dl.letter)}</span>
        <span class="mono break">{letter.deadLetterId}</span>
      </h1>
      {props.notice && (
        <p class="notice" role="status">
          {say(lang, dl.done[props.notice])}
        </p>
      )}
      {props.closed && (
        <div class="error-summary" role="alert" tabindex={-1} data-focus>
          <h2>{say(lang, dl.alreadyClosedTitle)}</h2>
          <p>
            {say(lang, dl.alreadyClosedLead)} <strong>{say(lang, dl.states[letter.state])}</strong>
          </p>
        </div>
      )}
      <ErrorSummary lang={lang} errors={summaryErrors} labels={summaryLabels} />
      <dl class="summary" id="dead-letter-summary">
        {row(
          dl.state,
          <span class={`tag tag-dead-letter-${letter.state}`} id="dead-letter-state">
            {say(lang, dl.states[letter.state])}
          </span>,
        )}
        {row(dl.reason, <span class="mono">{letter.reason}</span>)}
        {row(dl.topic, <span class="mono">{letter.topic}</span>)}
        {row(dl.eventType, <span class="mono">{letter.eventType ?? ''}</span>)}
        {letter.dossierId &&
          row(
            dl.dossier,
            <a class="mono" href={`/operator/dossiers/${letter.dossierId}`}>
              {letter.dossierId}
            </a>,
          )}
        {letter.stepId && row(dl.step, step ? say(lang, step.label) : letter.stepId)}
        {letter.attempt !== null && row(dl.attempt, String(letter.attempt))}
        {row(dl.consumerGroup, <span class="mono">{letter.consumerGroup ?? ''}</span>)}
        {row(dl.position, <span class="mono">{`${letter.partition ?? '–'}/${letter.offset ?? '–'}`}</span>)}
        {row(dl.firstSeen, formatDateTime(letter.firstSeenAt))}
        {row(dl.timesSeen, String(letter.timesSeen))}
        {letter.redrivenFrom &&
          row(
            dl.redrivenFrom,
            <a class="mono" href={`/operator/dead-letters/${letter.redrivenFrom}`}>
              {letter.redrivenFrom}
            </a>,
          )}
        {letter.closedAt &&
          row(
            dl.closed,
            `${formatDateTime(letter.closedAt)} ${say(lang, dl.closedBy)} ${letter.closedBy ?? ''}: ${letter.closeReason ?? ''}`,
          )}
        {letter.fix && row(dl.fixChanged, <span class="mono">{letter.fix.changedPaths.join(', ')}</span>)}
        {shown?.signedBy && row(dl.signedBy, <span class="mono">{shown.signedBy}</span>)}
      </dl>
      <h2 id="dead-letter-error">{say(lang, dl.error)}</h2>
      <pre class="code-block">{letter.error}</pre>

      <h2 id="dead-letter-headers">{say(lang, dl.headersTitle)}</h2>
      <TableWrap label={say(lang, dl.headersTitle)}>
        <table class="table">
          <caption class="visually-hidden">{say(lang, dl.headersTitle)}</caption>
          <thead>
            <tr>
              <th scope="col">{say(lang, dl.header)}</th>
              <th scope="col">{say(lang, dl.value)}</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(letter.headers).map(([name, value]) => (
              <tr key={name}>
                <th scope="row" class="mono">
                  {name}
                </th>
                <td class="mono break">{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>

      <h2 id="dead-letter-data-title">{say(lang, dl.dataTitle)}</h2>
      {!shown ? (
        <p>{say(lang, dl.dataHidden)}</p>
      ) : (
        <>
          <p class="hint">{say(lang, dl.dataLead)}</p>
          {shown.problem && (
            <p>
              {say(lang, dl.dataProblem)} <span class="mono">{shown.problem}</span>
            </p>
          )}
          {shown.data !== undefined && (
            <pre class="code-block" id="dead-letter-data">
              {JSON.stringify(shown.data, null, 2)}
            </pre>
          )}
        </>
      )}

      {mayAct(frame) && (
        <section aria-labelledby="dead-letter-actions" id="dead-letter-forms">
          <h2 id="dead-letter-actions">{say(lang, ow.actionsTitle)}</h2>
          {letter.state !== 'open' ? (
            <p>{say(lang, dl.actionsClosed)}</p>
          ) : (
            <>
              {payload !== undefined && (
                <div class="panel">
                  <h3>{say(lang, dl.fixTitle)}</h3>
                  <p>{say(lang, dl.fixLead)}</p>
                  <PostForm action={action('fix')} csrf={csrf}>
                    <TextArea
                      lang={lang}
                      name="fix.payload"
                      label={dl.payload}
                      hint={dl.payloadHint}
                      errors={errors}
                      value={payload}
                      rows={Math.min(24, payload.split('\n').length + 1)}
                      code
                    />
                    {issues.length > 0 && (
                      <ul class="error-list" aria-labelledby={`${fieldId('fix.payload')}-error`}>
                        {issues.map((issue) => (
                          <li key={issueKey(issue)} id={fieldId(issueKey(issue))} class="error-message">
                            <span class="mono">{issuePath(issue) || say(lang, dl.whole)}</span>:{' '}
                            {say(lang, issueWords(issue))}
                          </li>
                        ))}
                      </ul>
                    )}
                    <ReasonField lang={lang} form="fix" errors={errors} values={values} />
                    <button type="submit" class="button">
                      {say(lang, dl.fix)}
                    </button>
                  </PostForm>
                </div>
              )}
              <div class="panel">
                <h3>{say(lang, dl.redriveTitle)}</h3>
                <p>{say(lang, dl.redriveLead)}</p>
                <PostForm action={action('redrive')} csrf={csrf}>
                  <ReasonField lang={lang} form="redrive" errors={errors} values={values} />
                  <Confirm
                    lang={lang}
                    name="redrive.force"
                    label={dl.force}
                    errors={errors}
                    checked={values['redrive.force'] === 'yes'}
                  />
                  <button type="submit" class="button button-secondary">
                    {say(lang, dl.redriveDryRun)}
                  </button>
                </PostForm>
              </div>
              <div class="panel">
                <h3>{say(lang, dl.discardTitle)}</h3>
                <p>{say(lang, dl.discardLead)}</p>
                <PostForm action={action('discard')} csrf={csrf}>
                  <ReasonField lang={lang} form="discard" errors={errors} values={values} />
                  <button type="submit" class="button button-warning">
                    {say(lang, dl.discard)}
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
