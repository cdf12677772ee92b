/**
 * What {@link VoiceSession.connect} does: checks the options, opens the AudioContext, the transport and
 * the microphone, builds the session, starts its capture while the link comes up, and resolves once the
 * session can take turns. On failure it closes everything it opened (nothing is left open).
 */
import { setAssetBaseUrl } from '../assets/asset-base.ts';
import { openMicrophone } from '../audio/microphone.ts';
import { SottoError } from '../errors.ts';
import type { Transport } from '../transport/types.ts';
import { browserSupportError } from './browser-support.ts';
import { createTransport } from './create-transport.ts';
import type { FallbackMode } from './fallback-policy.ts';
import type { ConnectOptions } from './options.ts';

/** Codes of a first connection that failed for a network reason: `fallback: 'auto'` starts offline. */
const NETWORK_FAILURES: readonly string[] = ['server_unreachable', 'connect_timeout'];

/** The session's side of its start-up. */
export interface SessionStartup<S> {
  readonly session: S;
  /** Starts the capture ring (and the VAD), or returns undefined when the session needs neither. */
  startCapture(): Promise<void> | undefined;
  /** The link is up (or failed for a network reason with `fallback: 'auto'`): audio may play. */
  unlockAudio(): void;
  /**
   * The capture runs: the fallback starts (`remoteFailed`: the first connection failed, the session starts
   * offline), the mic follows, the first mode and state are told.
   */
  started(remoteFailed: SottoError | null): Promise<void>;
  /** The start-up failed: closes what the session opened (the fallback, the capture). */
  abort(): Promise<void>;
}

/**
 * Connects a session that `build` makes over the transport (null with `fallback: 'force'`), the mic and
 * the AudioContext. Rejects with a {@link SottoError}; the app's `mediaStream` and `audioContext` are
 * never stopped or closed.
 */
export async function connectSession<S>(
  opts: ConnectOptions,
  build: (
    transport: Transport | null,
    mic: MediaStream,
    ctx: AudioContext,
    fallback: FallbackMode,
  ) => SessionStartup<S>,
): Promise<S> {
  if (opts.assetBaseUrl !== undefined) setAssetBaseUrl(opts.assetBaseUrl);
  const unsupported = browserSupportError(globalThis);
  if (unsupported) throw unsupported;
  const fallback = opts.fallback ?? (opts.offline ? 'auto' : 'off');
  if (fallback !== 'off' && !opts.offline?.models && !opts.offline?.engine) {
    throw new SottoError('internal', `fallback '${fallback}' needs the on-device engine's models (options.offline)`);
  }
  if (fallback !== 'off' && opts.endpointing === 'server') {
    throw new SottoError('internal', `fallback '${fallback}' needs client, manual or push-to-talk endpointing`);
  }
  let transport: Transport | null = null;
  let mic: MediaStream | undefined;
  let startup: SessionStartup<S> | undefined;
  let capture: Promise<void> | undefined;
  const ctx = opts.audioContext ?? new AudioContext({ latencyHint: 'interactive' });
  try {
    transport = fallback === 'force' ? null : createTransport(opts, ctx);
    mic = opts.mediaStream ?? (await openMicrophone(opts.microphone));
    const [micTrack] = mic.getAudioTracks();
    if (!micTrack) throw new SottoError('no_microphone', 'the media stream has no audio track');
    startup = build(transport, mic, ctx, fallback);
    let remoteFailed: SottoError | null = null;
    // The capture ring (and the VAD for client endpointing) also feeds the on-device engine. It starts
    // while the room connects: the VAD's model, runtime and warm-up load behind the join (issue 16).
    capture = startup.startCapture();
    capture?.catch(() => undefined);
    try {
      await transport?.connect({ micTrack });
    } catch (e) {
      // Offline from the first second: the on-device engine answers and the link is tried again.
      if (fallback !== 'auto' || !(e instanceof SottoError) || !NETWORK_FAILURES.includes(e.code)) throw e;
      remoteFailed = e;
    }
    startup.unlockAudio();
    await capture;
    await startup.started(remoteFailed);
    return startup.session;
  } catch (e) {
    if (startup) {
      await capture?.catch(() => undefined);
      await startup.abort();
    }
    await transport?.close();
    if (!opts.mediaStream) for (const t of mic?.getTracks() ?? []) t.stop();
    if (!opts.audioContext) await ctx.close().catch(() => undefined);
    throw e;
  }
}
