import type { DossierSummary } from '../../../contracts/api';
import { agencyIds } from '../../../contracts/agencies';
import { DossierStatus } from '../../../contracts/dossier-status';
import type { Catalogue, Labels } from '../../../contracts/procedures';
import { agencyLabels, dossierStatusLabels } from '../../../contracts/procedures/labels';
import { ErrorSummary } from '../components/error-summary';
import { PostForm, TextField } from '../components/fields';
import type { Frame } from '../components/layout';
import type { FieldErrors } from '../forms';
import { say, type Lang } from '../i18n';
import { Select } from './controls';
import { DossierRows, mayAct, OperatorLayout } from './frame';
import { operatorWords as ow } from './words';

/** The filters a search page keeps in its query string (and a bulk form carries on). */
export const searchFilterNames = ['status', 'procedure', 'agency', 'step', 'overdue', 'failing', 'running'] as const;

function Flag(props: { lang: Lang; name: string; label: Labels; checked: boolean }) {
  return (
    <div class="choice">
      <input id={`f-${props.name}`} type="checkbox" name={props.name} value="true" checked={props.checked} />
      <label for={`f-${props.name}`}>{say(props.lang, props.label)}</label>
    </div>
  );
}

/** Search by the operations module's filters, the matches, and a bulk action over them (counted first). */
export function SearchPage(props: {
  frame: Frame;
  catalogue: Catalogue;
  values: Record<string, string>;
  errors: FieldErrors;
  dossiers?: DossierSummary[];
}) {
  const { frame, catalogue, values, errors } = props;
  const { lang, csrf } = frame;
  const title = say(lang, ow.searchTitle);
  const stepOptions = catalogue.services.map((s) => ({ value: s.id, label: say(lang, s.label) }));
  const labels = {
    status: ow.status,
    procedure: ow.procedure,
    agency: ow.agency,
    step: ow.step,
    reason: ow.reason,
    stepId: ow.bulkStep,
  };
  return (
    <OperatorLayout frame={frame} title={title}>
      <h1>{title}</h1>
      <ErrorSummary lang={lang} errors={errors} labels={labels} />
      <form method="get" action="/operator/search" class="filters" novalidate>
        <Select
          lang={lang}
          name="status"
          label={ow.status}
          errors={errors}
          value={values.status}
          options={DossierStatus.options.map((s) => ({ value: s, label: say(lang, dossierStatusLabels[s]) }))}
        />
        <Select
          lang={lang}
          name="procedure"
          label={ow.procedure}
          errors={errors}
          value={values.procedure}
          options={catalogue.procedures.map((p) => ({ value: p.id, label: say(lang, p.label) }))}
        />
        <Select
          lang={lang}
          name="agency"
          label={ow.agency}
          errors={errors}
          value={values.agency}
          options={agencyIds.map((a) => ({ value: a, label: say(lang, agencyLabels[a]) }))}
        />
        <Select lang={lang} name="step" label={ow.step} errors={errors} value={values.step} options={stepOptions} />
        <div class="field choices">
          <Flag lang={lang} name="overdue" label={ow.overdueOnly} checked={values.overdue === 'true'} />
          <Flag lang={lang} name="failing" label={ow.failingOnly} checked={values.failing === 'true'} />
          <Flag lang={lang} name="running" label={ow.runningOnly} checked={values.running === 'true'} />
        </div>
        <button type="submit" class="button">
          {say(lang, ow.search)}
        </button>
      </form>
      {props.dossiers && (
        <>
          <h2 id="results">{say(lang, ow.results)}</h2>
          {props.dossiers.length === 0 ? (
            <p>{say(lang, ow.noResults)}</p>
          ) : (
            <DossierRows lang={lang} catalogue={catalogue} caption={say(lang, ow.results)} dossiers={props.dossiers} />
          )}
        </>
      )}
      {props.dossiers && mayAct(frame) && (
        <section class="panel" aria-labelledby="bulk">
          <h2 id="bulk">{say(lang, ow.bulkTitle)}</h2>
          <PostForm action="/operator/bulk" csrf={csrf}>
            {searchFilterNames.map((name) =>
              values[name] ? <input key={name} type="hidden" name={`query.${name}`} value={values[name]} /> : null,
            )}
            <div class="field">
              <fieldset class="fieldset">
                <legend class="legend">{say(lang, ow.bulkAction)}</legend>
                <div class="choices">
                  <div class="choice">
                    <input
                      id="f-action"
                      type="radio"
                      name="action"
                      value="retry"
                      checked={values.action !== 'terminate'}
                    />
                    <label for="f-action">{say(lang, ow.bulkRetry)}</label>
                  </div>
                  <div class="choice">
                    <input
                      id="f-action-1"
                      type="radio"
                      name="action"
                      value="terminate"
                      checked={values.action === 'terminate'}
                    />
                    <label for="f-action-1">{say(lang, ow.bulkTerminate)}</label>
                  </div>
                </div>
              </fieldset>
            </div>
            <Select
              lang={lang}
              name="stepId"
              label={ow.bulkStep}
              errors={errors}
              value={values.stepId}
              options={stepOptions}
            />
            <TextField
              lang={lang}
              name="reason"
              label={ow.reason}
              hint={ow.reasonHint}
              errors={errors}
              value={values.reason}
            />
            <button type="submit" class="button button-secondary">
              {say(lang, ow.bulkCount)}
            </button>
          </PostForm>
        </section>
      )}
    </OperatorLayout>
  );
}
