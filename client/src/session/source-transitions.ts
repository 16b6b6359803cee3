import type { ExtraCamera, LocalMedia, LocalScreen, SessionState } from './store.ts';
import type { SourceKey } from './sources.ts';

/** How this person's extra cameras and screen share change the session state (pure; see store.ts). */

function withLocal(s: SessionState, change: Partial<LocalMedia>): SessionState {
  return { ...s, local: { ...s.local, ...change } };
}

export function withExtraCamera(s: SessionState, camera: ExtraCamera): SessionState {
  const others = s.local.extraCameras.filter((c) => c.key !== camera.key);
  return withLocal(s, { extraCameras: [...others, camera] });
}

export function withExtraCameraChange(s: SessionState, key: SourceKey, change: Partial<Pick<ExtraCamera, 'state' | 'producerId'>>): SessionState {
  if (!s.local.extraCameras.some((c) => c.key === key)) return s;
  return withLocal(s, { extraCameras: s.local.extraCameras.map((c) => (c.key === key ? { ...c, ...change } : c)) });
}

export function withoutExtraCamera(s: SessionState, key: SourceKey): SessionState {
  if (!s.local.extraCameras.some((c) => c.key === key)) return s;
  return withLocal(s, { extraCameras: s.local.extraCameras.filter((c) => c.key !== key) });
}

export function withScreen(s: SessionState, screen: LocalScreen | null): SessionState {
  return withLocal(s, { screen });
}

export function withScreenProducer(s: SessionState, producerId: string | null): SessionState {
  return s.local.screen ? withLocal(s, { screen: { ...s.local.screen, producerId } }) : s;
}

/** Producers are gone after a drop; they get new ids when the join flow produces again. */
export function withoutProducerIds(s: SessionState): SessionState {
  return withLocal(s, {
    extraCameras: s.local.extraCameras.map((c) => (c.producerId ? { ...c, producerId: null } : c)),
    screen: s.local.screen ? { ...s.local.screen, producerId: null } : null,
  });
}

export function withNotice(s: SessionState, id: number, text: string | null): SessionState {
  return withLocal(s, { notice: text === null ? null : { id, text } });
}
