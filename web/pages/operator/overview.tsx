import type { StuckDossier } from '../../../contracts/api';
import { agencyLabels, dossierStatusLabels } from '../../../contracts/procedures/labels';
import type { Catalogue } from '../../../contracts/procedures';
import type { DossierStatus } from '../../../contracts/dossier-status';
import type { DeadLetterState } from '../../../ops/dead-letters/store';
import type { OnTimeRate, OnTimeRates } from '../../../ops/operations';
import type { Frame } from '../components/layout';
import { say, type Lang } from '../i18n';
import { DeadLetterCounts } from './dead-letters';
import { deadLetterWords as dl } from './dead-letter-words';
import { DossierRows, OperatorLayout } from './frame';
import { operatorWords as ow } from './words';

const percent = (rate: number) => `${Math.round(rate * 100)}%`;

/** One bar of the on-time chart: its width is the rate, and the same figures are in its text. */
function RateBar(props: { lang: Lang; window: string; rate: OnTimeRate }) {
  const { lang, rate } = props;
  const text =
    rate.rate === undefined
      ? `${props.window}: ${say(lang, ow.noSteps)}`
      : `${props.window}: ${percent(rate.rate)} (${rate.onTime} ${say(lang, ow.ofSteps)} ${rate.finished})`;
  return (
    <div class="rate">
      <span class="rate-text">{text}</span>
      <span class="rate-track" aria-hidden="true">
        <span class={`rate-bar rate-bar-${Math.round((rate.rate ?? 0) * 20) * 5}`} />
      </span>
    </div>
  );
}

/** What the overview shows live: counts by status, the stuck list, dead letters by state. */
export interface OverviewLiveData {
  counts: { status: DossierStatus; count: number }[];
  stuck: StuckDossier[];
  /** Absent where this api process keeps no dead letters. */
  deadLetters?: Record<DeadLetterState, number>;
}

/**
 * The part of the overview that follows the system: rendered in the page, and again for each
 * server-sent event that replaces it (web/pages/assets/pages.js).
 */
export function OverviewLive(props: { lang: Lang; catalogue: Catalogue; data: OverviewLiveData }) {
  const { lang, catalogue, data } = props;
  return (
    <div id="operator-live" data-stuck={data.stuck.length}>
      <h2 id="by-status">{say(lang, ow.byStatus)}</h2>
      <ul class="status-counts" aria-labelledby="by-status">
        {data.counts.map(({ status, count }) => (
          <li key={status}>
            <a href={`/operator/search?status=${status}`}>
              <span class="status-count">{count}</span> {say(lang, dossierStatusLabels[status])}
            </a>
          </li>
        ))}
      </ul>

      <h2 id="stuck">{say(lang, ow.stuckTitle)}</h2>
      {data.stuck.length === 0 ? (
        <p>{say(lang, ow.stuckNone)}</p>
      ) : (
        <DossierRows
          lang={lang}
          catalogue={catalogue}
          caption={say(lang, ow.stuckTitle)}
          dossiers={data.stuck.map((d) => ({
            ...d,
            why: [...d.reasons.map((r) => say(lang, ow.stuckReasons[r])), ...d.detail].join('; '),
          }))}
        />
      )}

      {data.deadLetters && (
        <>
          <h2 id="dead-letters">{say(lang, dl.listTitle)}</h2>
          <DeadLetterCounts lang={lang} counts={data.deadLetters} labelledBy="dead-letters" />
        </>
      )}
    </div>
  );
}

/** The operator's first page: the live part (counts, stuck list, dead letters), the agencies' on-time rates. */
export function OverviewPage(props: {
  frame: Frame;
  catalogue: Catalogue;
  live: OverviewLiveData;
  onTime?: OnTimeRates;
}) {
  const { frame, catalogue } = props;
  const { lang } = frame;
  const title = say(lang, ow.overviewTitle);
  return (
    <OperatorLayout frame={frame} title={title}>
      <h1>{title}</h1>
      <div id="overview" data-events="/operator/events" data-announce-prefix={say(lang, ow.stuckTitle)}>
        <OverviewLive lang={lang} catalogue={catalogue} data={props.live} />
      </div>
      <p class="visually-hidden" id="overview-announce" aria-live="polite" />
      <p class="hint no-js-only">
        {say(lang, ow.liveUpdates)} <a href="/operator">{say(lang, ow.refresh)}</a>
      </p>

      <h2 id="on-time">{say(lang, ow.onTimeTitle)}</h2>
      <p class="hint">{say(lang, ow.onTimeLead)}</p>
      {props.onTime ? (
        <ul class="on-time-chart" aria-labelledby="on-time">
          {(Object.keys(props.onTime) as (keyof OnTimeRates)[]).map((agency) => (
            <li key={agency}>
              <h3 class="on-time-agency">{say(lang, agencyLabels[agency])}</h3>
              <RateBar lang={lang} window={say(lang, ow.lastDay)} rate={props.onTime![agency].day} />
              <RateBar lang={lang} window={say(lang, ow.lastWeek)} rate={props.onTime![agency].week} />
            </li>
          ))}
        </ul>
      ) : (
        <p>{say(lang, ow.onTimeUnavailable)}</p>
      )}
    </OperatorLayout>
  );
}
