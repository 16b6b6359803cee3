/**
 * IMI Certification in E-Mediation, Annex 2: E-Mediation Core Competency Practical Skills,
 * transcribed as data (the IMI text is copyright-free). Line breaks and hyphenation left by PDF
 * extraction are repaired and trailing ';' removed; otherwise the wording is the original.
 * Item ids follow the document numbering; the sub-options (i)–(vii) of 2.11 are given ids
 * '2.11-i' … '2.11-vii'. Used to tag features with the Annex 2 items they serve and to build an
 * assessor's scorecard (see assessableItems()).
 */

export interface ImiItem {
  id: string;
  title: string;
  group: '1' | '2' | '3';
  parent: string | null;
  text: string;
}

export const IMI_SOURCE = {
  document: 'IMI Certification in E-Mediation, Annex 2: E-Mediation Core Competency Practical Skills',
  note:
    'The following areas of practical skills are required for effective use of mediation integrated with ICT ' +
    '(Information and Communication Technology). This list is intended to aid e-Mediation QAPs in designing ' +
    'skills assessments. The list is not necessarily exhaustive or mandatory and is offered as guidance.',
} as const;

export const IMI_ANNEX2_ITEMS: readonly ImiItem[] = [
  // 1. General skills
  {
    id: '1',
    title: 'General skills: ethics, neutrality, bias, confidentiality',
    group: '1',
    parent: null,
    text:
      'General skills in mediation (IMI Certification) include but are not limited to ethical obligations, ' +
      'neutrality, awareness of potential biases (conscious and unconscious), and confidentiality.',
  },

  // 2. Skills related to technology
  { id: '2', title: 'Skills related to technology', group: '2', parent: null, text: 'Skills related to technology' },
  {
    id: '2.1',
    title: 'Basic computer and mobile computing skills',
    group: '2',
    parent: '2',
    text: 'Basic computer skills and basic mobile computing skills',
  },
  {
    id: '2.2',
    title: 'ICT platform set-up, operation and trouble-shooting',
    group: '2',
    parent: '2',
    text: 'Working with ICT platform set-up, operation, and trouble-shooting',
  },
  {
    id: '2.3',
    title: 'Managing technology challenges efficiently',
    group: '2',
    parent: '2',
    text: 'Ability to manage efficiently any technology challenges',
  },
  {
    id: '2.4',
    title: 'Equipment and environment for a high-quality experience',
    group: '2',
    parent: '2',
    text:
      'Ability to use the technical equipment and environment (e.g. lighting, sounds, distractions) in order ' +
      'to deliver a high-quality experience to participants of the respective e-Mediation',
  },
  {
    id: '2.5',
    title: 'Clear verbal and non-verbal messages, sync and async',
    group: '2',
    parent: '2',
    text:
      'Ability to convey clear and effective messages in verbal and non-verbal communication synchronously ' +
      'and asynchronously',
  },
  {
    id: '2.6',
    title: 'Keeping the platform from taking focus off the conversation',
    group: '2',
    parent: '2',
    text:
      'Ability to use the ICT platform in such a way that the platform does not take away the focus from the ' +
      'content of the conversation with/among the parties',
  },
  {
    id: '2.7',
    title: 'Confidence and critical self-awareness with technology',
    group: '2',
    parent: '2',
    text:
      'Ability to show confidence and critical self-awareness in working with technology to address ' +
      'parties’ issues',
  },
  {
    id: '2.8',
    title: 'Addressing people across countries, regions and time zones',
    group: '2',
    parent: '2',
    text:
      'Ability to simultaneously address people who are in different countries and regions and different ' +
      'time zones – understanding the impact that this can have on the dynamics of the communication',
  },
  {
    id: '2.9',
    title: 'Privacy implications of storing and communicating online',
    group: '2',
    parent: '2',
    text:
      'Understanding implications for privacy in storing digital information and communicating with parties ' +
      'and others online',
  },
  {
    id: '2.10',
    title: 'Combining async and video to manage caucuses',
    group: '2',
    parent: '2',
    text:
      'Ability to combine asynchronous communication and videoconferencing in order to manage caucuses',
  },
  {
    id: '2.11',
    title: 'Using specific options of the ICT platform',
    group: '2',
    parent: '2',
    text:
      'Ability to use specific options of the ICT platform such as (i) meeting planning, (ii) screen sharing, ' +
      '(iii) online caucus, (iv) giving mouse controls, (v) muting and unmuting, (vi) multiple webcams ' +
      '(vii) multiple modes of communication simultaneously.',
  },
  { id: '2.11-i', title: 'Meeting planning', group: '2', parent: '2.11', text: 'meeting planning' },
  { id: '2.11-ii', title: 'Screen sharing', group: '2', parent: '2.11', text: 'screen sharing' },
  { id: '2.11-iii', title: 'Online caucus', group: '2', parent: '2.11', text: 'online caucus' },
  { id: '2.11-iv', title: 'Giving mouse controls', group: '2', parent: '2.11', text: 'giving mouse controls' },
  { id: '2.11-v', title: 'Muting and unmuting', group: '2', parent: '2.11', text: 'muting and unmuting' },
  { id: '2.11-vi', title: 'Multiple webcams', group: '2', parent: '2.11', text: 'multiple webcams' },
  {
    id: '2.11-vii',
    title: 'Multiple modes of communication simultaneously',
    group: '2',
    parent: '2.11',
    text: 'multiple modes of communication simultaneously',
  },

  // 3. Skills related to the e-Mediation process
  {
    id: '3',
    title: 'Skills related to the e-Mediation process',
    group: '3',
    parent: null,
    text: 'Skills related to the e-Mediation process',
  },
  {
    id: '3.1',
    title: 'Assessing suitability of the dispute for e-Mediation',
    group: '3',
    parent: '3',
    text: 'Assessing suitability of the dispute/disputants to e-Mediation',
  },
  {
    id: '3.2',
    title: 'Choosing approaches that add value to e-Mediation',
    group: '3',
    parent: '3',
    text: 'Determining which approaches are likely to add value to e-Mediation',
  },
  {
    id: '3.3',
    title: 'Explaining the impact of ICT on process and outcome',
    group: '3',
    parent: '3',
    text:
      'Determining and explaining to the parties the impact of the use of ICT in terms of process and ' +
      'potential impact on the outcome of mediation',
  },
  {
    id: '3.4',
    title: 'Party readiness for ICT and equal access to ICT',
    group: '3',
    parent: '3',
    text:
      'Dealing with the different levels of readiness of the parties to accept the implication of using ICT ' +
      'in the mediation process, evaluating and securing equal access to ICTs for all parties involved.',
  },
  {
    id: '3.5',
    title: 'Determining special ICT costs or fees',
    group: '3',
    parent: '3',
    text: 'Determining special costs or fees associated with the use of ICT in e-Mediation.',
  },

  // 3.6 Preparing for e-Mediation
  { id: '3.6', title: 'Preparing for e-Mediation', group: '3', parent: '3', text: 'Preparing for e-Mediation' },
  {
    id: '3.6.1',
    title: 'Parties’ knowledge of mediation and impact of ICT',
    group: '3',
    parent: '3.6',
    text: 'Considering parties’ knowledge of mediation process and impact of ICT',
  },
  {
    id: '3.6.2',
    title: 'Parties’ technical knowledge and capacity with ICT',
    group: '3',
    parent: '3.6',
    text:
      'Understanding the level of technical knowledge of the parties and their capacity to communicate ' +
      'effectively using ICT platforms',
  },
  {
    id: '3.6.3',
    title: 'Guiding participants through the ICT',
    group: '3',
    parent: '3.6',
    text: 'Guiding parties and all participants through the ICT (the process and information management)',
  },
  {
    id: '3.6.4',
    title: 'Possible outcomes, risks and consequences of e-Mediation',
    group: '3',
    parent: '3.6',
    text: 'Identifying possible outcomes, risks and consequences associated with e-Mediation',
  },
  {
    id: '3.6.5',
    title: 'Explaining privacy and confidentiality risks',
    group: '3',
    parent: '3.6',
    text:
      'Identifying and explaining to the parties (in common-language) the potential risks in relation to ' +
      'privacy and confidentiality while using online or computer-based platforms or applications',
  },
  {
    id: '3.6.6',
    title: 'Common technical issues and protocols to address them',
    group: '3',
    parent: '3.6',
    text:
      'Identifying and communicating common technical issues, problems or questions that may arise during ' +
      'an e-Mediation process and providing parties with possible protocols to address them',
  },
  {
    id: '3.6.7',
    title: 'Platform security and privacy meeting industry standards',
    group: '3',
    parent: '3.6',
    text:
      'Identifying reasonable industry standards for security and privacy protection of a determined online ' +
      'or computer-based platform, and refraining from using or recommending the ones that do not meet ' +
      'those standards',
  },
  {
    id: '3.6.8',
    title: 'Creating a protocol agreement',
    group: '3',
    parent: '3.6',
    text:
      'Creating a protocol agreement that defines the parties’ understanding of the process, the use of any ' +
      'ICT, the potential risks to their information, and the responsibilities of an e-Mediator (including ' +
      'responsibilities related to confidentiality and ability to provide protection to data transmitted online)',
  },
  {
    id: '3.6.9',
    title: 'Choosing the online platform',
    group: '3',
    parent: '3.6',
    text: 'Choosing the online platform that is going to be used during the e-Mediation',
  },
  {
    id: '3.6.10',
    title: 'Agreeing who is present in audio/video sessions',
    group: '3',
    parent: '3.6',
    text:
      'Getting agreement regarding who will be present during the different audio and/or video sessions ' +
      'of the e-Mediation',
  },
  {
    id: '3.6.11',
    title: 'Agreeing who accesses information stored online, and how',
    group: '3',
    parent: '3.6',
    text:
      'Getting agreement regarding who will have access to any information stored online as part of the ' +
      'mediation process and define how that access is going to take place',
  },
  {
    id: '3.6.12',
    title: 'No perceived conflict of interest from mediator’s ICT use',
    group: '3',
    parent: '3.6',
    text:
      'Creating an atmosphere where the use of ICT by the e-Mediator outside of the mediation does not ' +
      'create the perception of a conflict of interest by the parties',
  },
  {
    id: '3.6.13',
    title: 'Agreed procedure for technology breakdown',
    group: '3',
    parent: '3.6',
    text: 'Identifying and getting agreement on the procedure to follow in case of technology breakdown',
  },
  {
    id: '3.6.14',
    title: 'Disclosure and transparency, no conflict of interests',
    group: '3',
    parent: '3.6',
    text:
      'Disclosing the appropriate information so the e-Mediation can be conducted without any conflict of ' +
      'interests; ensuring transparency with regard to the e-mediator, the institution, the 4th party and ' +
      'the online procedure.',
  },
  {
    id: '3.6.15',
    title: 'Parties’ understanding of dispute sources, interests, rights',
    group: '3',
    parent: '3.6',
    text:
      'Identifying the parties’ understanding of the sources of the dispute, their interests, rights and ' +
      "options, and the other party/ies' interests, rights and options.",
  },

  // 3.7 During e-Mediation
  { id: '3.7', title: 'During e-Mediation', group: '3', parent: '3', text: 'During e-Mediation' },
  {
    id: '3.7.1',
    title: 'Using technology and outside assistance',
    group: '3',
    parent: '3.7',
    text: 'Effectively using technology and outside assistance if needed',
  },
  {
    id: '3.7.2',
    title: 'High-quality process online',
    group: '3',
    parent: '3.7',
    text: 'Conducting a high-quality process within the online environment',
  },
  {
    id: '3.7.3',
    title: 'Best online process despite personal preference or bias',
    group: '3',
    parent: '3.7',
    text:
      'Deciding on the best online process that meets the needs of the parties despite personal preferences ' +
      'or bias in favour or against the use of ICT',
  },
  {
    id: '3.7.4',
    title: 'Monitoring party perceptions and adjusting the process',
    group: '3',
    parent: '3.7',
    text:
      'Monitoring of the parties’ perceptions and attitudes towards the e-Mediation and adjusting the ' +
      'process respectfully',
  },
  {
    id: '3.7.5',
    title: 'Knowing which platform feature to use in which context',
    group: '3',
    parent: '3.7',
    text:
      'Being aware of the different features of the ICT platform, their corresponding advantages and ' +
      'constraints to be able to discern which feature to use in which context',
  },
  {
    id: '3.7.6',
    title: 'Technology-driven power imbalances',
    group: '3',
    parent: '3.7',
    text:
      'Understanding and dealing with technology impact in power imbalances (e.g. typing capabilities of the ' +
      'parties, imbalance due to computer power and internet speed, others)',
  },
  {
    id: '3.7.7',
    title: 'Equal ground and competence in the online process',
    group: '3',
    parent: '3.7',
    text: 'Monitoring to ensure that parties deal with the online process on equal ground and competence',
  },
  {
    id: '3.7.8',
    title: 'Avoiding bias from a party’s ICT performance',
    group: '3',
    parent: '3.7',
    text: 'Being self-aware to avoid becoming biased by party’s performance using ICT',
  },
  {
    id: '3.7.9',
    title: 'Using the change of communication type to parties’ benefit',
    group: '3',
    parent: '3.7',
    text:
      'Taking advantage of the change of communication type provided by online dispute resolution mechanisms ' +
      'to help the parties take the most out of the situation (e.g. create space for brainstorming, time to ' +
      'reflect, etc.)',
  },
  {
    id: '3.7.10',
    title: 'Adapting text/audio/video to the issue discussed',
    group: '3',
    parent: '3.7',
    text:
      'Understanding how to adapt text/audio/video based communication to the kind of issue parties are ' +
      'discussing',
  },
  {
    id: '3.7.11',
    title: 'Applying emotion management techniques',
    group: '3',
    parent: '3.7',
    text: 'Applying emotion management techniques',
  },
  {
    id: '3.7.12',
    title: 'Active listening and attentive reading online',
    group: '3',
    parent: '3.7',
    text:
      'Understanding how to use active listening online that also includes attentive and active reading',
  },
  {
    id: '3.7.13',
    title: 'Using ICT to facilitate negotiations efficiently',
    group: '3',
    parent: '3.7',
    text: 'Using ICT to facilitate negotiations in an efficient way',
  },
  {
    id: '3.7.14',
    title: 'Maintaining impartiality',
    group: '3',
    parent: '3.7',
    text: 'Ensuring that impartiality is maintained',
  },
  {
    id: '3.7.15',
    title: 'No bias on location, culture or use of facilities',
    group: '3',
    parent: '3.7',
    text:
      'Exhibiting lack of bias related to considerations of geographical location or cultural orientation ' +
      'of e-Mediator or use of facilities',
  },
  {
    id: '3.7.16',
    title: 'Professional and appropriate mediator conduct',
    group: '3',
    parent: '3.7',
    text:
      'Ensuring that the e-Mediator’s conduct is always professional and appropriate (respecting the ' +
      'protocol agreement regarding the access to parties, responsiveness to parties’ requests, taming tempers)',
  },
  {
    id: '3.7.17',
    title: 'Managing continuation and termination (hang-ups, failures)',
    group: '3',
    parent: '3.7',
    text:
      'Managing the continuation and the termination of the e-Mediation (addressing parties’ hanging up, ' +
      'technical failure, automated processes, etc.)',
  },
  {
    id: '3.7.18',
    title: 'Translating face-to-face techniques online',
    group: '3',
    parent: '3.7',
    text:
      'Understanding how to translate face to face mediation techniques into the online environment.',
  },

  // 3.8 Reaching agreement
  { id: '3.8', title: 'Reaching agreement', group: '3', parent: '3', text: 'Reaching agreement' },
  {
    id: '3.8.1',
    title: 'Informed consent of the parties',
    group: '3',
    parent: '3.8',
    text: 'Ensuring parties have given their informed consent',
  },
  {
    id: '3.8.2',
    title: 'Agreement addresses identified issues, interests, rights',
    group: '3',
    parent: '3.8',
    text:
      'Ensuring that agreement addresses issues, interests and rights as identified throughout the process.',
  },

  // 3.9 Post-mediation process
  { id: '3.9', title: 'Post-mediation process', group: '3', parent: '3', text: 'Post-mediation process' },
  {
    id: '3.9.1',
    title: 'Encouraging feedback on the e-Mediation experience',
    group: '3',
    parent: '3.9',
    text: 'Encouraging parties to provide feedback on their experience in e-Mediation',
  },
  {
    id: '3.9.2',
    title: 'Follow-up when needed',
    group: '3',
    parent: '3.9',
    text: 'Conducting follow-up when needed.',
  },
];

const BY_ID: ReadonlyMap<string, ImiItem> = new Map(IMI_ANNEX2_ITEMS.map((item) => [item.id, item]));

/** The Annex 2 item with this id ('3.6.13', '2.11-iii', …), or undefined. */
export function imiItem(id: string): ImiItem | undefined {
  return BY_ID.get(id);
}

/**
 * Items an assessor scores: the leaves (items without children) of groups 2 and 3, in document
 * order. 2.11 is replaced by its options (i)–(vii); headings such as 3.6 are left out.
 */
export function assessableItems(): ImiItem[] {
  const parents = new Set<string>();
  for (const item of IMI_ANNEX2_ITEMS) if (item.parent !== null) parents.add(item.parent);
  return IMI_ANNEX2_ITEMS.filter((item) => item.group !== '1' && !parents.has(item.id));
}
