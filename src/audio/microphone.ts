import { SottoError } from '../errors.ts';

/** Microphone processing options. Echo cancellation and noise suppression are always asked for. */
export interface MicrophoneOptions {
  /** Browser automatic gain control. Default `true`. */
  autoGainControl?: boolean;
  /** A specific input device (`MediaDeviceInfo.deviceId`). Default: the system default. */
  deviceId?: string;
}

/**
 * Opens the microphone with echo cancellation and noise suppression on. Rejects with a SottoError:
 * `unsupported_browser` (no getUserMedia), `mic_permission_denied`, or `no_microphone`.
 */
export async function openMicrophone(opts: MicrophoneOptions = {}): Promise<MediaStream> {
  const md = globalThis.navigator.mediaDevices as MediaDevices | undefined;
  if (typeof md?.getUserMedia !== 'function') {
    throw new SottoError('unsupported_browser', 'getUserMedia is not available (insecure context or old browser)');
  }
  const audio: MediaTrackConstraints = {
    echoCancellation: true,
    noiseSuppression: true,
    autoGainControl: opts.autoGainControl ?? true,
    channelCount: 1,
    ...(opts.deviceId ? { deviceId: { exact: opts.deviceId } } : {}),
  };
  try {
    return await md.getUserMedia({ audio, video: false });
  } catch (e) {
    throw micError(e);
  }
}

/** Maps a getUserMedia rejection to a SottoError. */
export function micError(e: unknown): SottoError {
  const name = e instanceof Error || e instanceof DOMException ? e.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new SottoError('mic_permission_denied', 'microphone access was denied', { cause: e });
    case 'NotFoundError':
    case 'OverconstrainedError':
    case 'NotReadableError':
      return new SottoError('no_microphone', 'no usable microphone was found', { cause: e });
    default:
      return new SottoError('internal', `could not open the microphone: ${String(e)}`, { cause: e });
  }
}
