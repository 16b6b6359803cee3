import { useEffect, useRef } from 'react';
import { isWaitingRoom } from '@parley/shared';
import type { SessionClient } from '../../session/SessionClient.ts';
import type { AssistanceRequest, ConsentAnswerAlert, ControlRequest, LinkReuse, SessionState } from '../../session/store.ts';
import { useAction, useChimeOnIncrease } from './hooks.ts';
import { roomTitle } from './view.ts';

/**
 * Mediator: people asking for them from another room, for control of the stage, invitation
 * links opened somewhere else, and answers about the protocol agreement. Shown at the top of the screen, with a short chime, until answered
 * or dismissed [2.10, 3.7].
 */
export function MediatorRequests({ client, s }: { client: SessionClient; s: SessionState }) {
  const count = s.assistance.length + s.controlRequests.length + s.linkReuses.length + s.consentAnswers.length;
  useChimeOnIncrease(count);
  if (count === 0) return null;
  return (
    <div className="requests">
      {s.assistance.map((r) => (
        <AssistanceAlert key={r.requestId} client={client} request={r} roomName={roomTitleOr(s, r)} />
      ))}
      {s.controlRequests.map((r) => (
        <ControlAlert key={r.from.id} client={client} request={r} />
      ))}
      {s.linkReuses.map((r) => (
        <LinkReusedAlert key={r.participant.id} client={client} reuse={r} />
      ))}
      {s.consentAnswers.map((a) => (
        <ConsentAnswerAlertBanner key={a.id} client={client} answer={a} />
      ))}
    </div>
  );
}

function roomTitleOr(s: SessionState, r: AssistanceRequest): string {
  const room = s.rooms.find((x) => x.id === r.roomId);
  return room ? roomTitle(room) : r.roomName;
}

function AssistanceAlert({ client, request, roomName }: { client: SessionClient; request: AssistanceRequest; roomName: string }) {
  const act = useAction();
  const name = roomName;
  const who = request.from.displayName;
  // From the waiting room the answer is to let them in (letting them in answers the request).
  const waiting = isWaitingRoom(request.roomId);
  return (
    <div role="alert" className="banner banner-request">
      <p className="notice-title">
        {who} asks for the mediator in {name}
      </p>
      <div className="row-actions">
        {waiting ? (
          <button type="button" className="button button-small button-primary" disabled={act.busy} onClick={() => void act.run(() => client.rooms.admit([request.from.id]))}>
            Let {who} in
          </button>
        ) : (
          <button type="button" className="button button-small button-primary" disabled={act.busy} onClick={() => void act.run(() => client.room.goToRoom(request.roomId, request.requestId))}>
            Go to {name}
          </button>
        )}
        <button type="button" className="button button-small button-secondary" disabled={act.busy} onClick={() => void act.run(() => client.room.resolveAssistance(request.requestId))}>
          Dismiss
        </button>
      </div>
      {act.error ? <p className="action-error">{act.error}</p> : null}
    </div>
  );
}

function ControlAlert({ client, request }: { client: SessionClient; request: ControlRequest }) {
  const act = useAction();
  const name = request.from.displayName;
  return (
    <div role="alert" className="banner banner-request">
      <p className="notice-title">{name} asks for control</p>
      <div className="row-actions">
        <button
          type="button"
          className="button button-small button-primary"
          disabled={act.busy}
          onClick={() =>
            void act.run(async () => {
              await client.control.give(request.roomId, request.from.id);
              client.room.dismissControlRequest(request.from.id);
            })
          }
        >
          Give control to {name}
        </button>
        <button type="button" className="button button-small button-secondary" onClick={() => client.room.dismissControlRequest(request.from.id)}>
          Dismiss
        </button>
      </div>
      {act.error ? <p className="action-error">{act.error}</p> : null}
    </div>
  );
}

/**
 * A person's link was opened in another browser or device and took over their place. It may be
 * them on another device, or someone they forwarded the link to: the mediator decides, and a new
 * link (which also ends the connection of whoever holds the old one) is on the case page.
 */
function LinkReusedAlert({ client, reuse }: { client: SessionClient; reuse: LinkReuse }) {
  const name = reuse.participant.displayName;
  return (
    <div role="alert" className="banner banner-request">
      <p className="notice-title">
        {name}’s link was opened in another browser or device; the earlier connection was closed.
      </p>
      <p>
        If that was not {name}, create a new link for them on the case page (“New link”): the old link stops working and whoever is using it is
        disconnected.
      </p>
      <div className="row-actions">
        <button type="button" className="button button-small button-secondary" onClick={() => client.room.dismissLinkReused(reuse.participant.id)}>
          Dismiss
        </button>
      </div>
    </div>
  );
}

const ANSWER_TITLE: Record<ConsentAnswerAlert['kind'], (name: string) => string> = {
  declined: (name) => `${name} declined the protocol agreement`,
  question: (name) => `${name} has a question about the protocol agreement`,
  withdrawn: (name) => `${name} withdrew their consent to the protocol agreement`,
};

const ANSWER_NEXT: Record<ConsentAnswerAlert['kind'], string> = {
  declined: 'They cannot join until they agree. The case page keeps what they said.',
  question: 'Answer them yourself, by phone or e-mail, then mark the question answered on the case page.',
  withdrawn: 'They have left the session and cannot come back until they agree again.',
};

/**
 * Someone declined the protocol agreement, asked about it or withdrew their consent while the
 * mediator is in the session [3.6.8]: the mediator should not learn it only later on the case page.
 */
function ConsentAnswerAlertBanner({ client, answer }: { client: SessionClient; answer: ConsentAnswerAlert }) {
  return (
    <div role="alert" className="banner banner-request">
      <p className="notice-title">{ANSWER_TITLE[answer.kind](answer.displayName)}</p>
      {answer.text ? <blockquote className="consent-answer-quote">{answer.text}</blockquote> : null}
      <p>{ANSWER_NEXT[answer.kind]}</p>
      <div className="row-actions">
        <button type="button" className="button button-small button-secondary" onClick={() => client.room.dismissConsentAnswer(answer.id)}>
          Dismiss
        </button>
      </div>
    </div>
  );
}

/** "{name} asks you to unmute": the person decides; the safe answer has the focus. */
export function UnmutePrompt({ client, s }: { client: SessionClient; s: SessionState }) {
  const prompt = s.unmutePrompt;
  const stay = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (prompt) stay.current?.focus();
  }, [prompt]);
  if (!prompt) return null;
  return (
    <div role="alertdialog" aria-modal="false" aria-labelledby="unmute-title" aria-describedby="unmute-body" className="prompt">
      <p id="unmute-title" className="notice-title">
        {prompt.by.displayName} asks you to unmute
      </p>
      <p id="unmute-body">Others in your room will hear you again if you unmute.</p>
      <div className="row-actions">
        <button type="button" className="button button-primary" onClick={() => void client.room.answerUnmutePrompt(true)}>
          Unmute now
        </button>
        <button type="button" className="button button-secondary" ref={stay} onClick={() => void client.room.answerUnmutePrompt(false)}>
          Stay muted
        </button>
      </div>
    </div>
  );
}
