import { MESSAGES } from './messages.ts';
import type { LocalMedia } from './store.ts';

/** Chosen in pre-join. `null` means "do not use"; '' means "the browser's default device". */
export interface DeviceChoice {
  micDeviceId: string | null;
  cameraDeviceId: string | null;
  /**
   * The pre-join preview's tracks of these devices, handed over so the session need not open them
   * again (no second wait for the camera). Used while live; the session stops them when it ends.
   */
  preview?: { mic: MediaStreamTrack | null; camera: MediaStreamTrack | null };
}

/** The microphone as the session sends it; `exact` pins the device (else it is only preferred). */
export function micConstraints(id: string, exact = true): MediaTrackConstraints {
  return { ...(id && exact ? { deviceId: { exact: id } } : {}), echoCancellation: true, noiseSuppression: true, autoGainControl: true };
}

/** The camera as the session sends it (the pre-join preview opens it the same way, to hand it over). */
export function cameraConstraints(id: string, exact = true): MediaTrackConstraints {
  return { ...(id && exact ? { deviceId: { exact: id } } : {}), width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24, max: 30 } };
}

export function isLive(track: MediaStreamTrack | null): track is MediaStreamTrack {
  return track !== null && track.readyState === 'live';
}

/**
 * Open the chosen camera and microphone and say what could not be opened. Never throws: a
 * person without working devices can still follow the session.
 */
export async function openLocalMedia(
  devices: DeviceChoice,
): Promise<Pick<LocalMedia, 'mic' | 'camera' | 'micTrack' | 'cameraTrack' | 'warning'>> {
  const wantMic = devices.micDeviceId !== null;
  const wantCamera = devices.cameraDeviceId !== null;
  const handed = (t: MediaStreamTrack | null | undefined, wanted: boolean) => (wanted && t && isLive(t) ? t : null);
  const previewMic = handed(devices.preview?.mic, wantMic);
  const previewCamera = handed(devices.preview?.camera, wantCamera);
  const opened = await acquireTracks(previewMic ? null : devices.micDeviceId, previewCamera ? null : devices.cameraDeviceId);
  const mic = previewMic ?? opened.mic;
  const camera = previewCamera ?? opened.camera;
  let warning: string | null = null;
  if (wantMic && !mic && wantCamera && !camera) warning = MESSAGES.noMedia;
  else if (wantMic && !mic) warning = MESSAGES.noMic;
  else if (wantCamera && !camera) warning = MESSAGES.noCamera;
  return { mic: mic ? 'on' : 'none', camera: camera ? 'on' : 'none', micTrack: mic, cameraTrack: camera, warning };
}

/**
 * getUserMedia for the chosen devices. Tries both at once (one permission prompt), then each on
 * its own so a broken camera does not also cost the microphone. A chosen device that vanished
 * falls back to the browser's default one.
 */
export async function acquireTracks(
  micDeviceId: string | null,
  cameraDeviceId: string | null,
): Promise<{ mic: MediaStreamTrack | null; camera: MediaStreamTrack | null }> {
  if (!navigator.mediaDevices?.getUserMedia || (micDeviceId === null && cameraDeviceId === null)) {
    return { mic: null, camera: null };
  }
  const audio = (id: string | null, exact: boolean): MediaTrackConstraints | false => (id === null ? false : micConstraints(id, exact));
  const video = (id: string | null, exact: boolean): MediaTrackConstraints | false => (id === null ? false : cameraConstraints(id, exact));

  const get = async (constraints: MediaStreamConstraints): Promise<MediaStream | null> => {
    try {
      return await navigator.mediaDevices.getUserMedia(constraints);
    } catch {
      return null;
    }
  };

  let stream = await get({ audio: audio(micDeviceId, true), video: video(cameraDeviceId, true) });
  if (stream) {
    return { mic: stream.getAudioTracks()[0] ?? null, camera: stream.getVideoTracks()[0] ?? null };
  }
  let mic: MediaStreamTrack | null = null;
  let camera: MediaStreamTrack | null = null;
  if (micDeviceId !== null) {
    stream = (await get({ audio: audio(micDeviceId, true) })) ?? (await get({ audio: audio(micDeviceId, false) }));
    mic = stream?.getAudioTracks()[0] ?? null;
  }
  if (cameraDeviceId !== null) {
    stream = (await get({ video: video(cameraDeviceId, true) })) ?? (await get({ video: video(cameraDeviceId, false) }));
    camera = stream?.getVideoTracks()[0] ?? null;
  }
  return { mic, camera };
}
