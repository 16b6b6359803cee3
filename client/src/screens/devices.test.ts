import { describe, expect, it } from 'vitest';
import { findDevices, type MediaAccess } from './devices.ts';

const CAM = { kind: 'videoinput', deviceId: 'cam-1', label: 'Front camera', groupId: 'g' } as MediaDeviceInfo;
const MIC = { kind: 'audioinput', deviceId: 'mic-1', label: 'Headset', groupId: 'g' } as MediaDeviceInfo;

function track(kind: 'audio' | 'video', deviceId: string) {
  const t = { kind, stopped: false, stop: () => void (t.stopped = true), getSettings: () => ({ deviceId }) };
  return t;
}

/** A browser stand-in: permission states, the devices it lists, and what asking for a stream does. */
function browser(opts: { states?: Record<string, string> | 'unsupported'; devices?: MediaDeviceInfo[]; gum?: (c: MediaStreamConstraints) => 'ok' | string }) {
  const asked: MediaStreamConstraints[] = [];
  const opened: Array<ReturnType<typeof track>> = [];
  const access: MediaAccess = {
    mediaDevices: {
      enumerateDevices: async () => opts.devices ?? [CAM, MIC],
      getUserMedia: async (c?: MediaStreamConstraints) => {
        asked.push(c!);
        const outcome = opts.gum?.(c!) ?? 'ok';
        if (outcome !== 'ok') throw new DOMException('no', outcome);
        const tracks = [...(c!.audio ? [track('audio', 'mic-1')] : []), ...(c!.video ? [track('video', 'cam-1')] : [])];
        opened.push(...tracks);
        return {
          getAudioTracks: () => tracks.filter((t) => t.kind === 'audio'),
          getVideoTracks: () => tracks.filter((t) => t.kind === 'video'),
          getTracks: () => tracks,
        } as unknown as MediaStream;
      },
    },
  };
  if (opts.states !== 'unsupported') {
    const states = opts.states ?? {};
    access.permissions = {
      query: async ({ name }) => {
        if (!(name in states)) throw new TypeError(`'${name}' is not a valid enum value`);
        return { state: states[name]! };
      },
    };
  }
  return { access, asked, opened };
}

describe('findDevices', () => {
  it('with camera and microphone already granted, lists the devices without opening either', async () => {
    const b = browser({ states: { camera: 'granted', microphone: 'granted' } });
    expect(await findDevices(b.access)).toEqual({
      permission: 'granted',
      cameras: [{ id: 'cam-1', label: 'Front camera' }],
      mics: [{ id: 'mic-1', label: 'Headset' }],
    });
    expect(b.asked).toEqual([]);
  });

  it('already granted but no camera attached: partial, still without opening anything', async () => {
    const b = browser({ states: { camera: 'granted', microphone: 'granted' }, devices: [MIC] });
    expect(await findDevices(b.access)).toMatchObject({ permission: 'partial', cameras: [], mics: [{ id: 'mic-1' }] });
    expect(b.asked).toEqual([]);
  });

  it('not yet granted: asks the browser by opening both, closes them at once, and remembers which ones it chose', async () => {
    const b = browser({ states: { camera: 'prompt', microphone: 'granted' } });
    expect(await findDevices(b.access)).toMatchObject({ permission: 'granted', defaultCamera: 'cam-1', defaultMic: 'mic-1' });
    expect(b.asked).toEqual([{ audio: true, video: true }]);
    expect(b.opened.every((t) => t.stopped)).toBe(true);
  });

  it('a browser that cannot say (no Permissions API, or the names unknown) is asked the old way', async () => {
    for (const states of ['unsupported', {}] as const) {
      const b = browser({ states });
      expect((await findDevices(b.access)).permission).toBe('granted');
      expect(b.asked).toEqual([{ audio: true, video: true }]);
    }
  });

  it('a refusal is denied, and the browser is not asked again', async () => {
    const b = browser({ states: { camera: 'denied', microphone: 'denied' }, gum: () => 'NotAllowedError' });
    expect((await findDevices(b.access)).permission).toBe('denied');
    expect(b.asked).toHaveLength(1);
  });

  it('a camera that cannot start leaves the microphone: partial', async () => {
    const b = browser({ states: {}, gum: (c) => (c.video ? 'NotReadableError' : 'ok') });
    expect(await findDevices(b.access)).toMatchObject({ permission: 'partial', mics: [{ id: 'mic-1' }] });
    expect(b.asked).toEqual([{ audio: true, video: true }, { audio: true }]);
  });

  it('no getUserMedia at all: unsupported', async () => {
    expect((await findDevices({})).permission).toBe('unsupported');
  });
});
