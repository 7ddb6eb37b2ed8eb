import type { ComponentChildren } from 'preact';
import type { DossierSummary } from '../../../contracts/api';
import type { Catalogue } from '../../../contracts/procedures';
import { dossierStatusLabels } from '../../../contracts/procedures/labels';
import type { DossierStatus } from '../../../contracts/dossier-status';
import { StatusTag } from '../components/dossier-timeline';
import { Layout, type Frame } from '../components/layout';
import { formatDateTime, say, words, type Lang } from '../i18n';
import { operatorWords as ow } from './words';

/** Whether the signed-in person may act (an operator) or only look (an auditor). */
export const mayAct = (frame: Frame) => frame.principal?.role === 'operator';

/** Every operator page: the layout, the operator navigation, and the read-only notice for auditors. */
export function OperatorLayout(props: { frame: Frame; title: string; children: ComponentChildren }) {
  const { frame } = props;
  const { lang } = frame;
  const links = [
    ['/operator', ow.overviewTitle],
    ['/operator/search', ow.searchTitle],
    ['/operator/dead-letters', ow.deadLettersNav],
    ['/operator/audit', ow.auditTitle],
  ] as const;
  const here = new URL(frame.url, 'http://page.invalid').pathname;
  return (
    <Layout frame={frame} title={props.title} wide>
      <nav class="operator-nav" aria-label={say(lang, ow.operatorNav)}>
        <ul>
          {links.map(([href, label]) => (
            <li key={href}>
              <a href={href} aria-current={here === href ? 'page' : undefined}>
                {say(lang, label)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {!mayAct(frame) && <p class="notice">{say(lang, ow.readOnly)}</p>}
      {props.children}
    </Layout>
  );
}

/** A table that scrolls sideways on its own on a phone (and can be reached by keyboard to do so). */
export function TableWrap(props: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-wrap" role="region" aria-label={props.label} tabindex={0}>
      {props.children}
    </div>
  );
}

/** Dossiers as table rows: number (a link to it in depth), procedure, status, started, waiting on. */
export function DossierRows(props: {
  lang: Lang;
  catalogue: Catalogue;
  dossiers: (DossierSummary & { why?: string })[];
  caption: string;
}) {
  const { lang, catalogue } = props;
  const withWhy = props.dossiers.some((d) => d.why !== undefined);
  return (
    <TableWrap label={props.caption}>
      <table class="table">
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{say(lang, ow.dossier)}</th>
            <th scope="col">{say(lang, ow.procedure)}</th>
            <th scope="col">{say(lang, ow.status)}</th>
            <th scope="col">{say(lang, ow.startedAt)}</th>
            <th scope="col">{say(lang, ow.waitingOn)}</th>
            {withWhy && <th scope="col">{say(lang, ow.why)}</th>}
          </tr>
        </thead>
        <tbody>
          {props.dossiers.map((d) => {
            const procedure = d.procedure ? catalogue.procedure(d.procedure) : undefined;
            const status = d.status as DossierStatus | undefined;
            return (
              <tr key={d.dossierId}>
                <td>
                  <a class="mono" href={`/operator/dossiers/${d.dossierId}`}>
                    {d.dossierId}
                  </a>
                </td>
                <td>{procedure ? say(lang, procedure.label) : (d.procedure ?? '')}</td>
                <td>
                  {status && dossierStatusLabels[status] ? (
                    <StatusTag lang={lang} status={status} label={dossierStatusLabels[status]} />
                  ) : (
                    d.status
                  )}
                  {d.overdue && (
                    <>
                      {' '}
                      <strong class="tag tag-overdue">{say(lang, words.overdue)}</strong>
                    </>
                  )}
                </td>
                <td>{d.startedAt ? formatDateTime(d.startedAt) : ''}</td>
                <td>
                  {d.currentSteps
                    .map((stepId) => catalogue.service(stepId))
                    .filter((s) => s !== undefined)
                    .map((s) => say(lang, s.label))
                    .join('; ')}
                </td>
                {withWhy && <td>{d.why}</td>}
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableWrap>
  );
}
