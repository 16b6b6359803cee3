import { useState } from 'react';
import { canModerate, OBSERVER_WAITING_ROOM, type Presence } from '@parley/shared';
import type { SessionClient } from '../../session/SessionClient.ts';
import type { DeviceState, SessionState } from '../../session/store.ts';
import { BulkTools, PersonTools } from './ModerationControls.tsx';
import { useNow } from './hooks.ts';
import { Section } from '../../components/Section.tsx';
import { describeRole, hasControl, heldWords, myRoom, personTrouble, roomNameOf, troubleText } from './view.ts';

const micWords: Record<DeviceState, string> = { on: 'Microphone on', off: 'Microphone off', none: 'No microphone' };
const cameraWords: Record<DeviceState, string> = { on: 'Camera on', off: 'Camera off', none: 'No camera' };

/**
 * Everyone in the session. A party sees media state only for people in their own room; others are
 * just "In another room" (the server tells them no more). The mediator sees every room and gets
 * tools on each row.
 */
export function ParticipantsPanel({ client, s }: { client: SessionClient; s: SessionState }) {
  const self = s.self;
  const mediator = !!self && canModerate(self.role);
  const [picked, setPicked] = useState<string[]>([]);
  const everyone = [...(self ? [self] : []), ...s.others];
  const selected = picked.filter((id) => everyone.some((p) => p.id === id));
  const room = myRoom(s);
  // Counters of dropped connections tick on the viewer's clock.
  const now = useNow();

  // Parties: my room first, then the people elsewhere.
  const others = mediator ? s.others : [...s.others.filter((o) => o.roomId !== null && o.roomId === self?.roomId), ...s.others.filter((o) => o.roomId === null || o.roomId !== self?.roomId)];

  function stateLine(p: Presence, isSelf: boolean): string {
    const here = p.roomId !== null && p.roomId === self?.roomId;
    // Parties may not know where others are, but whether the assessor can see them is theirs to know.
    if (!mediator && !here && !isSelf) return p.role === 'assessor' ? 'Not in your room: cannot see or hear you' : 'In another room';
    // Their media is gone until they are back: only what still holds (a mute, the room) is worth saying.
    if (!isSelf && p.connection === 'reconnecting') {
      const kept = [p.micHeldBy ? heldWords(p.micHeldBy, self?.id) : null, mediator && !here ? `In ${roomNameOf(p.roomId, s.rooms)}` : null];
      return kept.filter(Boolean).join(' · ');
    }
    // An assessor never publishes: "No microphone · No camera" would read like a fault.
    if (p.role === 'assessor') {
      if (p.roomId === OBSERVER_WAITING_ROOM) {
        if (isSelf) return 'Not observing: waiting outside the private meeting';
        return mediator ? 'Waiting outside your caucus: sees and hears nothing' : 'Waiting outside: sees and hears nothing';
      }
      return `${mediator && !here ? `In ${roomNameOf(p.roomId, s.rooms)} · ` : ''}Observing, not seen or heard`;
    }
    const mic = isSelf ? s.local.mic : p.mic;
    const camera = isSelf ? s.local.camera : p.camera;
    const parts = [micWords[mic], cameraWords[camera]];
    const extra = p.cameras.length - (camera === 'none' ? 0 : 1);
    if (!isSelf && extra > 0) parts.push(extra === 1 ? '1 more camera' : `${extra} more cameras`);
    if (p.sharing || (isSelf && s.local.screen)) parts.push('Sharing screen');
    // My own hold is shown on the microphone button, once.
    if (p.micHeldBy && !isSelf) parts.push(heldWords(p.micHeldBy, self?.id));
    if (mediator && !here) parts.unshift(`In ${roomNameOf(p.roomId, s.rooms)}`);
    return parts.join(' · ');
  }

  function row(p: Presence, isSelf: boolean) {
    const elsewhere = !mediator && !isSelf && (p.roomId === null || p.roomId !== self?.roomId);
    const trouble = isSelf ? null : personTrouble(p, s.awaySeen, now);
    return (
      <li key={p.id} className={elsewhere ? 'panel-person panel-person-away' : 'panel-person'}>
        <span className="panel-name">
          {p.displayName}
          {isSelf ? ' (you)' : ''}
        </span>
        {describeRole(p) ? <span className="panel-role">{describeRole(p)}</span> : null}
        {hasControl(p, s.rooms) ? <span className="panel-control">Has control of the stage</span> : null}
        {trouble ? <span className={`panel-trouble panel-trouble-${trouble.kind}`}>{troubleText(p.displayName, trouble, now)}</span> : null}
        <span className="panel-state">{stateLine(p, isSelf)}</span>
        {mediator ? (
          <PersonTools
            client={client}
            person={p}
            isSelf={isSelf}
            rooms={s.rooms}
            myRoom={room}
            selected={selected.includes(p.id)}
            onSelect={(on) => setPicked(on ? [...selected, p.id] : selected.filter((id) => id !== p.id))}
          />
        ) : null}
      </li>
    );
  }

  return (
    <Section title="Participants">
      {mediator ? <BulkTools client={client} rooms={s.rooms} selected={selected} onMoved={() => setPicked([])} /> : null}
      <ul className="panel-list">
        {self ? row(self, true) : null}
        {others.map((p) => row(p, false))}
      </ul>
    </Section>
  );
}
