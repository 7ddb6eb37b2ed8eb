import { deadLetterSourceTopics, deadLetterStates } from '../../../contracts/dead-letters';
import type { Catalogue } from '../../../contracts/procedures';
import type { DeadLetterRecord, DeadLetterState } from '../../../ops/dead-letters/store';
import { ErrorSummary } from '../components/error-summary';
import { TextField } from '../components/fields';
import type { Frame } from '../components/layout';
import type { FieldErrors } from '../forms';
import { say, type Lang } from '../i18n';
import { Select } from './controls';
import { DeadLetterRows } from './dead-letter-rows';
import { deadLetterWords as dl } from './dead-letter-words';
import { OperatorLayout } from './frame';
import { operatorWords as ow } from './words';

/** The filters the list keeps in its query string. */
export const deadLetterFilterNames = ['topic', 'state', 'reason', 'dossierId'] as const;

/** The list's address with these filters (empty ones left out). */
export const deadLetterListUrl = (filters: Record<string, string | undefined>) => {
  const query = new URLSearchParams(
    Object.entries(filters).filter((entry): entry is [string, string] => Boolean(entry[1])),
  ).toString();
  return query ? `/operator/dead-letters?${query}` : '/operator/dead-letters';
};

/** How many dead letters are in each state, each a link to the list of that state (keeping the other filters). */
export function DeadLetterCounts(props: {
  lang: Lang;
  counts: Record<DeadLetterState, number>;
  filters?: Record<string, string>;
  labelledBy: string;
}) {
  const { lang, counts } = props;
  return (
    <ul class="status-counts" aria-labelledby={props.labelledBy}>
      {deadLetterStates.map((state) => (
        <li key={state}>
          <a href={deadLetterListUrl({ ...props.filters, state })} id={`dead-letters-${state}`}>
            <span class="status-count">{counts[state]}</span> {say(lang, dl.states[state])}
          </a>
        </li>
      ))}
    </ul>
  );
}

/** Dead letters with their reasons, filtered by topic, state, reason and dossier, with counts per state. */
export function DeadLettersPage(props: {
  frame: Frame;
  catalogue: Catalogue;
  values: Record<string, string>;
  errors: FieldErrors;
  letters: DeadLetterRecord[];
  counts?: Record<DeadLetterState, number>;
  /** This api process keeps no dead letters. */
  unavailable?: boolean;
}) {
  const { frame, values, errors } = props;
  const { lang } = frame;
  const title = say(lang, dl.listTitle);
  const { state: _state, ...otherFilters } = values;
  return (
    <OperatorLayout frame={frame} title={title}>
      <h1>{title}</h1>
      <p>{say(lang, dl.listLead)}</p>
      {props.unavailable ? (
        <p class="notice">{say(lang, dl.unavailable)}</p>
      ) : (
        <>
          <ErrorSummary
            lang={lang}
            errors={errors}
            labels={{ topic: dl.topic, state: dl.state, reason: dl.reason, dossierId: dl.dossier }}
          />
          {props.counts && (
            <>
              <h2 id="dead-letter-counts">{say(lang, dl.countsTitle)}</h2>
              <DeadLetterCounts
                lang={lang}
                counts={props.counts}
                filters={otherFilters}
                labelledBy="dead-letter-counts"
              />
            </>
          )}
          <form method="get" action="/operator/dead-letters" class="filters" novalidate>
            <Select
              lang={lang}
              name="topic"
              label={dl.topic}
              errors={errors}
              value={values.topic}
              any
              options={deadLetterSourceTopics.map((topic) => ({ value: topic, label: topic }))}
            />
            <Select
              lang={lang}
              name="state"
              label={dl.state}
              errors={errors}
              value={values.state ?? 'open'}
              any={false}
              options={[
                ...deadLetterStates.map((state) => ({ value: state, label: say(lang, dl.states[state]) })),
                { value: 'all', label: say(lang, dl.allStates) },
              ]}
            />
            <TextField
              lang={lang}
              name="reason"
              label={dl.reason}
              hint={dl.reasonHint}
              errors={errors}
              value={values.reason}
            />
            <TextField lang={lang} name="dossierId" label={dl.dossier} errors={errors} value={values.dossierId} />
            <button type="submit" class="button">
              {say(lang, dl.filter)}
            </button>
          </form>
          <h2 id="dead-letter-list">{say(lang, ow.results)}</h2>
          {props.letters.length === 0 ? (
            <p>{say(lang, dl.none)}</p>
          ) : (
            <>
              <p class="hint">{say(lang, dl.shownAtMost)}</p>
              <DeadLetterRows lang={lang} catalogue={props.catalogue} letters={props.letters} caption={title} />
            </>
          )}
        </>
      )}
    </OperatorLayout>
  );
}
