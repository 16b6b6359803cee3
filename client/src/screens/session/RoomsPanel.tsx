import { useId, useState, type FormEvent } from 'react';
import { MAX_CAUCUSES, RoomName, type RoomInfo } from '@parley/shared';
import { CharCount, limitOf } from '../../components/CharCount.tsx';
import type { SessionClient } from '../../session/SessionClient.ts';
import type { SessionState } from '../../session/store.ts';
import { useAction, useNow } from './hooks.ts';
import { Section } from '../../components/Section.tsx';
import { EndSessionButton } from './EndSession.tsx';
import { formatClock, msLeft, nextCaucusName, orderedRooms, peopleIn, personName, roomTitle, warnSecondsFor } from './view.ts';

/** Mediator: every room at a glance, with its people and timer; create and close caucuses [2.10]. */
export function RoomsPanel({ client, s }: { client: SessionClient; s: SessionState }) {
  const now = useNow();
  const rooms = orderedRooms(s.rooms);
  return (
    <Section title="Rooms">
      <ul className="rooms-list">
        {rooms.map((room) => (
          <li key={room.id}>
            <RoomGroup client={client} s={s} room={room} now={now} />
          </li>
        ))}
      </ul>
      <NewCaucus client={client} rooms={s.rooms} />
      <EndSessionButton client={client} />
    </Section>
  );
}

function RoomGroup({ client, s, room, now }: { client: SessionClient; s: SessionState; room: RoomInfo; now: number }) {
  const title = roomTitle(room);
  const people = peopleIn(s, room.id);
  const left = msLeft(room, now);
  const warning = s.timerWarnings[room.id];
  const here = s.self?.roomId === room.id;
  const controller = room.controllerId && room.controllerId !== s.self?.id ? personName(s, room.controllerId) : null;
  const close = useAction();
  return (
    <div role="group" aria-label={title} className={here ? 'room-card room-card-here' : 'room-card'}>
      <div className="room-card-head">
        <h3 className="room-card-title">{title}</h3>
        {here ? <span className="badge">You are here</span> : null}
      </div>
      <p className="room-card-people">{people.length ? people.map((p) => (p.id === s.self?.id ? `${p.displayName} (you)` : p.role === 'assessor' ? `${p.displayName} (assessor)` : p.displayName)).join(', ') : 'Nobody'}</p>
      {left !== null ? (
        <p className={warning ? 'room-card-timer room-card-timer-soon' : 'room-card-timer'}>
          Time left: {formatClock(left)}
          {warning ? ' · ends soon' : ''}
        </p>
      ) : null}
      {controller ? <p className="room-card-meta">{controller} has control</p> : null}
      {/* The server runs timers for caucuses only: when one ends, everyone returns to the joint room. */}
      {room.kind === 'caucus' ? <TimerForm client={client} room={room} title={title} /> : null}
      {room.kind === 'caucus' ? (
        <div className="row-actions">
          <button
            type="button"
            className="button button-small button-quiet"
            disabled={close.busy}
            onClick={() => void close.run(() => client.rooms.close(room.id))}
          >
            Close {title}
          </button>
          {people.length ? <span className="hint">Everyone in it returns to the joint room.</span> : null}
        </div>
      ) : null}
      {close.error ? <p className="action-error" role="alert">{close.error}</p> : null}
    </div>
  );
}

function TimerForm({ client, room, title }: { client: SessionClient; room: RoomInfo; title: string }) {
  const [minutes, setMinutes] = useState('10');
  const act = useAction();
  const value = Number(minutes);
  const valid = Number.isFinite(value) && value >= 0.05 && value <= 180;

  function start(e: FormEvent) {
    e.preventDefault();
    if (!valid) return;
    void act.run(() => client.rooms.setTimer(room.id, value, warnSecondsFor(value)));
  }

  return (
    <form className="timer-form" onSubmit={start}>
      <label className="timer-field">
        <span>Minutes</span>
        <input
          type="number"
          inputMode="decimal"
          min={0.05}
          max={180}
          step="any"
          value={minutes}
          onChange={(e) => setMinutes(e.target.value)}
          aria-label={`Minutes for ${title}`}
        />
      </label>
      <button type="submit" className="button button-small button-secondary" disabled={!valid || act.busy}>
        Start timer for {title}
      </button>
      {room.timer ? (
        <button
          type="button"
          className="button button-small button-quiet"
          disabled={act.busy}
          onClick={() => void act.run(() => client.rooms.setTimer(room.id, null, 60))}
        >
          Cancel timer for {title}
        </button>
      ) : null}
      {!valid && minutes !== '' ? <p className="field-error">Choose between 0.05 and 180 minutes.</p> : null}
      {act.error ? <p className="action-error" role="alert">{act.error}</p> : null}
    </form>
  );
}

const ROOM_NAME_MAX = limitOf(RoomName);

function NewCaucus({ client, rooms }: { client: SessionClient; rooms: RoomInfo[] }) {
  const uid = useId();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const act = useAction();
  const caucuses = rooms.filter((r) => r.kind === 'caucus').length;
  const full = caucuses >= MAX_CAUCUSES;

  function openForm() {
    setName(nextCaucusName(rooms));
    act.clear();
    setOpen(true);
  }

  async function create(e: FormEvent) {
    e.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return;
    if (await act.run(() => client.rooms.create(trimmed))) setOpen(false);
  }

  if (!open) {
    return (
      <div className="row-actions">
        <button type="button" className="button button-small button-secondary" onClick={openForm} disabled={full}>
          New caucus
        </button>
        {full ? <span className="hint">At most {MAX_CAUCUSES} caucuses at a time.</span> : null}
      </div>
    );
  }
  return (
    <form className="inline-form" onSubmit={(e) => void create(e)}>
      <label className="field-inline">
        <span>Caucus name</span>
        <input value={name} maxLength={ROOM_NAME_MAX} onChange={(e) => setName(e.target.value)} aria-describedby={`${uid}-count`} autoFocus />
      </label>
      <CharCount id={`${uid}-count`} value={name} max={ROOM_NAME_MAX} />
      <div className="row-actions">
        <button type="submit" className="button button-small button-primary" disabled={!name.trim() || act.busy}>
          Create caucus
        </button>
        <button type="button" className="button button-small button-quiet" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
      {act.error ? <p className="action-error" role="alert">{act.error}</p> : null}
    </form>
  );
}
