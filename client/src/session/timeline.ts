/**
 * Named moments of joining (and of receiving someone's media, e.g. after a caucus move), as User Timing marks ("parley:<step>"), so the first-frame benchmark
 * and a person's browser profiler see where the time of a join goes. A mark costs a few
 * microseconds and carries no content, so production builds keep them. Steps that happen more
 * than once (a consumer built, a producer created, every rejoin) are marked each time; readers
 * take the first one after the moment they measure from.
 */
export type JoinStep =
  | 'prejoin-ready'
  | 'join-click'
  | 'socket-connected'
  | 'join-sent'
  | 'join-ack'
  | 'device-loaded'
  | 'recv-transport-created'
  | 'media-ready-ack'
  | 'offer-received'
  | 'consumer-built'
  | 'offer-acked'
  | 'session-shown'
  | 'recv-transport-connecting'
  | 'recv-transport-connected'
  | 'send-transport-connected'
  | 'producer-created';

export function markStep(step: JoinStep): void {
  try {
    performance.mark(`parley:${step}`);
  } catch {
    // An environment without User Timing (old browser, some tests) simply has no marks.
  }
}
