/**
 * What the pre-join screen needs before its Join button is usable: whether the browser lets this
 * page use a camera and a microphone, and which ones there are. Kept apart from the screen so the
 * decisions can be tested with a stand-in for the browser.
 */

export type Permission = 'granted' | 'partial' | 'denied' | 'unavailable' | 'unsupported';

export interface DeviceOption {
  id: string;
  label: string;
}

export interface FoundDevices {
  permission: Permission;
  cameras: DeviceOption[];
  mics: DeviceOption[];
  /** The devices the browser chose when asked for "a camera" and "a microphone", if it was asked. */
  defaultCamera?: string;
  defaultMic?: string;
}

/** The parts of `navigator` used here. */
export interface MediaAccess {
  mediaDevices?: Pick<MediaDevices, 'getUserMedia' | 'enumerateDevices'>;
  permissions?: { query(descriptor: { name: string }): Promise<{ state: string }> };
}

function errorName(error: unknown): string {
  return error instanceof DOMException || error instanceof Error ? error.name : '';
}

/**
 * Whether this site may already use both camera and microphone (a returning person: a rejoin, a
 * reload, the next session). Then no stream needs opening just to ask. False when the browser
 * cannot tell (the Permissions API or these names unsupported) or either is not granted.
 */
async function bothGranted(access: MediaAccess): Promise<boolean> {
  if (!access.permissions) return false;
  try {
    const states = await Promise.all(['camera', 'microphone'].map(async (name) => (await access.permissions!.query({ name })).state));
    return states.every((s) => s === 'granted');
  } catch {
    return false;
  }
}

/** Ask once for both, then for each alone, so one missing device does not hide the other. */
async function ask(md: NonNullable<MediaAccess['mediaDevices']>): Promise<{ stream: MediaStream | null; denied: boolean }> {
  let denied = false;
  for (const constraints of [{ audio: true, video: true }, { audio: true }, { video: true }] as MediaStreamConstraints[]) {
    try {
      return { stream: await md.getUserMedia(constraints), denied: false };
    } catch (error) {
      const name = errorName(error);
      if (name === 'NotAllowedError' || name === 'SecurityError') denied = true;
      if (denied) break; // asking again would only repeat the refusal
    }
  }
  return { stream: null, denied };
}

function optionsOf(devices: MediaDeviceInfo[], kind: MediaDeviceKind, word: string): DeviceOption[] {
  return devices
    .filter((d) => d.kind === kind && d.deviceId !== '')
    .filter((d, i, all) => all.findIndex((x) => x.deviceId === d.deviceId) === i)
    .map((d, i) => ({ id: d.deviceId, label: d.label || `${word} ${i + 1}` }));
}

async function listDevices(md: NonNullable<MediaAccess['mediaDevices']>): Promise<MediaDeviceInfo[]> {
  try {
    return await md.enumerateDevices();
  } catch {
    return [];
  }
}

/**
 * Permission first, then the device lists (their labels show only with permission). Already
 * granted: straight to the lists, with no camera light and no wait for a device to start (the
 * preview opens the chosen ones next). Otherwise the browser is asked by opening both, which is
 * closed again at once.
 */
export async function findDevices(access: MediaAccess): Promise<FoundDevices> {
  const md = access.mediaDevices;
  if (!md?.getUserMedia) return { permission: 'unsupported', cameras: [], mics: [] };
  if (await bothGranted(access)) {
    const devices = await listDevices(md);
    const cameras = optionsOf(devices, 'videoinput', 'Camera');
    const mics = optionsOf(devices, 'audioinput', 'Microphone');
    const permission = cameras.length && mics.length ? 'granted' : cameras.length || mics.length ? 'partial' : 'unavailable';
    return { permission, cameras, mics };
  }
  const { stream, denied } = await ask(md);
  const chosen = (kind: 'audio' | 'video') => (kind === 'audio' ? stream?.getAudioTracks()[0] : stream?.getVideoTracks()[0])?.getSettings().deviceId;
  const defaultMic = chosen('audio');
  const defaultCamera = chosen('video');
  const hasCam = stream ? stream.getVideoTracks().length > 0 : false;
  const hasMic = stream ? stream.getAudioTracks().length > 0 : false;
  stream?.getTracks().forEach((t) => t.stop());
  const devices = await listDevices(md);
  const cameras = optionsOf(devices, 'videoinput', 'Camera');
  const mics = optionsOf(devices, 'audioinput', 'Microphone');
  // Without permission some browsers list devices with empty ids; offer "the default one".
  if (cameras.length === 0 && hasCam) cameras.push({ id: '', label: 'Default camera' });
  if (mics.length === 0 && hasMic) mics.push({ id: '', label: 'Default microphone' });
  const permission = denied ? 'denied' : !stream ? 'unavailable' : !hasCam || !hasMic ? 'partial' : 'granted';
  return { permission, cameras, mics, ...(defaultCamera ? { defaultCamera } : {}), ...(defaultMic ? { defaultMic } : {}) };
}
