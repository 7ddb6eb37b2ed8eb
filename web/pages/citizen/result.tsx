import type { DossierView } from '../../../contracts/api';
import type { Catalogue } from '../../../contracts/procedures';
import { Layout, type Frame } from '../components/layout';
import { formatDateTime, say, words } from '../i18n';
import { resultRows } from '../results';

/** A print-friendly page of one step's result: what was decided, by whom, with the dossier's number. */
export function ResultPage(props: {
  frame: Frame;
  catalogue: Catalogue;
  dossier: DossierView;
  step: DossierView['steps'][number];
}) {
  const { frame, dossier, step } = props;
  const { lang } = frame;
  return (
    <Layout frame={frame} title={`${say(lang, words.resultTitle)}: ${say(lang, step.label)}`}>
      <p class="no-print">
        <a href={`/dossiers/${dossier.dossierId}`} class="back-link">
          {say(lang, words.back)}
        </a>
      </p>
      <article class="certificate">
        <h1>
          <span class="caption">{say(lang, words.resultTitle)}</span>
          {say(lang, step.label)}
        </h1>
        <dl class="summary">
          <div>
            <dt>{say(lang, words.resultIssuedBy)}</dt>
            <dd>{say(lang, step.agencyLabel)}</dd>
          </div>
          <div>
            <dt>{say(lang, words.dossierId)}</dt>
            <dd class="mono">{dossier.dossierId}</dd>
          </div>
          <div>
            <dt>{say(lang, words.dossierTitle)}</dt>
            <dd>{say(lang, dossier.procedureLabel)}</dd>
          </div>
          {step.finishedAt && (
            <div>
              <dt>{say(lang, words.finishedAt)}</dt>
              <dd>{formatDateTime(step.finishedAt)}</dd>
            </div>
          )}
          {resultRows(props.catalogue, step).map((row) => (
            <div key={row.label.en}>
              <dt>{say(lang, row.label)}</dt>
              <dd class="result-value">{row.value}</dd>
            </div>
          ))}
        </dl>
        <p class="hint">{say(lang, words.resultNote)}</p>
      </article>
      <p class="no-print">
        <button type="button" class="button button-secondary" data-print hidden>
          {say(lang, words.print)}
        </button>
      </p>
    </Layout>
  );
}
