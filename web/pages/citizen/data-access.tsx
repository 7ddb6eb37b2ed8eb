import type { MyDataAccess } from '../../../contracts/me';
import { organisationLabels } from '../../../contracts/procedures/labels';
import { Layout, type Frame } from '../components/layout';
import { formatDateTime, say, words } from '../i18n';

/** Who read the citizen's record, newest first (Estonia's Data Tracker is the model). */
export function DataAccessPage(props: { frame: Frame; log: MyDataAccess }) {
  const { frame, log } = props;
  const { lang } = frame;
  const holders = organisationLabels as Record<string, { vi: string; en: string }>;
  return (
    <Layout frame={frame} title={say(lang, words.dataAccessTitle)} wide>
      <p>
        <a href="/" class="back-link">
          {say(lang, words.back)}
        </a>
      </p>
      <h1>{say(lang, words.dataAccessTitle)}</h1>
      <p>{say(lang, words.dataAccessLead)}</p>
      {log.unavailable.length > 0 && (
        <p class="notice">
          {say(lang, words.dataAccessUnavailable)}{' '}
          {log.unavailable.map((holder) => (holders[holder] ? say(lang, holders[holder]) : holder)).join('; ')}
        </p>
      )}
      {log.reads.length === 0 ? (
        <p>{say(lang, words.dataAccessNone)}</p>
      ) : (
        <ul class="access-list">
          {log.reads.map((read, i) => (
            <li class="access" key={`${read.at}-${i}`}>
              <dl class="summary">
                <div>
                  <dt>{say(lang, words.when)}</dt>
                  <dd>{formatDateTime(read.at)}</dd>
                </div>
                <div>
                  <dt>{say(lang, words.organisation)}</dt>
                  <dd>{say(lang, read.organisationLabel)}</dd>
                </div>
                <div>
                  <dt>{say(lang, words.who)}</dt>
                  <dd class="mono">{read.actor}</dd>
                </div>
                <div>
                  <dt>{say(lang, words.why)}</dt>
                  <dd>{say(lang, read.purposeLabel)}</dd>
                </div>
                {read.dossierId && (
                  <div>
                    <dt>{say(lang, words.dossier)}</dt>
                    <dd class="mono">{read.dossierId}</dd>
                  </div>
                )}
              </dl>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}
