import type { Notifications } from '@parley/shared';

/**
 * How a feature tells people something outside a live case (a thread message, a new thread): to
 * every connection they hold, wherever they are. The implementation decides per connection whether
 * that person may still hear it; the caller only names who should.
 */
export interface PeopleNotifier {
  toPeople<K extends keyof Notifications>(participantIds: readonly string[], event: K, payload: Notifications[K]): void;
}
