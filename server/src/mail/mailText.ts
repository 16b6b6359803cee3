import { DateTime } from 'luxon';
import type { ScheduledSession } from '@parley/shared';

/**
 * The words of every mail Parley sends. What a mail may say is narrow on purpose (docs/email.md):
 * mail passes through servers nobody here controls and lands in shared inboxes, so no mail names the
 * case, the other side or anyone's words; the mediator's name, the time and how to open Parley are
 * all it carries. Each function gets only what it may print, so a case title cannot slip in.
 */

export interface MailWords {
  subject: string;
  text: string;
}

type SessionTime = Pick<ScheduledSession, 'startsAt' | 'durationMinutes' | 'purpose'>;

/** "Thursday 16 January 2031, 09:00 to 10:30 (time in Europe/Paris, UTC+01:00)": the reader's own zone, named. */
export function whenText(s: SessionTime, zone: string): string {
  const start = DateTime.fromISO(s.startsAt, { zone }).setLocale('en-GB');
  const day = start.toFormat('cccc d LLLL yyyy, HH:mm');
  const until = s.purpose === 'deadline' ? '' : ` to ${start.plus({ minutes: s.durationMinutes }).toFormat('HH:mm')}`;
  return `${day}${until} (time in ${zone}, UTC${start.toFormat('ZZ')})`;
}

const WHAT: Record<SessionTime['purpose'], string> = {
  joint: 'a joint mediation session',
  caucus: 'a private meeting with your mediator',
  deadline: 'a deadline in your mediation',
};

const HOW_TO_JOIN = 'Open Parley from the personal invitation link your mediator sent you. The link is not in this e-mail on purpose: it is your key to the mediation.';

export function footer(unsubscribeUrl: string): string {
  return [
    '',
    '--',
    'This e-mail never contains what is said in your mediation.',
    `To stop e-mails from Parley: ${unsubscribeUrl}`,
  ].join('\n');
}

export function invitationText(d: { mediator: string; url: string; expiresAt: string; zone: string | null }): MailWords {
  const until = DateTime.fromISO(d.expiresAt, { zone: d.zone ?? 'UTC' }).setLocale('en-GB').toFormat('d LLLL yyyy');
  return {
    subject: 'Your invitation to an online mediation',
    text: [
      `${d.mediator} invites you to an online mediation on Parley.`,
      '',
      'Your personal link:',
      d.url,
      '',
      `This link is for you alone: anyone who has it can take part as you, so please do not forward this e-mail. It works until ${until}. If it stops working, ask your mediator for a new one.`,
    ].join('\n'),
  };
}

export function scheduleText(d: { kind: 'scheduled' | 'rescheduled' | 'cancelled'; mediator: string; session: SessionTime; previous: SessionTime | null; zone: string }): MailWords {
  const what = WHAT[d.session.purpose];
  const when = whenText(d.session, d.zone);
  if (d.kind === 'cancelled') {
    return {
      subject: `Cancelled: ${what}`,
      text: [`${d.mediator} cancelled ${what}.`, '', `It was planned for ${when}.`, '', 'The attached calendar entry removes it from your calendar.'].join('\n'),
    };
  }
  const moved = d.kind === 'rescheduled';
  return {
    subject: moved ? `New time: ${what}` : `Planned: ${what}`,
    text: [
      moved ? `${d.mediator} moved ${what} to a new time.` : `${d.mediator} planned ${what}.`,
      '',
      `When: ${when}`,
      ...(moved && d.previous ? [`Before: ${whenText(d.previous, d.zone)}`] : []),
      '',
      d.session.purpose === 'deadline' ? 'Your mediator will tell you in Parley what the deadline is for.' : HOW_TO_JOIN,
      '',
      moved ? 'The attached calendar entry replaces the earlier one in your calendar.' : 'The attached calendar entry adds it to your calendar.',
    ].join('\n'),
  };
}

export function reminderText(d: { mediator: string; session: SessionTime; zone: string }): MailWords {
  const what = WHAT[d.session.purpose];
  return {
    subject: `Reminder: ${what}`,
    text: [`A reminder from ${d.mediator}: ${what}.`, '', `When: ${whenText(d.session, d.zone)}`, '', HOW_TO_JOIN].join('\n'),
  };
}

/** Only how many: never who wrote, in which thread, or what. */
export function digestText(d: { count: number }): MailWords {
  const n = d.count === 1 ? 'a new message' : `${d.count} new messages`;
  return {
    subject: `You have ${n} in your mediation`,
    text: [`You have ${n} in your mediation on Parley.`, '', `To read ${d.count === 1 ? 'it' : 'them'}: ${HOW_TO_JOIN}`].join('\n'),
  };
}
