import { useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { canControlStage, canPublish } from '@parley/shared';
import type { SessionClient } from '../../session/SessionClient.ts';
import type { SessionState } from '../../session/store.ts';
import { SelfView, Tile } from './Tile.tsx';
import { emptyStageText, myRoom, personName, roomTiles, stageTile, type TileModel } from './view.ts';

const POINTER_INTERVAL_MS = 66; // about 15 updates a second

/**
 * The pictures of my room. When the room's controller picks a tile (or someone shares a screen),
 * it is the main stage, shown large to everyone in the room, with the others in a strip [2.11-iv].
 * Only the controller sees the buttons that change it, and their pointer is shown to the others.
 */
export function Stage({ client, s, selfShown = true }: { client: SessionClient; s: SessionState; selfShown?: boolean }) {
  const self = s.self;
  const room = myRoom(s);
  const tiles = roomTiles(s);
  const main = stageTile(tiles, room);
  const controller = !!self && !!room && self.roomId !== null && canControlStage({ id: self.id, role: self.role, roomId: self.roomId }, room);
  const stage = (producerId: string | null) => void client.stage.set(producerId).catch(() => undefined);
  const showButton = (t: TileModel) => (controller && t.producerId && t !== main ? () => stage(t.producerId) : undefined);

  const pointer = room ? s.pointers[room.id] : undefined;
  const visiblePointer = pointer && pointer.participantId !== self?.id && pointer.participantId === room?.controllerId ? pointer : null;

  const rest = tiles.filter((t) => t !== main);
  const empty = emptyStageText(s);
  // An observer publishes nothing: a "You" tile would suggest they are seen. While joining, the
  // camera and microphone are not handed over yet: no tile, rather than one saying "No camera".
  const selfView = !selfShown || (self && !canPublish(self.role, 'camera')) ? null : (
    <SelfView name={self?.displayName ?? 'You'} track={s.local.cameraTrack} camera={s.local.camera} mic={s.local.mic} />
  );
  return (
    <section className="stage" aria-label="Videos">
      {controller ? (
        <div className="stage-toolbar">
          <span>{room?.stageProducerId ? 'Main stage: chosen by you' : 'Main stage: automatic'}</span>
          <button type="button" className="button button-small button-secondary" aria-pressed={!room?.stageProducerId} onClick={() => stage(null)}>
            Automatic stage
          </button>
        </div>
      ) : null}
      <div className="stage-area">
      {tiles.length === 0 ? (
        <div className="stage-empty" role="status">
          <p>{empty.text}</p>
          {empty.hint ? <p className="stage-empty-hint">{empty.hint}</p> : null}
        </div>
      ) : main ? (
        <div className="stage-split">
          <MainStage
            tile={main}
            controller={controller}
            pointer={visiblePointer ? { ...visiblePointer, name: personName(s, visiblePointer.participantId) ?? 'The controller' } : null}
            onPointer={(p) => client.room.sendPointer(p)}
          />
          <ul className="tiles tiles-strip" aria-label="Everyone else">
            {rest.map((t) => (
              <li key={t.key}>
                <Tile tile={t} onShow={showButton(t)} />
              </li>
            ))}
            {/* In the strip rather than over it, so it hides nobody. */}
            {selfView ? <li className="strip-self">{selfView}</li> : null}
          </ul>
        </div>
      ) : (
        <ul className={`tiles tiles-${Math.min(tiles.length, 6)}`}>
          {tiles.map((t) => (
            <li key={t.key}>
              <Tile tile={t} onShow={showButton(t)} />
            </li>
          ))}
        </ul>
      )}
        {main ? null : selfView}
      </div>
    </section>
  );
}

interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Where the picture really is inside its box (video letterboxing), relative to `container`. */
function pictureBox(container: HTMLElement): Box {
  const outer = container.getBoundingClientRect();
  const video = container.querySelector('video');
  if (!video || video.hidden || !video.videoWidth || !video.videoHeight) return { left: 0, top: 0, width: outer.width, height: outer.height };
  const box = video.getBoundingClientRect();
  const scale = Math.min(box.width / video.videoWidth, box.height / video.videoHeight);
  const width = video.videoWidth * scale;
  const height = video.videoHeight * scale;
  return { left: box.left - outer.left + (box.width - width) / 2, top: box.top - outer.top + (box.height - height) / 2, width, height };
}

function usePictureBox(ref: React.RefObject<HTMLDivElement | null>, key: string): Box | null {
  const [box, setBox] = useState<Box | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setBox(pictureBox(el));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    const video = el.querySelector('video');
    video?.addEventListener('resize', measure);
    video?.addEventListener('loadedmetadata', measure);
    return () => {
      observer.disconnect();
      video?.removeEventListener('resize', measure);
      video?.removeEventListener('loadedmetadata', measure);
    };
  }, [ref, key]);
  return box;
}

function MainStage({
  tile,
  controller,
  pointer,
  onPointer,
}: {
  tile: TileModel;
  controller: boolean;
  pointer: { x: number; y: number; name: string } | null;
  onPointer: (p: { x: number; y: number } | null) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const box = usePictureBox(ref, `${tile.key}:${tile.showVideo}`);
  const last = useRef(0);
  const pending = useRef<{ x: number; y: number } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  function flush() {
    timer.current = null;
    last.current = Date.now();
    onPointer(pending.current);
  }

  function move(e: ReactPointerEvent<HTMLDivElement>) {
    const el = ref.current;
    if (!controller || !el) return;
    const b = pictureBox(el);
    const outer = el.getBoundingClientRect();
    const clamp = (v: number) => Math.min(1, Math.max(0, v));
    pending.current = { x: clamp((e.clientX - outer.left - b.left) / b.width), y: clamp((e.clientY - outer.top - b.top) / b.height) };
    const wait = POINTER_INTERVAL_MS - (Date.now() - last.current);
    if (wait <= 0) flush();
    else timer.current ??= setTimeout(flush, wait);
  }

  function leave() {
    if (!controller) return;
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    pending.current = null;
    onPointer(null);
  }

  return (
    <div className={controller ? 'stage-main stage-main-controller' : 'stage-main'} data-testid="main-stage" ref={ref} onPointerMove={move} onPointerLeave={leave}>
      <Tile tile={tile} large />
      {pointer && box ? (
        <div className="stage-overlay" style={{ left: box.left, top: box.top, width: box.width, height: box.height }}>
          <div
            className={pointer.x > 0.6 ? 'stage-pointer stage-pointer-flip' : 'stage-pointer'}
            role="img"
            aria-label={`${pointer.name}’s pointer`}
            style={{ left: `${pointer.x * 100}%`, top: `${pointer.y * 100}%` }}
          >
            <span className="stage-pointer-name" aria-hidden="true">
              {pointer.name}’s pointer
            </span>
          </div>
        </div>
      ) : null}
    </div>
  );
}
