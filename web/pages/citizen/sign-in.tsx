import type { Principal } from '../../../platform/auth';
import { Choices, PostForm } from '../components/fields';
import { Layout, type Frame } from '../components/layout';
import { say, words } from '../i18n';

/** The development identity provider's page: pick a demo user (only when the dev login is enabled). */
export function SignInPage(props: {
  frame: Frame;
  users?: Record<string, Principal>;
  next?: string;
  notice?: boolean;
}) {
  const { frame, users } = props;
  const { lang } = frame;
  return (
    <Layout frame={frame} title={say(lang, words.signIn)}>
      <h1>{say(lang, words.signInTitle)}</h1>
      {props.notice && <p class="notice">{say(lang, words.signInRequired)}</p>}
      {users ? (
        <PostForm action="/sign-in" csrf={frame.csrf}>
          {props.next && <input type="hidden" name="next" value={props.next} />}
          <Choices
            lang={lang}
            name="user"
            label={words.signInUser}
            hint={words.signInLead}
            errors={{}}
            value="citizen-lan"
            options={Object.entries(users).map(([user, principal]) => ({
              value: user,
              label: principal.name,
              hint: `${say(lang, words.roles[principal.role])} · ${user}`,
            }))}
          />
          <button type="submit" class="button">
            {say(lang, words.signIn)}
          </button>
        </PostForm>
      ) : (
        <p>{say(lang, words.signInDisabled)}</p>
      )}
    </Layout>
  );
}
