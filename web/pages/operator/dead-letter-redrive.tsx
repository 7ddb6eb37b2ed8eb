import type { Catalogue } from '../../../contracts/procedures';
import { stepStatusLabels } from '../../../contracts/procedures/labels';
import type { DeadLetterState } from '../../../ops/dead-letters/store';
import type { Obsolescence } from '../../../ops/dead-letters/obsolete';
import { PostForm } from '../components/fields';
import type { Frame } from '../components/layout';
import { say, type Lang } from '../i18n';
import { deadLetterWords as dl } from './dead-letter-words';
import { OperatorLayout } from './frame';
import { operatorWords as ow } from './words';

/** Why a dead letter is obsolete, in the reader's language, steps and statuses named by the catalogue. */
function ObsoleteBecause(props: { lang: Lang; catalogue: Catalogue; why: Obsolescence }) {
  const { lang, why } = props;
  const step = props.catalogue.service(why.stepId);
  const stepName = step ? say(lang, step.label) : why.stepId;
  if (why.kind === 'step-decided')
    return (
      <p>
        {say(lang, dl.stepDecided)} {stepName}: <strong>{say(lang, stepStatusLabels[why.status])}</strong>
      </p>
    );
  return (
    <p>
      {stepName}:{' '}
      {say(lang, dl.attemptReplaced)
        .replace('{attempt}', String(why.attempt))
        .replace('{latest}', String(why.latestAttempt))}
    </p>
  );
}

/** The dry run of one dead letter's redrive: what would happen, an "obsolete" warning, then a confirmation. */
export function RedriveConfirmPage(props: {
  frame: Frame;
  catalogue: Catalogue;
  deadLetterId: string;
  state: DeadLetterState;
  obsolete?: Obsolescence;
  reason: string;
  force: boolean;
}) {
  const { frame, deadLetterId, obsolete, force } = props;
  const { lang, csrf } = frame;
  const title = say(lang, dl.confirmTitle);
  const back = `/operator/dead-letters/${deadLetterId}`;
  const sendable = props.state === 'open' && (!obsolete || force);
  return (
    <OperatorLayout frame={frame} title={title}>
      <h1>
        <span class="caption mono break">{deadLetterId}</span>
        {title}
      </h1>
      {props.state !== 'open' ? (
        <p>
          {say(lang, dl.alreadyClosedLead)} <strong>{say(lang, dl.states[props.state])}</strong>
        </p>
      ) : obsolete ? (
        <div class="notice notice-warning" id="redrive-obsolete">
          <h2>{say(lang, dl.obsoleteTitle)}</h2>
          <ObsoleteBecause lang={lang} catalogue={props.catalogue} why={obsolete} />
          <p>{say(lang, force ? dl.obsoleteForced : dl.obsoleteRefused)}</p>
        </div>
      ) : (
        <p id="redrive-would-send">{say(lang, dl.wouldSend)}</p>
      )}
      <p>
        {say(lang, ow.reason)}: {props.reason}
      </p>
      {sendable && (
        <PostForm action={`${back}/redrive`} csrf={csrf}>
          <input type="hidden" name="redrive.reason" value={props.reason} />
          {force && <input type="hidden" name="redrive.force" value="yes" />}
          <input type="hidden" name="confirm" value="yes" />
          <button type="submit" class="button button-warning">
            {say(lang, dl.confirm)}
          </button>
        </PostForm>
      )}
      <p>
        <a href={back}>{say(lang, dl.cancel)}</a>
      </p>
    </OperatorLayout>
  );
}
