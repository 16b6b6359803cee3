import { canAskForMediator, canModerate, canRequestControl, isJoint, OBSERVER_WAITING_ROOM } from '@parley/shared';
import type { SessionClient } from '../../session/SessionClient.ts';
import type { SessionState } from '../../session/store.ts';
import { useAction, useNow } from './hooks.ts';
import { controlChipText, formatClock, msLeft, myRoom, roomLineText } from './view.ts';

/**
 * Always visible: which room I am in and exactly who can see and hear me; then the room's
 * clock, who steers the stage, and the one or two things I can ask for from here.
 */
export function RoomLine({ s }: { s: SessionState }) {
  const self = s.self;
  const heldOutside = canModerate(self?.role ?? 'party') ? s.others.filter((o) => o.role === 'assessor' && o.roomId === OBSERVER_WAITING_ROOM) : [];
  const caucus = !!self?.roomId && !isJoint(self.roomId);
  const line = roomLineText(s);
  // The mediator's assessment misses this part: they should know, and why.
  const outside = heldOutside.length
    ? `${heldOutside.map((o) => o.displayName).join(' and ')} (assessor) ${heldOutside.length === 1 ? 'waits' : 'wait'} outside: not everyone here agreed to be observed.`
    : null;
  return (
    <p className={caucus ? 'room-line room-line-caucus' : 'room-line'}>
      <span className="room-dot" aria-hidden="true" />
      {line}
      {outside ? ` · ${outside}` : null}
    </p>
  );
}

export function RoomStatus({ client, s }: { client: SessionClient; s: SessionState }) {
  const now = useNow();
  const ask = useAction();
  const control = useAction();
  const self = s.self;
  const room = myRoom(s);
  if (!self || !self.roomId || s.connection.status !== 'joined') return null;
  const mediator = canModerate(self.role);
  const left = room ? msLeft(room, now) : null;
  const controlText = controlChipText(s);
  const haveControl = room?.controllerId === self.id;
  const mediatorRooms = s.others.filter((o) => o.role === 'mediator' && o.roomId !== null).map((o) => o.roomId as string);
  const mayAsk = canAskForMediator({ id: self.id, role: self.role, roomId: self.roomId }, mediatorRooms);
  const mayRequestControl = !!room && !mediator && canRequestControl(self.role) && !haveControl;

  const items = [
    left !== null ? (
      <span key="timer" className="room-chip room-chip-timer">
        Time left in this room: {formatClock(left)}
      </span>
    ) : null,
    // The mediator steers by default; only a party handed control needs telling about themself.
    controlText ? (
      <span key="control" className="room-chip">
        {controlText}
      </span>
    ) : null,
    mediator && room && room.controllerId && !haveControl ? (
      <button key="take" type="button" className="button button-small button-secondary" disabled={control.busy} onClick={() => void control.run(() => client.control.take(room.id))}>
        Take back control
      </button>
    ) : null,
    mayRequestControl ? (
      s.controlAsked === room.id ? (
        <span key="asked-control" className="room-chip">
          You asked for control
        </span>
      ) : (
        <button key="request" type="button" className="button button-small button-secondary" disabled={control.busy} onClick={() => void control.run(() => client.room.requestControl())}>
          Request control
        </button>
      )
    ) : null,
    mayAsk && !s.askedForMediator ? (
      <button key="ask" type="button" className="button button-small button-primary" disabled={ask.busy} onClick={() => void ask.run(() => client.room.askForMediator())}>
        Ask for the mediator
      </button>
    ) : null,
  ].filter(Boolean);

  return (
    <>
      {items.length ? <div className="room-status">{items}</div> : null}
      <p role="status" className={s.askedForMediator ? 'room-asked' : 'sr-only'}>
        {s.askedForMediator ? 'The mediator has been told you are asking for them.' : ''}
      </p>
      {ask.error || control.error ? (
        <p className="action-error" role="alert">
          {ask.error ?? control.error}
        </p>
      ) : null}
      <TimerWarning s={s} />
    </>
  );
}

function TimerWarning({ s }: { s: SessionState }) {
  const roomId = s.self?.roomId;
  const warning = roomId ? s.timerWarnings[roomId] : undefined;
  const room = myRoom(s);
  const text =
    !warning || !room?.timer
      ? ''
      : room.kind === 'caucus'
        ? `This caucus ends in ${warning.secondsLeft} seconds. Everyone will return to the joint room.`
        : `Time in the joint room ends in ${warning.secondsLeft} seconds.`;
  return (
    <div role="alert" className={text ? 'banner banner-warning timer-warning' : 'banner-empty'}>
      {text ? <p>{text}</p> : null}
    </div>
  );
}
