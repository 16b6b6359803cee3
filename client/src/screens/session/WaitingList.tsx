import { isWaitingRoom, type Presence } from '@parley/shared';
import type { SessionClient } from '../../session/SessionClient.ts';
import { useAction, useChimeOnIncrease } from './hooks.ts';
import { ActionError } from './ActionError.tsx';

/**
 * The mediator's view of the waiting room, at the top of the screen beside the other requests:
 * someone arriving is something to act on, not a line to find in a panel. A short chime when a
 * new person starts waiting. Each waits alone; nobody sees or hears them until they are let in
 * (the server's rule, Rooms).
 */
export function WaitingList({ client, people }: { client: SessionClient; people: Presence[] }) {
  const act = useAction();
  const waiting = people.filter((p) => isWaitingRoom(p.roomId));
  const count = waiting.length;
  useChimeOnIncrease(count);
  if (count === 0) return null;
  return (
    <div className="requests">
      <section className="waiting-list" aria-labelledby="waiting-title">
        <h2 id="waiting-title" className="waiting-title">
          Waiting to be let in ({count})
        </h2>
        <p className="waiting-note">Each waits alone: nobody sees or hears them until you let them in.</p>
        <ul className="waiting-people">
          {waiting.map((p) => (
            <li key={p.id} className="waiting-person">
              <span className="panel-name">{p.displayName}</span>
              <button type="button" className="button button-small button-primary" disabled={act.busy} onClick={() => void act.run(() => client.rooms.admit([p.id]))}>
                Let {p.displayName} in
              </button>
            </li>
          ))}
        </ul>
        {count > 1 ? (
          <button type="button" className="button button-small button-secondary" disabled={act.busy} onClick={() => void act.run(() => client.rooms.openJoint())}>
            Let everyone in, and whoever comes later
          </button>
        ) : null}
        <ActionError act={act} />
      </section>
    </div>
  );
}
