import type { DeadLetterRecord } from '../../../ops/dead-letters/store';
import type { Catalogue } from '../../../contracts/procedures';
import { formatDateTime, say, type Lang } from '../i18n';
import { deadLetterWords as dl } from './dead-letter-words';
import { TableWrap } from './frame';

/** An error as a table shows it: its first line, cut short (the dead letter's page shows it whole). */
const shortError = (error: string) => {
  const line = error.split('\n')[0] ?? '';
  return line.length > 140 ? `${line.slice(0, 140)}…` : line;
};

/** Dead letters as table rows, each a link to its page; the list page and a dossier's page show them. */
export function DeadLetterRows(props: {
  lang: Lang;
  catalogue: Catalogue;
  letters: DeadLetterRecord[];
  caption: string;
  /** On a dossier's page the dossier column says nothing new. */
  withDossier?: boolean;
}) {
  const { lang, catalogue } = props;
  return (
    <TableWrap label={props.caption}>
      <table class="table dead-letters">
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{say(lang, dl.firstSeen)}</th>
            <th scope="col">{say(lang, dl.state)}</th>
            <th scope="col">{say(lang, dl.reason)}</th>
            <th scope="col">{say(lang, dl.topic)}</th>
            <th scope="col">{say(lang, dl.eventType)}</th>
            {props.withDossier !== false && <th scope="col">{say(lang, dl.dossier)}</th>}
            <th scope="col">{say(lang, dl.step)}</th>
            <th scope="col">{say(lang, dl.error)}</th>
          </tr>
        </thead>
        <tbody>
          {props.letters.map((letter) => {
            const step = letter.stepId ? catalogue.service(letter.stepId) : undefined;
            return (
              <tr key={letter.deadLetterId} id={`dead-letter-${letter.deadLetterId}`}>
                <td>
                  <a href={`/operator/dead-letters/${letter.deadLetterId}`}>{formatDateTime(letter.firstSeenAt)}</a>
                </td>
                <td>
                  <span class={`tag tag-dead-letter-${letter.state}`}>{say(lang, dl.states[letter.state])}</span>
                </td>
                <td class="mono">{letter.reason}</td>
                <td class="mono">{letter.topic}</td>
                <td class="mono">{letter.eventType ?? ''}</td>
                {props.withDossier !== false && (
                  <td>
                    {letter.dossierId && (
                      <a class="mono" href={`/operator/dossiers/${letter.dossierId}`}>
                        {letter.dossierId}
                      </a>
                    )}
                  </td>
                )}
                <td>
                  {step ? say(lang, step.label) : (letter.stepId ?? '')}
                  {letter.attempt !== null ? ` (${say(lang, dl.attempt).toLowerCase()} ${letter.attempt})` : ''}
                </td>
                <td>{shortError(letter.error)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableWrap>
  );
}
