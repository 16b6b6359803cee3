import type { MediaSource } from '@parley/shared';

/**
 * How this client names the things a person publishes. Producers are keyed locally by a
 * `SourceKey`: 'mic', 'camera' (the primary camera), 'screen', 'screen-audio', and
 * 'camera:<n>' for each extra camera [2.11-vi].
 */
export type SourceKey = string;

/** The label the primary camera is published with; extra cameras must use another one. */
export const PRIMARY_CAMERA_LABEL = 'Camera';
export const DEFAULT_EXTRA_LABEL = 'Document camera';

export const extraCameraKey = (n: number): SourceKey => `camera:${n}`;

/** The primary camera of a sender: a camera without a label or labelled "Camera". */
export function isPrimaryCamera(source: MediaSource, label: string | null | undefined): boolean {
  return source === 'camera' && (!label || label === PRIMARY_CAMERA_LABEL);
}

/** A label for a new extra camera that none of `taken` uses yet ("Document camera", "Document camera 2", …). */
export function freshLabel(taken: string[], base = DEFAULT_EXTRA_LABEL): string {
  const used = new Set(taken.map((l) => l.trim().toLowerCase()));
  if (!used.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) if (!used.has(`${base} ${n}`.toLowerCase())) return `${base} ${n}`;
}
