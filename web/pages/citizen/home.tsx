import type { DossierSummary } from '../../../contracts/api';
import type { Catalogue } from '../../../contracts/procedures';
import { dossierStatusLabels } from '../../../contracts/procedures/labels';
import type { DossierStatus } from '../../../contracts/dossier-status';
import { StatusTag } from '../components/dossier-timeline';
import { Layout, type Frame } from '../components/layout';
import { formatDateTime, say, words } from '../i18n';

/** The citizen's home: what they can apply for, and their dossiers, newest first. */
export function HomePage(props: {
  frame: Frame;
  catalogue: Catalogue;
  dossiers: DossierSummary[];
  /** The procedures with an application page, by id. */
  applyPaths: Record<string, string>;
}) {
  const { frame, catalogue } = props;
  const { lang } = frame;
  return (
    <Layout frame={frame} title={say(lang, words.home)}>
      <h1>{say(lang, words.home)}</h1>
      <h2>{say(lang, words.applyFor)}</h2>
      <ul class="apply-list">
        {catalogue.procedures
          .filter((procedure) => props.applyPaths[procedure.id])
          .map((procedure) => (
            <li key={procedure.id}>
              <a class="apply-link" href={props.applyPaths[procedure.id]}>
                {say(lang, procedure.label)}
              </a>
              <p class="hint">{say(lang, procedure.description)}</p>
            </li>
          ))}
      </ul>
      <nav aria-label={say(lang, words.citizenNav)}>
        <ul class="citizen-nav">
          <li>
            <a href="/messages">{say(lang, words.messagesLink)}</a>
          </li>
          <li>
            <a href="/data-access">{say(lang, words.dataAccessLink)}</a>
          </li>
        </ul>
      </nav>
      <h2>{say(lang, words.home)}</h2>
      {props.dossiers.length === 0 ? (
        <p>{say(lang, words.noDossiers)}</p>
      ) : (
        <>
          <p class="hint">{say(lang, words.myDossiersLead)}</p>
          <ul class="dossier-list">
            {props.dossiers.map((dossier) => {
              const procedure = dossier.procedure ? catalogue.procedure(dossier.procedure) : undefined;
              const status = dossier.status as DossierStatus | undefined;
              const waiting = dossier.currentSteps
                .map((stepId) => catalogue.service(stepId))
                .filter((service) => service !== undefined);
              return (
                <li class="dossier-card" key={dossier.dossierId}>
                  <h3 class="dossier-card-title">
                    <a href={`/dossiers/${dossier.dossierId}`}>
                      {procedure ? say(lang, procedure.label) : dossier.procedure}
                    </a>
                  </h3>
                  <dl class="summary">
                    <div>
                      <dt>{say(lang, words.dossierId)}</dt>
                      <dd class="mono">{dossier.dossierId}</dd>
                    </div>
                    {dossier.startedAt && (
                      <div>
                        <dt>{say(lang, words.submittedAt)}</dt>
                        <dd>{formatDateTime(dossier.startedAt)}</dd>
                      </div>
                    )}
                    {status && dossierStatusLabels[status] && (
                      <div>
                        <dt>{say(lang, words.status)}</dt>
                        <dd>
                          <StatusTag lang={lang} status={status} label={dossierStatusLabels[status]} />
                          {dossier.overdue && (
                            <>
                              {' '}
                              <strong class="tag tag-overdue">{say(lang, words.overdue)}</strong>
                            </>
                          )}
                        </dd>
                      </div>
                    )}
                    <div>
                      <dt>{say(lang, words.waitingOn)}</dt>
                      <dd>
                        {waiting.length === 0
                          ? say(lang, words.nothingWaiting)
                          : waiting.map((service) => say(lang, service.label)).join('; ')}
                      </dd>
                    </div>
                  </dl>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </Layout>
  );
}
