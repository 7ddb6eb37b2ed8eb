import { PostForm } from '../components/fields';
import type { Frame } from '../components/layout';
import { say } from '../i18n';
import { OperatorLayout } from './frame';
import { operatorWords as ow } from './words';

/** The dry run's count and a confirmation, or what the confirmed bulk action did. */
export function BulkPage(props: {
  frame: Frame;
  /** The form to send again with the confirmation (filters, action, step, reason). */
  fields: Record<string, string>;
  matched: number;
  done?: { applied: number; failed: number };
}) {
  const { frame, fields, matched, done } = props;
  const { lang, csrf } = frame;
  const title = say(lang, ow.confirmTitle);
  return (
    <OperatorLayout frame={frame} title={title}>
      <h1>{title}</h1>
      {done ? (
        <>
          <p class="notice" role="status">
            {say(lang, ow.bulkDone)} <strong id="bulk-applied">{done.applied}</strong>
          </p>
          {done.failed > 0 && (
            <p>
              {say(lang, ow.bulkFailed)} <strong>{done.failed}</strong>
            </p>
          )}
        </>
      ) : (
        <>
          <p>
            {say(lang, ow.confirmLead)} <strong id="bulk-matched">{matched}</strong>
          </p>
          <p>
            {say(lang, ow.bulkAction)}: {say(lang, fields.action === 'terminate' ? ow.bulkTerminate : ow.bulkRetry)}
            {fields.stepId && fields.action !== 'terminate' ? ` (${fields.stepId})` : ''}
          </p>
          <p>
            {say(lang, ow.reason)}: {fields.reason}
          </p>
          <PostForm action="/operator/bulk" csrf={csrf}>
            {Object.entries(fields).map(([name, value]) => (
              <input key={name} type="hidden" name={name} value={value} />
            ))}
            <input type="hidden" name="confirm" value="yes" />
            <button type="submit" class="button button-warning" disabled={matched === 0}>
              {say(lang, ow.confirm)}
            </button>
          </PostForm>
        </>
      )}
      <p>
        <a href="/operator/search">{say(lang, ow.searchTitle)}</a>
      </p>
    </OperatorLayout>
  );
}
