import type { DossierView } from '../../../contracts/api';
import type { Catalogue } from '../../../contracts/procedures';
import { closedDossierStatuses } from '../../../contracts/dossier-status';
import { formatDateTime, say, words, type Lang } from '../i18n';
import { hasResult, resultRows } from '../results';

type Step = DossierView['steps'][number];

/** A status as a coloured tag; the colour only repeats what the words say. */
export function StatusTag(props: { lang: Lang; status: string; label: { vi: string; en: string } }) {
  return <strong class={`tag tag-${props.status}`}>{say(props.lang, props.label)}</strong>;
}

function StepItem(props: { lang: Lang; catalogue: Catalogue; dossierId: string; step: Step }) {
  const { lang, step } = props;
  const rows = hasResult(step) ? resultRows(props.catalogue, step) : [];
  return (
    <li class="step" id={`step-${step.stepId}`}>
      <div class="step-head">
        <h3 class="step-title">{say(lang, step.label)}</h3>
        <StatusTag lang={lang} status={step.status} label={step.statusLabel} />
      </div>
      <dl class="summary">
        <div>
          <dt>{say(lang, words.agency)}</dt>
          <dd>{say(lang, step.agencyLabel)}</dd>
        </div>
        <div>
          <dt>{say(lang, words.attempts)}</dt>
          <dd>{step.attempts}</dd>
        </div>
        {step.dueAt && (
          <div>
            <dt>{say(lang, words.dueAt)}</dt>
            <dd>{formatDateTime(step.dueAt)}</dd>
          </div>
        )}
        {step.finishedAt && (
          <div>
            <dt>{say(lang, words.finishedAt)}</dt>
            <dd>{formatDateTime(step.finishedAt)}</dd>
          </div>
        )}
        {rows.map((row) => (
          <div key={row.label.en}>
            <dt>{say(lang, row.label)}</dt>
            <dd class="result-value">{row.value}</dd>
          </div>
        ))}
        {step.rejection && (
          <div>
            <dt>{say(lang, words.reason)}</dt>
            <dd>
              {say(lang, step.rejection.label)}
              {step.rejection.message && <span class="detail"> — {step.rejection.message}</span>}
            </dd>
          </div>
        )}
        {step.reviewLabels && step.status === 'awaiting-agency-worker' && (
          <div>
            <dt>{say(lang, words.needsReview)}</dt>
            <dd>{step.reviewLabels.map((label) => say(lang, label)).join('; ')}</dd>
          </div>
        )}
      </dl>
      {rows.length > 0 && (
        <p>
          <a href={`/dossiers/${props.dossierId}/results/${step.stepId}`}>
            {say(lang, words.printResult)}
            <span class="visually-hidden">: {say(lang, step.label)}</span>
          </a>
        </p>
      )}
    </li>
  );
}

/**
 * The dossier's status and every step, the part of the dossier page that server-sent events
 * replace as the dossier moves (rendered here for the page and for each event alike).
 */
export function DossierTimeline(props: { lang: Lang; catalogue: Catalogue; dossier: DossierView }) {
  const { lang, dossier } = props;
  return (
    <div
      id="dossier-live"
      data-status={dossier.status}
      data-closed={String(closedDossierStatuses.includes(dossier.status))}
    >
      <p class="lead-status">
        {say(lang, words.status)}: <StatusTag lang={lang} status={dossier.status} label={dossier.statusLabel} />
      </p>
      <h2>{say(lang, words.steps)}</h2>
      <ol class="steps">
        {dossier.steps.map((step) => (
          <StepItem
            key={step.stepId}
            lang={lang}
            catalogue={props.catalogue}
            dossierId={dossier.dossierId}
            step={step}
          />
        ))}
      </ol>
    </div>
  );
}
