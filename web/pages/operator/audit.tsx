import type { AuditRowView } from '../../../ops/operations/audit-query';
import { ErrorSummary } from '../components/error-summary';
import { TextField } from '../components/fields';
import type { Frame } from '../components/layout';
import type { FieldErrors } from '../forms';
import { formatDateTime, say } from '../i18n';
import { OperatorLayout, TableWrap } from './frame';
import { operatorWords as ow } from './words';

/** The append-only audit log, newest first, filtered by actor, dossier and since when. */
export function AuditPage(props: {
  frame: Frame;
  rows: AuditRowView[];
  values: Record<string, string>;
  errors: FieldErrors;
}) {
  const { frame, rows, values, errors } = props;
  const { lang } = frame;
  const title = say(lang, ow.auditTitle);
  return (
    <OperatorLayout frame={frame} title={title}>
      <h1>{title}</h1>
      <ErrorSummary lang={lang} errors={errors} labels={{ actor: ow.actor, dossierId: ow.dossier, since: ow.since }} />
      <form method="get" action="/operator/audit" class="filters" novalidate>
        <TextField lang={lang} name="actor" label={ow.actor} errors={errors} value={values.actor} />
        <TextField lang={lang} name="dossierId" label={ow.dossier} errors={errors} value={values.dossierId} />
        <TextField
          lang={lang}
          name="since"
          label={ow.since}
          hint={ow.sinceHint}
          errors={errors}
          value={values.since}
          short
        />
        <button type="submit" class="button">
          {say(lang, ow.search)}
        </button>
      </form>
      {rows.length === 0 ? (
        <p>{say(lang, ow.auditNone)}</p>
      ) : (
        <TableWrap label={title}>
          <table class="table" id="audit-log">
            <caption class="visually-hidden">{title}</caption>
            <thead>
              <tr>
                <th scope="col">{say(lang, ow.when)}</th>
                <th scope="col">{say(lang, ow.actor)}</th>
                <th scope="col">{say(lang, ow.action)}</th>
                <th scope="col">{say(lang, ow.dossier)}</th>
                <th scope="col">{say(lang, ow.step)}</th>
                <th scope="col">{say(lang, ow.reason)}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>{formatDateTime(r.at)}</td>
                  <td>
                    {r.actor} ({r.role})
                  </td>
                  <td class="mono">{r.action}</td>
                  <td>
                    {r.dossierId && (
                      <a class="mono" href={`/operator/dossiers/${r.dossierId}`}>
                        {r.dossierId}
                      </a>
                    )}
                  </td>
                  <td>{r.stepId ?? ''}</td>
                  <td>{r.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </OperatorLayout>
  );
}
