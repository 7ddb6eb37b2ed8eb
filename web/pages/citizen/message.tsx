import type { Labels } from '../../../contracts/procedures';
import { Layout, type Frame } from '../components/layout';
import { say, words } from '../i18n';

/** A page that only says something: not found, not allowed, an expired form, our error. */
export function MessagePage(props: { frame: Frame; title: Labels; lead: Labels; detail?: string; link?: string }) {
  const { frame } = props;
  const { lang } = frame;
  return (
    <Layout frame={frame} title={say(lang, props.title)}>
      <h1>{say(lang, props.title)}</h1>
      <p>{say(lang, props.lead)}</p>
      {props.detail && <p class="hint">{props.detail}</p>}
      <p>
        <a href={props.link ?? '/'}>{say(lang, words.home)}</a>
      </p>
    </Layout>
  );
}
