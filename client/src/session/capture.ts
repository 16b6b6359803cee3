/**
 * Opening the sources a person adds during the session: extra cameras [2.11-vi] and a screen
 * share with its sound [2.11-ii]. Each function says what went wrong in plain words.
 */

export interface CameraDevice {
  deviceId: string;
  label: string;
}

export class CaptureError extends Error {
  /** 'cancelled': the person closed the browser's picker; nothing to tell them. */
  constructor(
    readonly reason: 'cancelled' | 'failed',
    message: string,
  ) {
    super(message);
    this.name = 'CaptureError';
  }
}

/** The cameras of this device, named as the browser names them (or "Camera 1", "Camera 2"). */
export async function listCameras(): Promise<CameraDevice[]> {
  if (!navigator.mediaDevices?.enumerateDevices) return [];
  const all = await navigator.mediaDevices.enumerateDevices().catch(() => [] as MediaDeviceInfo[]);
  return all
    .filter((d) => d.kind === 'videoinput')
    .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Camera ${i + 1}` }));
}

/**
 * Which camera to offer first: one nobody uses yet. A device with a single camera (Chromium's fake
 * device, a laptop without a second one) may open the same camera twice.
 */
export function suggestCamera(cameras: CameraDevice[], inUse: string[]): string | null {
  return (cameras.find((c) => !inUse.includes(c.deviceId)) ?? cameras[0])?.deviceId ?? null;
}

export async function openCamera(deviceId: string): Promise<MediaStreamTrack> {
  const video: MediaTrackConstraints = {
    width: { ideal: 1280 },
    height: { ideal: 720 },
    frameRate: { ideal: 15, max: 30 },
  };
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ video: deviceId ? { ...video, deviceId: { exact: deviceId } } : video });
    const track = stream.getVideoTracks()[0];
    if (!track) throw new Error('no video track');
    // A document camera shows text: keep it sharp rather than smooth.
    track.contentHint = 'detail';
    return track;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'NotAllowedError') {
      throw new CaptureError('failed', 'The browser did not allow this camera. Check the camera permission for this page.');
    }
    throw new CaptureError('failed', 'We could not start that camera. It may be in use by another app, or unplugged.');
  }
}

export async function openScreen(): Promise<{ video: MediaStreamTrack; audio: MediaStreamTrack | null }> {
  if (!navigator.mediaDevices?.getDisplayMedia) {
    throw new CaptureError('failed', 'This browser cannot share a screen. Try a recent Chrome, Edge or Firefox on a computer.');
  }
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: true });
  } catch (error) {
    if (error instanceof DOMException && (error.name === 'NotAllowedError' || error.name === 'AbortError')) {
      throw new CaptureError('cancelled', 'Screen sharing was cancelled.');
    }
    throw new CaptureError('failed', 'We could not share your screen.');
  }
  const video = stream.getVideoTracks()[0];
  if (!video) {
    for (const t of stream.getTracks()) t.stop();
    throw new CaptureError('failed', 'We could not share your screen.');
  }
  video.contentHint = 'detail';
  return { video, audio: stream.getAudioTracks()[0] ?? null };
}
