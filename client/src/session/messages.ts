/** Everything the session says to the person about its own state, in one place to keep the wording consistent. */
export const MESSAGES = {
  reconnecting: 'Your connection dropped. Trying to reconnect… You will come back to the same room.',
  stillConnecting: 'Still trying to reach the session. Check your internet connection; we keep trying.',
  retryingJoin: 'We could not enter the session. Trying again…',
  unsupported:
    'This browser cannot take part in video sessions. Please open your link in a recent version of Chrome, Edge, Firefox or Safari.',
  left: 'You left the session.',
  noMedia: 'We could not start your camera or microphone. Others cannot see or hear you, but you can still follow the session.',
  noCamera: 'We could not start your camera. Others can hear you but not see you.',
  noMic: 'We could not start your microphone. Others can see you but not hear you.',
  micEnded: 'Your microphone stopped working. Others cannot hear you. Check that it is plugged in, then rejoin.',
  cameraEnded: 'Your camera stopped working. Others cannot see you. Check that it is connected, then rejoin.',
} as const;

/** The rungs of my own outage, as the banner names them (followed by how long it has lasted). */
export const OUTAGE_TITLES = {
  offline: 'You are offline — reconnecting…',
  reconnecting: 'Your connection dropped. Reconnecting…',
  'repairing-media': 'Your audio and video are not getting through. Repairing the connection…',
  rejoining: 'Your connection dropped. Rejoining the session…',
} as const;
