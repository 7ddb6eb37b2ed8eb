import type { DossierView } from '../../../contracts/api';
import { closedDossierStatuses } from '../../../contracts/dossier-status';
import type { FieldErrors } from '../forms';
import { say, words, type Lang } from '../i18n';
import { ErrorSummary } from './error-summary';
import { PostForm, TextField } from './fields';

/**
 * What the citizen can do with the dossier now: answer each information request, withdraw while
 * it runs. Rendered with the page and with each server-sent event, like the timeline.
 */
export function DossierActions(props: {
  lang: Lang;
  dossier: DossierView;
  csrf: string;
  errors?: FieldErrors;
  values?: Record<string, string>;
}) {
  const { lang, dossier, csrf } = props;
  const errors = props.errors ?? {};
  const open = !closedDossierStatuses.includes(dossier.status);
  const asked = dossier.steps.filter((step) => step.status === 'awaiting-citizen' && step.informationRequest);
  const labels = Object.fromEntries(
    asked.flatMap((step) =>
      Object.entries(step.informationRequest!.fieldLabels).map(([field, label]) => [`fields.${field}`, label]),
    ),
  );
  return (
    <div id="dossier-actions" data-actions={`${open}:${asked.map((s) => s.stepId).join(',')}`}>
      <ErrorSummary lang={lang} errors={errors} labels={{ ...labels, reason: words.withdrawReason }} />
      {asked.map((step) => (
        <section class="panel" key={step.stepId} aria-labelledby={`ask-${step.stepId}`}>
          <h2 id={`ask-${step.stepId}`}>
            {say(lang, words.informationRequested)}: {say(lang, step.label)}
          </h2>
          <p class="agency-message">{step.informationRequest!.message}</p>
          <p class="hint">{say(lang, words.informationDeadline)}</p>
          <PostForm action={`/dossiers/${dossier.dossierId}/information`} csrf={csrf}>
            <input type="hidden" name="stepId" value={step.stepId} />
            {step.informationRequest!.fields.map((field) => (
              <TextField
                key={field}
                lang={lang}
                name={`fields.${field}`}
                label={step.informationRequest!.fieldLabels[field] ?? { vi: field, en: field }}
                value={props.values?.[`fields.${field}`]}
                errors={errors}
              />
            ))}
            <button type="submit" class="button">
              {say(lang, words.sendInformation)}
            </button>
          </PostForm>
        </section>
      ))}
      {open && (
        <details class="withdraw" open={Boolean(errors.reason)}>
          <summary>{say(lang, words.withdrawTitle)}</summary>
          <p>{say(lang, words.withdrawLead)}</p>
          <PostForm action={`/dossiers/${dossier.dossierId}/withdrawal`} csrf={csrf}>
            <TextField
              lang={lang}
              name="reason"
              label={words.withdrawReason}
              value={props.values?.reason}
              errors={errors}
            />
            <button type="submit" class="button button-warning">
              {say(lang, words.withdraw)}
            </button>
          </PostForm>
        </details>
      )}
    </div>
  );
}
