import { Icon, VideoView } from '../../components/media.tsx';
import { initials } from '../../format.ts';
import type { DeviceState } from '../../session/store.ts';
import { useNow } from './hooks.ts';
import { describeRole, isPauseHold, troubleText, type PersonTrouble, type TileModel } from './view.ts';
import './breakdown.css';

/** "Ana’s connection dropped — reconnecting, 0:23": counts on this device's clock, every second. */
export function TroubleText({ name, trouble }: { name: string; trouble: PersonTrouble }) {
  const now = useNow();
  return <>{troubleText(name, trouble, now)}</>;
}

/** One picture in the room: a person's main camera, an extra camera, or a shared screen. */
export function Tile({ tile, onShow, large }: { tile: TileModel; onShow?: () => void; large?: boolean }) {
  const { person, trouble } = tile;
  // A dropped connection leaves no picture worth showing: a frozen frame would look like a person
  // who stopped talking. Say what is happening instead.
  const away = trouble?.kind === 'reconnecting';
  const showVideo = tile.showVideo && !away;
  return (
    <figure className={`tile tile-${tile.kind}${large ? ' tile-large' : ''}${tile.local ? ' tile-local' : ''}${trouble && trouble.kind !== 'audio-only' ? ' tile-trouble' : ''}`}>
      {tile.track ? <VideoView track={tile.track} label={tile.videoLabel} hidden={!showVideo} /> : null}
      {trouble ? (
        <p className={`tile-trouble-note tile-trouble-${trouble.kind}`}>
          {trouble.kind === 'reconnecting' ? <span className="spinner" aria-hidden="true" /> : null}
          <TroubleText name={person.displayName} trouble={trouble} />
        </p>
      ) : null}
      {!showVideo ? (
        <div className="tile-placeholder">
          {tile.kind === 'camera' ? (
            <span className="avatar" aria-hidden="true">
              {initials(person.displayName)}
            </span>
          ) : null}
          {away ? null : <span className="tile-placeholder-text">{tile.placeholder}</span>}
        </div>
      ) : null}
      <figcaption className="tile-caption">
        {tile.kind === 'camera' ? (
          <>
            <span className="tile-name">{person.displayName}</span>
            {describeRole(person) ? <span className="tile-role">{describeRole(person)}</span> : null}
            {/* In words, not only a colour: who steers what everyone in this room sees large. */}
            {tile.control ? <span className="tile-control">Has control of the stage</span> : null}
            {tile.muted && !away ? (
              <span className="tile-muted">
                <Icon name="mic-off" size={16} />{' '}
                {person.mic === 'none' ? 'No microphone' : person.micHeldBy ? (isPauseHold(person.micHeldBy) ? 'Muted while paused' : `Muted by ${person.micHeldBy.displayName}`) : 'Muted'}
              </span>
            ) : null}
          </>
        ) : (
          <>
            <span className="tile-label">{tile.label}</span>
            <span className="tile-name">{tile.local ? 'You' : person.displayName}</span>
          </>
        )}
      </figcaption>
      {onShow ? (
        <button type="button" className="tile-stage-button" onClick={onShow}>
          Show {tile.name} on main stage
        </button>
      ) : null}
    </figure>
  );
}

/** My own primary camera, small and mirrored, over the corner of the stage. */
export function SelfView({ name, track, camera, mic }: { name: string; track: MediaStreamTrack | null; camera: DeviceState; mic: DeviceState }) {
  const showVideo = !!track && camera === 'on';
  return (
    <figure className="self-view">
      {track ? <VideoView track={track} label="Your own video (mirrored)" mirrored hidden={!showVideo} /> : null}
      {!showVideo ? (
        <div className="tile-placeholder tile-placeholder-small">
          <span className="avatar avatar-small" aria-hidden="true">
            {initials(name)}
          </span>
          <span className="tile-placeholder-text">{camera === 'none' ? 'No camera' : 'Camera off'}</span>
        </div>
      ) : null}
      <figcaption className="tile-caption tile-caption-small">
        <span className="tile-name">
          You
          {mic !== 'on' ? (
            <>
              {' '}
              <Icon name="mic-off" size={13} />
              <span className="sr-only">{mic === 'none' ? ', no microphone' : ', microphone off'}</span>
            </>
          ) : null}
        </span>
      </figcaption>
    </figure>
  );
}
