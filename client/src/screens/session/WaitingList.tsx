import { isWaitingRoom, type Presence } from '@parley/shared';
import type { SessionClient } from '../../session/SessionClient.ts';
import { useAction } from './hooks.ts';
import { ActionError } from './ActionError.tsx';

/**
 * The mediator's view of the waiting room: who waits to be let in, one by one or all at once.
 * Each waits alone; nobody sees or hears them until they are let in (the server's rule, Rooms).
 */
export function WaitingList({ client, people }: { client: SessionClient; people: Presence[] }) {
  const act = useAction();
  const waiting = people.filter((p) => isWaitingRoom(p.roomId));
  if (waiting.length === 0) return null;
  return (
    <div className="waiting-list" role="region" aria-label="Waiting to be let in">
      <h3 className="waiting-title">Waiting to be let in ({waiting.length})</h3>
      <ul className="panel-list">
        {waiting.map((p) => (
          <li key={p.id} className="panel-person">
            <span className="panel-name">{p.displayName}</span>
            <span className="panel-state">Waits alone: nobody sees or hears them yet</span>
            <button type="button" className="button button-small button-primary" disabled={act.busy} onClick={() => void act.run(() => client.rooms.admit([p.id]))}>
              Let {p.displayName} in
            </button>
          </li>
        ))}
      </ul>
      {waiting.length > 1 ? (
        <button type="button" className="button button-small button-secondary" disabled={act.busy} onClick={() => void act.run(() => client.rooms.openJoint())}>
          Let everyone in, and whoever comes later
        </button>
      ) : null}
      <ActionError act={act} />
    </div>
  );
}
