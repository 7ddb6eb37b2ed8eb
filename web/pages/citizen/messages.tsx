import type { DeliveredMessage } from '../../../contracts/notifications';
import { Layout, type Frame } from '../components/layout';
import { formatDateTime, say, words } from '../i18n';

/** The SMS and e-mails the notifications service sent the citizen (its outbox), newest first. */
export function MessagesPage(props: { frame: Frame; messages: DeliveredMessage[] | undefined }) {
  const { frame, messages } = props;
  const { lang } = frame;
  return (
    <Layout frame={frame} title={say(lang, words.messagesTitle)} wide>
      <p>
        <a href="/" class="back-link">
          {say(lang, words.back)}
        </a>
      </p>
      <h1>{say(lang, words.messagesTitle)}</h1>
      <p>{say(lang, words.messagesLead)}</p>
      {messages === undefined ? (
        <p class="notice">{say(lang, words.messagesUnavailable)}</p>
      ) : messages.length === 0 ? (
        <p>{say(lang, words.messagesNone)}</p>
      ) : (
        <ul class="message-list">
          {messages.map((message, i) => (
            <li class="message" key={`${message.dossierId}-${message.createdAt}-${i}`}>
              <h2 class="dossier-card-title">
                {say(lang, message.channel === 'sms' ? words.channelSms : words.channelEmail)}
                {': '}
                {say(lang, words.messageKinds[message.kind])}
              </h2>
              <dl class="summary">
                <div>
                  <dt>{say(lang, words.when)}</dt>
                  <dd>{formatDateTime(message.sentAt ?? message.createdAt)}</dd>
                </div>
                <div>
                  <dt>{say(lang, words.sentTo)}</dt>
                  <dd class="mono">{message.recipientHint}</dd>
                </div>
                <div>
                  <dt>{say(lang, words.dossier)}</dt>
                  <dd class="mono">
                    <a href={`/dossiers/${encodeURIComponent(message.dossierId)}`}>{message.dossierId}</a>
                  </dd>
                </div>
                {message.subject && (
                  <div>
                    <dt>{say(lang, words.messageSubject)}</dt>
                    <dd lang={message.language === lang ? undefined : message.language}>{message.subject}</dd>
                  </div>
                )}
                <div>
                  <dt>{say(lang, words.status)}</dt>
                  <dd>{say(lang, words.messageStates[message.state])}</dd>
                </div>
              </dl>
              <pre class="message-text" lang={message.language === lang ? undefined : message.language}>
                {message.text}
              </pre>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}
