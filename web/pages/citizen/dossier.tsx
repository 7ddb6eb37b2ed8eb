import type { DossierView } from '../../../contracts/api';
import type { Catalogue } from '../../../contracts/procedures';
import { DossierActions } from '../components/dossier-actions';
import { DossierTimeline } from '../components/dossier-timeline';
import { Layout, type Frame } from '../components/layout';
import type { FieldErrors } from '../forms';
import { formatDateTime, say, words } from '../i18n';
import type { Labels } from '../../../contracts/procedures';

/** One dossier: its steps, live with JavaScript (server-sent events), current on every reload without. */
export function DossierPage(props: {
  frame: Frame;
  catalogue: Catalogue;
  dossier: DossierView;
  notice?: Labels;
  errors?: FieldErrors;
  values?: Record<string, string>;
}) {
  const { frame, dossier } = props;
  const { lang } = frame;
  return (
    <Layout frame={frame} title={`${say(lang, words.dossierTitle)} ${dossier.dossierId}`}>
      <p>
        <a href="/" class="back-link">
          {say(lang, words.back)}
        </a>
      </p>
      {props.notice && (
        <p class="notice" role="status">
          {say(lang, props.notice)}
        </p>
      )}
      <h1>
        <span class="caption">
          {say(lang, words.dossierTitle)} <span class="mono">{dossier.dossierId}</span>
        </span>
        {say(lang, dossier.procedureLabel)}
      </h1>
      <p class="hint">
        {say(lang, words.submittedAt)}: {formatDateTime(dossier.submittedAt)}
      </p>
      <div
        id="dossier"
        data-events={`/dossiers/${dossier.dossierId}/events`}
        data-announce-prefix={say(lang, words.status)}
      >
        <DossierTimeline lang={lang} catalogue={props.catalogue} dossier={dossier} />
        <DossierActions lang={lang} dossier={dossier} csrf={frame.csrf} errors={props.errors} values={props.values} />
      </div>
      <p class="visually-hidden" id="dossier-announce" aria-live="polite" />
      <p class="hint no-js-only">{say(lang, words.liveUpdates)}</p>
    </Layout>
  );
}
