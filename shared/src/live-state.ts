import { z } from 'zod';
import { Id, RoomId, RoomName } from './domain.ts';
import { MAX_ANNOUNCEMENTS, type Announcement, type PersonRef } from './events.ts';
import { MAX_CAUCUSES } from './rooms.ts';

/**
 * What a live session keeps in the store so that a restarted node (or, later, another node) can
 * rebuild it and people who come back land where they were (issue 14, docs/scaling.md): the rooms
 * with their stage control, share policy and caucus timers, where each person was placed, the
 * mediator's microphone holds, the pause, whether the joint room was opened or everyone sent back,
 * and the announcements. Sealed with the case key at rest: room names and announcements are
 * mediation content. Who is connected is not kept: people reconnect, and their media starts afresh.
 * Read back through this schema, so a row written by another version is refused, not half-used.
 */
const Person = z.object({ id: Id, displayName: z.string() }).strict() satisfies z.ZodType<PersonRef>;

const KeptAnnouncement = z.object({ id: z.string(), text: z.string(), from: Person, at: z.string() }).strict() satisfies z.ZodType<Announcement>;

export const LiveSnapshot = z
  .object({
    v: z.literal(1),
    rooms: z
      .array(
        z
          .object({
            id: RoomId,
            name: RoomName,
            controllerId: Id.nullable(),
            allowMultipleShares: z.boolean(),
            /** When a caucus's countdown ends (ms since the epoch): a timer outlives the restart. */
            timer: z.object({ endsAt: z.number().int(), warnSeconds: z.number().int() }).strict().nullable(),
          })
          .strict(),
      )
      .min(1)
      .max(MAX_CAUCUSES + 1),
    placements: z.array(z.tuple([Id, RoomId])),
    holds: z.array(z.tuple([Id, Person])),
    pause: z.object({ since: z.number().int(), by: Person.nullable(), missing: z.array(Person) }).strict().nullable(),
    /** The mediator opened the joint room (nobody waits any more). */
    open: z.boolean(),
    /** The mediator sent everyone back to the waiting room. */
    sentBack: z.boolean(),
    announcements: z.array(KeptAnnouncement).max(MAX_ANNOUNCEMENTS),
  })
  .strict();
export type LiveSnapshot = z.infer<typeof LiveSnapshot>;
