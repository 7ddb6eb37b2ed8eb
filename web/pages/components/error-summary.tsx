import type { Labels } from '../../../contracts/procedures';
import type { FieldErrors } from '../forms';
import { say, words, type Lang } from '../i18n';

/** The id of a field's control: the error summary links to it. */
export const fieldId = (name: string) => `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

/**
 * The GOV.UK error summary: every problem of the form, each a link to its field. `labels` names
 * the fields; a problem of a field the form does not show is listed with no link.
 */
export function ErrorSummary(props: { lang: Lang; errors: FieldErrors; labels: Record<string, Labels> }) {
  const { lang, errors, labels } = props;
  const entries = Object.entries(errors);
  if (entries.length === 0) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} data-focus>
      <h2 id="error-summary-title">{say(lang, words.errorSummaryTitle)}</h2>
      <ul>
        {entries.map(([path, message]) => {
          const label = labels[path];
          const text = label ? `${say(lang, label)}: ${say(lang, message)}` : say(lang, message);
          return <li key={path}>{label ? <a href={`#${fieldId(path)}`}>{text}</a> : text}</li>;
        })}
      </ul>
    </div>
  );
}
