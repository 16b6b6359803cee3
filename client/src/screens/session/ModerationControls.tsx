import { useState } from 'react';
import { canReceiveControl, type Presence, type RoomInfo } from '@parley/shared';
import type { SessionClient } from '../../session/SessionClient.ts';
import { useAction, type Action } from './hooks.ts';
import { orderedRooms, roomTitle } from './view.ts';
import { ActionError } from './ActionError.tsx';

/**
 * The mediator's tools for one person [2.11-iii, iv, v]. Buttons carry the person's name in their
 * accessible name ("Mute Ana"); the visible words stay short because the name is on the row.
 */
export function PersonTools({
  client,
  person,
  isSelf,
  rooms,
  myRoom,
  selected,
  onSelect,
}: {
  client: SessionClient;
  person: Presence;
  isSelf: boolean;
  rooms: RoomInfo[];
  myRoom: RoomInfo | null;
  selected: boolean;
  onSelect: (on: boolean) => void;
}) {
  const name = person.displayName;
  const act = useAction();
  const [target, setTarget] = useState<string>('');
  const choices = orderedRooms(rooms);
  const fallback = choices.find((r) => r.id !== person.roomId)?.id ?? choices[0]?.id ?? '';
  const roomId = choices.some((r) => r.id === target) ? target : fallback;

  // The server places an assessor by itself (it refuses to move one): a Move button would only fail.
  if (person.role === 'assessor') return <p className="hint">Follows you: into a caucus only if everyone in it agreed.</p>;

  const micOn = person.mic === 'on' && !person.micHeldBy;
  const giveControl =
    !isSelf &&
    !!myRoom &&
    person.roomId !== null &&
    canReceiveControl({ role: person.role, roomId: person.roomId }, myRoom.id) &&
    myRoom.controllerId !== person.id;

  return (
    <div className="person-tools">
      <label className="check-inline">
        <input type="checkbox" checked={selected} onChange={(e) => onSelect(e.target.checked)} aria-label={`Select ${name}`} />
        <span aria-hidden="true">Select</span>
      </label>
      <span className="move-pair">
        <select aria-label={`Move ${name} to`} value={roomId} onChange={(e) => setTarget(e.target.value)}>
          {choices.map((r) => (
            <option key={r.id} value={r.id}>
              {roomTitle(r)}
            </option>
          ))}
        </select>
        <ToolButton act={act} label={`Move ${name}`} text="Move" disabled={!roomId} work={() => client.rooms.move([person.id], roomId)} />
      </span>
      {!isSelf && micOn ? (
        <ToolButton act={act} label={`Mute ${name}`} text="Mute" work={() => client.moderation.mute([person.id])} />
      ) : null}
      {!isSelf && person.micHeldBy ? (
        <ToolButton act={act} label={`Ask ${name} to unmute`} text="Ask to unmute" work={() => client.moderation.askToUnmute(person.id)} />
      ) : null}
      {!isSelf && person.sharing ? (
        <ToolButton act={act} label={`Stop ${name}'s screen share`} text="Stop share" work={() => client.moderation.stopShare(person.id)} />
      ) : null}
      {giveControl && myRoom ? (
        <ToolButton act={act} label={`Give control to ${name}`} text="Give control" work={() => client.control.give(myRoom.id, person.id)} />
      ) : null}
      <ActionError act={act} />
    </div>
  );
}

function ToolButton({ act, label, text, work, disabled }: { act: Action; label: string; text: string; work: () => Promise<unknown>; disabled?: boolean }) {
  return (
    <button type="button" className="button button-small button-secondary" aria-label={label} disabled={act.busy || disabled} onClick={() => void act.run(work)}>
      {text}
    </button>
  );
}

/** Move several people at once, and mute everyone (the mediator stays unmuted). */
export function BulkTools({ client, rooms, selected, onMoved }: { client: SessionClient; rooms: RoomInfo[]; selected: string[]; onMoved: () => void }) {
  const act = useAction();
  const [target, setTarget] = useState('');
  const choices = orderedRooms(rooms);
  const roomId = choices.some((r) => r.id === target) ? target : (choices[1]?.id ?? choices[0]?.id ?? '');
  return (
    <div className="bulk-tools">
      <div className="move-pair">
        <label className="field-inline">
          <span>Move selected to</span>
          <select value={roomId} onChange={(e) => setTarget(e.target.value)}>
            {choices.map((r) => (
              <option key={r.id} value={r.id}>
                {roomTitle(r)}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="button button-small button-primary"
          disabled={act.busy || selected.length === 0 || !roomId}
          onClick={() =>
            void act.run(async () => {
              await client.rooms.move(selected, roomId);
              onMoved();
            })
          }
        >
          Move selected
        </button>
        <span className="hint" aria-live="polite">
          {selected.length === 0 ? 'Tick people below first.' : `${selected.length} selected`}
        </span>
      </div>
      <button
        type="button"
        className="button button-small button-secondary"
        disabled={act.busy}
        onClick={() => void act.run(() => client.moderation.mute('all'))}
      >
        Mute everyone
      </button>
      <ActionError act={act} />
    </div>
  );
}
