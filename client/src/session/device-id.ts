import { DeviceId } from '@parley/shared';
import { randomUuid } from '../randomUuid.ts';

const KEY = 'parley.device';
let fallback: string | null = null;

/**
 * This browser's own random id, sent with every connection (see DeviceId in shared): a reload or a
 * second tab here is "the same browser", so the mediator is not told that the link was opened
 * elsewhere. Kept in localStorage; where that is unavailable (storage blocked), one id per page
 * load, so a reload there counts as another browser, which errs on the side of telling the mediator.
 */
export function deviceId(): string {
  try {
    const kept = localStorage.getItem(KEY);
    if (kept && DeviceId.safeParse(kept).success) return kept;
    const made = randomUuid();
    localStorage.setItem(KEY, made);
    return made;
  } catch {
    fallback ??= randomUuid();
    return fallback;
  }
}
