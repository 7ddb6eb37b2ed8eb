import type { ComponentChildren } from 'preact';
import type { Principal } from '../../../platform/auth';
import { say, words, type Lang } from '../i18n';

/** What every page knows about the request it answers. */
export interface Frame {
  lang: Lang;
  /** The path and query of this page, for the language switch. */
  url: string;
  principal?: Principal;
  /** A CSRF token for the forms of this page (sign-out included). */
  csrf: string;
}

/** The current url with the other language chosen; every page works in both. */
function switchedUrl(url: string, lang: Lang): string {
  const parsed = new URL(url, 'http://page.invalid');
  parsed.searchParams.set('lang', lang === 'vi' ? 'en' : 'vi');
  return `${parsed.pathname}${parsed.search}`;
}

/** The page around every page: header with the language switch and sign-out, then the content. */
export function Layout(props: { frame: Frame; title: string; children: ComponentChildren; wide?: boolean }) {
  const { frame, title } = props;
  const { lang, principal } = frame;
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} – ${say(lang, words.serviceName)}`}</title>
        <link rel="stylesheet" href="/assets/pages.css" />
        <script src="/assets/pages.js" defer />
      </head>
      <body>
        <a class="skip-link" href="#main">
          {say(lang, words.skipToContent)}
        </a>
        <header class="header">
          <div class="wrap header-row">
            <a class="service-name" href="/">
              {say(lang, words.serviceName)}
            </a>
            <nav class="header-nav" aria-label={lang === 'vi' ? 'Tài khoản và ngôn ngữ' : 'Account and language'}>
              <a
                href={switchedUrl(frame.url, lang)}
                lang={lang === 'vi' ? 'en' : 'vi'}
                hreflang={lang === 'vi' ? 'en' : 'vi'}
                aria-label={say(lang, words.switchLanguageLabel)}
              >
                {say(lang, words.switchLanguage)}
              </a>
              {principal ? (
                <form method="post" action="/sign-out" class="inline-form">
                  <input type="hidden" name="_csrf" value={frame.csrf} />
                  <span class="signed-in">
                    {say(lang, words.signedInAs)} <strong>{principal.name}</strong>
                  </span>{' '}
                  <button type="submit" class="link-button">
                    {say(lang, words.signOut)}
                  </button>
                </form>
              ) : (
                <a href="/sign-in">{say(lang, words.signIn)}</a>
              )}
            </nav>
          </div>
        </header>
        <main id="main" class={props.wide ? 'wrap wide' : 'wrap'} tabindex={-1}>
          {props.children}
        </main>
      </body>
    </html>
  );
}
