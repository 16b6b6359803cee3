import { canModerate, closeMessages, CloseCode } from '@parley/shared';
import { MESSAGES, OUTAGE_TITLES } from '../../session/messages.ts';
import type { SessionClient } from '../../session/SessionClient.ts';
import type { SessionState } from '../../session/store.ts';
import { listNames } from '../../format.ts';
import { useAction, useNow } from './hooks.ts';
import { formatElapsed, roomPhrase } from './view.ts';
import './breakdown.css';

/** After this long without a connection, point to the written messages [3.6.13]. */
const TEXT_FALLBACK_AFTER_MS = 10_000;
/** How long "Back in the session" and "The joint session continues" stay up. */
const SHOW_GOOD_NEWS_MS = 8_000;
const clockTime = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

/** "14:05" in the viewer's own time zone; empty when the server's time cannot be read. */
function timeOf(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : clockTime.format(d);
}

/**
 * My own connection, rung by rung: what is happening and for how long, where I will come back
 * to, and (after a while) the written messages as a way to still reach the mediator. Screen
 * readers hear each change through the session's live line (SessionClient.announce), not from
 * here: a counter inside a live region would be read out every second.
 */
export function OwnConnectionBanner({ s, onOpenMessages }: { s: SessionState; onOpenMessages: (() => void) | null }) {
  const now = useNow();
  const { outage, recovered, connection } = s;
  const where = roomPhrase(s.self?.roomId, s.rooms);

  if (outage && connection.status !== 'closed') {
    const elapsed = now - outage.since;
    const offline = outage.step === 'offline';
    // What the server said (e.g. it is restarting), or that it stays out of reach; the rest is said below.
    const said = connection.status === 'reconnecting' ? connection.message : null;
    const serverSaid = said && said !== MESSAGES.reconnecting && !(offline && said === MESSAGES.stillConnecting) ? said : null;
    // A restart is not "your connection dropped": the server's own words are the title then.
    const restarting = said === closeMessages[CloseCode.ServerRestart] && !offline;
    return (
      <section className="banner banner-warning banner-outage" aria-label="Your connection">
        <p className="notice-title">
          <span className="spinner" aria-hidden="true" /> {restarting ? said : OUTAGE_TITLES[outage.step]}{' '}
          <span className="outage-clock">
            <span className="sr-only">for </span>
            {formatElapsed(elapsed)}
          </span>
        </p>
        {serverSaid && !restarting ? <p>{serverSaid}</p> : null}
        <p>
          {outage.step === 'repairing-media'
            ? 'The others cannot see or hear you right now. You stay in '
            : 'Keep this page open. Nobody can see or hear you until you are back in '}
          {where}.
          {offline ? ' Check your Wi-Fi or mobile data; we try again as soon as your device is back online.' : ''}
        </p>
        {s.breakdown.textFallback && onOpenMessages && elapsed >= TEXT_FALLBACK_AFTER_MS ? (
          <p className="banner-action outage-fallback">
            <span>
              Meanwhile you can write to the mediator in the messages
              {offline || outage.step !== 'repairing-media' ? '; they are sent as soon as you are back online' : ''}.
            </span>
            <button type="button" className="button button-small button-secondary" onClick={onOpenMessages}>
              Open messages
            </button>
          </p>
        ) : null}
      </section>
    );
  }
  if (recovered && connection.status === 'joined' && now - recovered.at < SHOW_GOOD_NEWS_MS) {
    return (
      <section className="banner banner-good" aria-label="Your connection">
        <p className="notice-title">Back in the session</p>
        <p>You are in {where} again.</p>
      </section>
    );
  }
  return null;
}

