import type { Action } from './hooks.ts';

/** Why the last action of `act` failed, in plain words, announced to screen readers; nothing otherwise. */
export function ActionError({ act }: { act: Pick<Action, 'error'> }) {
  return act.error ? (
    <p className="action-error" role="alert">
      {act.error}
    </p>
  ) : null;
}
