import { isJoint } from '@parley/shared';
import { listNames } from '../../format.ts';
import type { SessionClient } from '../../session/SessionClient.ts';
import type { SessionState } from '../../session/store.ts';
import { confirmResume } from './BreakdownBanners.tsx';
import { useAction, useNow } from './hooks.ts';
import { Section } from '../../components/Section.tsx';
import { formatElapsed, personTrouble, roomNameOf, troubleText } from './view.ts';
import { ActionError } from './ActionError.tsx';

/** "1 minute", "90 seconds": the grace period as the agreement says it. */
function graceWords(seconds: number): string {
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? '' : 's'}`;
  return `${seconds} seconds`;
}

/**
 * The mediator's view of the breakdown procedure [3.6.13, 3.7.17]: who is affected, which step of
 * the agreed procedure is running for each, and the pause/resume of the joint session.
 */
export function BreakdownPanel({ client, s }: { client: SessionClient; s: SessionState }) {
  const now = useNow();
  const act = useAction();
  const { breakdown, pause } = s;
  const affected = s.others.map((p) => ({ p, t: personTrouble(p, s.awaySeen, now) })).filter((x) => x.t !== null);

  function step(p: SessionState['others'][number], kind: string, since: number): string {
    if (kind === 'media-lost') return 'Their page is repairing the connection by itself; if that fails it rejoins.';
    if (kind === 'audio-only') return 'Their video is off; audio continues.';
    const left = breakdown.graceSeconds * 1000 - (now - since);
    const pausesJoint = breakdown.pauseJointSession && p.role === 'party' && !pause;
    if (left <= 0) return 'The grace period is over; waiting for the server to confirm.';
    return pausesJoint
      ? `If they are not back within ${formatElapsed(left)}, the joint session pauses.`
      : `Their place is kept for another ${formatElapsed(left)}.`;
  }

  return (
    <Section title="Breakdown procedure">
      <p className="breakdown-state" role="status">
        {pause
          ? pause.missing.length
            ? `The joint session is paused, waiting for ${listNames(pause.missing.map((m) => m.displayName))}.`
            : 'The joint session is paused.'
          : affected.length
            ? 'Connection trouble:'
            : 'Everyone’s connection is working.'}
      </p>
      {affected.length ? (
        <ul className="panel-list breakdown-list">
          {affected.map(({ p, t }) => (
            <li key={p.id} className="panel-person">
              <span className="panel-trouble">{troubleText(p.displayName, t!, now)}</span>
              <span className="panel-state">
                {p.roomId ? `In ${isJoint(p.roomId) ? 'the joint room' : roomNameOf(p.roomId, s.rooms)}. ` : ''}
                {step(p, t!.kind, 'since' in t! ? t!.since : now)}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="row-actions">
        {pause ? (
          <button
            type="button"
            className="button button-small button-primary"
            disabled={act.busy}
            onClick={() => {
              if (confirmResume(s)) void act.run(() => client.breakdown.resume());
            }}
          >
            Resume joint session
          </button>
        ) : (
          <button type="button" className="button button-small button-secondary" disabled={act.busy || s.connection.status !== 'joined'} onClick={() => void act.run(() => client.breakdown.pause())}>
            Pause joint session
          </button>
        )}
      </div>
      <ActionError act={act} />
      <details className="breakdown-summary">
        <summary>The procedure everyone agreed to</summary>
        <ul>
          <li>Someone who drops keeps their place for {graceWords(breakdown.graceSeconds)}.</li>
          <li>{breakdown.pauseJointSession ? 'Then, if they are a party, the joint session pauses by itself.' : 'Then you decide whether to pause.'}</li>
          <li>{breakdown.audioOnlyFallback ? 'A weak connection switches to audio only by itself.' : 'A weak connection is offered audio only.'}</li>
          <li>{breakdown.textFallback ? 'People are pointed to the messages while someone is away.' : 'People are not pointed to the messages.'}</li>
        </ul>
      </details>
    </Section>
  );
}