/** The audio-only rung: why my video is off (with what was measured), or the offer to switch. */
export function NetworkBanner({ client, s }: { client: SessionClient; s: SessionState }) {
  const action = useAction();
  const { audioOnly, suggestion, verdict } = s.network;
  if (s.connection.status !== 'joined' || s.outage) return null;
  if (audioOnly) {
    const measured = audioOnly.by === 'auto' ? audioOnly.reason : null;
    return (
      <section className="banner banner-warning banner-action banner-network" aria-label="Your video">
        <div>
          <p className="notice-title">{audioOnly.by === 'auto' ? 'Your video is off: your connection is too weak for video.' : 'You are on audio only.'}</p>
          <p>
            {measured ? `${measured} ` : ''}Audio continues. The others see that you are on audio only because of your connection.
            {verdict?.quality === 'good' ? ' Your connection looks good again.' : ''}
          </p>
          {action.error ? <p role="alert">{action.error}</p> : null}
        </div>
        <button type="button" className="button button-small button-primary" disabled={action.busy} onClick={() => void action.run(() => client.breakdown.chooseAudioOnly(false))}>
          Try video again
        </button>
      </section>
    );
  }
  if (suggestion) {
    return (
      <section className="banner banner-warning banner-action banner-network" aria-label="Your video">
        <div>
          <p className="notice-title">{suggestion}</p>
          <p>Video may freeze or break up. Audio only is more reliable; you can turn video back on at any time.</p>
          {action.error ? <p role="alert">{action.error}</p> : null}
        </div>
        <button type="button" className="button button-small button-primary" disabled={action.busy} onClick={() => void action.run(() => client.breakdown.chooseAudioOnly(true))}>
          Switch to audio only
        </button>
      </section>
    );
  }
  return null;
}

/** Continue without the people still missing? The browser's own dialog: keyboard and screen-reader friendly. */
export function confirmResume(s: SessionState): boolean {
  const missing = s.pause?.missing.filter((m) => s.others.find((o) => o.id === m.id)?.connection !== 'connected') ?? [];
  if (!missing.length) return true;
  const names = listNames(missing.map((m) => m.displayName));
  return window.confirm(`Continue without ${names}?\n\nThe joint session goes on while they are not connected. This is written in the session record.`);
}

/**
 * The paused joint session, for everyone, as long as it lasts; then, briefly, that it continues.
 * The mediator resumes from here too.
 */
export function PauseBanner({ client, s, onOpenMessages }: { client: SessionClient; s: SessionState; onOpenMessages: (() => void) | null }) {
  const now = useNow();
  const resume = useAction();
  const mediator = !!s.self && canModerate(s.self.role);
  const { pause, resumed } = s;
  if (pause) {
    const names = pause.missing.map((m) => m.displayName);
    const who = listNames(names);
    const since = timeOf(pause.since);
    return (
      <section className="banner banner-pause" aria-label="The joint session is paused">
        <p className="notice-title">
          {names.length
            ? `The joint session is paused: ${who} ${names.length === 1 ? 'is' : 'are'} not connected.`
            : `The joint session is paused by ${pause.by?.displayName ?? 'the mediator'}.`}
        </p>
        <p>
          {names.length
            ? 'Nobody negotiates while one side is absent. Microphones in the joint room stay off until they are back or the mediator resumes.'
            : 'Microphones in the joint room stay off until the mediator resumes.'}
          {since ? ` Paused since ${since}.` : ''}
        </p>
        {s.breakdown.textFallback && onOpenMessages ? (
          <p>
            The written messages stay open to everyone.{' '}
            <button type="button" className="button button-small button-secondary" onClick={onOpenMessages}>
              Open messages
            </button>
          </p>
        ) : null}
        {mediator ? (
          <div className="row-actions">
            <button
              type="button"
              className="button button-small button-primary"
              disabled={resume.busy}
              onClick={() => {
                if (confirmResume(s)) void resume.run(() => client.breakdown.resume());
              }}
            >
              Resume joint session
            </button>
            {resume.error ? (
              <span role="alert" className="action-error">
                {resume.error}
              </span>
            ) : null}
          </div>
        ) : null}
      </section>
    );
  }
  if (resumed && now - resumed.at < SHOW_GOOD_NEWS_MS) {
    return (
      <section className="banner banner-good" aria-label="The joint session continues">
        <p className="notice-title">
          {resumed.by ? `${resumed.by.displayName} resumed the joint session.` : 'The joint session continues.'}
        </p>
        <p>It was paused for {formatElapsed(resumed.pausedSeconds * 1000)}. Microphones stay off until each person turns theirs back on.</p>
      </section>
    );
  }
  return null;
}
