import { breakdownClause, DEFAULT_BREAKDOWN } from './breakdown.ts';
import type { ProtocolAgreement } from './domain.ts';

/**
 * The default protocol agreement every new case starts from (IMI Annex 2, 3.6.8). Each clause names
 * the Annex 2 items it answers. Wording is plain language for non-lawyers, and it must stay honest
 * about what the platform does: media is encrypted on the network but handled unencrypted inside
 * our media server (docs/threats.md #16).
 */
export const DEFAULT_PROTOCOL_AGREEMENT: ProtocolAgreement = {
  version: 1,
  clauses: [
    {
      id: 'process',
      title: 'How mediation works and what the mediator does',
      body:
        'Mediation is voluntary. The mediator is neutral: they help the parties talk and look for an agreement, ' +
        'but they do not decide who is right and do not give legal advice to either side. Any party may stop ' +
        'the mediation at any time. Nothing is agreed until a written agreement is signed by every party.',
      imi: ['1', '3.3', '3.6.1', '3.6.8'],
    },
    {
      id: 'platform',
      title: 'This online platform and its risks',
      body:
        'Sessions take place by video, audio and text on this platform, in a web browser, with no installation. ' +
        'Online meetings can suffer from poor connections, delays, and misunderstandings that would not happen ' +
        'in a room together. Tell the mediator at any time if you cannot see, hear or follow what is happening. ' +
        'Video and audio are encrypted on the network, but our media server decrypts them in its memory to ' +
        'forward them to the other participants; they are not end-to-end encrypted.',
      imi: ['2.9', '3.3', '3.4', '3.6.4', '3.6.5', '3.6.7', '3.6.9'],
    },
    {
      id: 'confidentiality',
      title: 'Confidentiality and privacy',
      body:
        'What is said in the mediation is confidential. You agree not to share it outside the mediation, and ' +
        'not to let anyone see or hear the session from your side without everyone’s agreement. What you tell ' +
        'the mediator in a private meeting (a caucus) stays private unless you allow the mediator to share it.',
      imi: ['1', '2.9', '3.6.5', '3.6.8'],
    },
    {
      id: 'presence',
      title: 'Who may be present',
      body:
        'Only the people listed on this case may take part: the mediator, the parties, their named advisors, and ' +
        'an assessor only if one is disclosed to you. Everyone present is shown on screen with their role. ' +
        'Each person joins with their own personal link and must not pass it on.',
      imi: ['3.6.10', '3.6.14'],
    },
    {
      id: 'stored-information',
      title: 'Who may access stored information',
      body:
        'Messages and the agreement draft are stored encrypted on the platform’s server. The mediator and the ' +
        'participants of each conversation can read it; the platform’s operator holds the keys and does not read ' +
        'it. Stored information is deleted when the case’s retention period ends.',
      imi: ['2.9', '3.6.11'],
    },
    breakdownClause(DEFAULT_BREAKDOWN),
    {
      id: 'recording',
      title: 'No recording',
      body:
        'Sessions are not recorded by the platform, and you agree not to record them yourself (no screen, audio ' +
        'or video recording, and no screenshots) unless every participant agrees in writing first.',
      imi: ['2.9', '3.6.5', '3.6.8'],
    },
  ],
};
