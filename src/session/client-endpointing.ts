import { CaptureNode } from '../audio/capture-node.ts';
import { isSharedBuffer } from '../audio/shared-memory.ts';
import { SottoError } from '../errors.ts';
import { VadClient } from '../vad/vad-client.ts';
import type { VadFrame } from '../vad/types.ts';
import type { BargeIn } from './barge-in.ts';
import type { TurnTaking } from './turn-taking.ts';

/**
 * Client endpointing plumbing: mic -> capture worklet (16 kHz ring) -> VAD worker, reading the ring
 * through shared memory (or the capture's batches over a MessagePort without cross-origin isolation).
 * The ring keeps the last seconds of audio for read-back (pre-roll, replay of a turn).
 */
export class ClientEndpointing {
  readonly vad: VadClient;
  readonly capture: CaptureNode;
  readonly #ctx: AudioContext;
  #source: MediaStreamAudioSourceNode;

  private constructor(ctx: AudioContext, capture: CaptureNode, source: MediaStreamAudioSourceNode, vad: VadClient) {
    this.#ctx = ctx;
    this.capture = capture;
    this.#source = source;
    this.vad = vad;
  }

  /**
   * Starts capture (a ring of the last `ringSeconds`) on `mic` and points `vad` (new, or preloaded and
   * warm: `src/session/preload.ts`) at it. VAD errors, also those in `earlier` (reported before the session
   * took the VAD), arrive as `vad_error` through `onError`. On failure the VAD is closed.
   */
  static async start(
    ctx: AudioContext,
    mic: MediaStream,
    vad: VadClient,
    onError: (e: SottoError) => void,
    ringSeconds = 10,
    earlier: readonly Error[] = [],
  ): Promise<ClientEndpointing> {
    const report = (e: Error): void => {
      onError(new SottoError('vad_error', `voice activity detection: ${e.message}`, { cause: e }));
    };
    vad.on('error', report);
    for (const e of earlier) report(e);
    let capture: CaptureNode;
    try {
      capture = await CaptureNode.create(ctx, { seconds: ringSeconds });
    } catch (e) {
      await vad.close();
      throw e;
    }
    const source = ctx.createMediaStreamSource(mic);
    source.connect(capture.input);
    if (isSharedBuffer(capture.storage)) {
      // From the first captured sample: the model loads for ~1 s and must not miss the first turn's start.
      vad.start({ type: 'ring', storage: capture.storage, startAt: 'oldest' });
    } else {
      const port = vad.start({ type: 'port' });
      capture.on('chunk', (c) => {
        port.postMessage({ type: 'samples', samples: c.samples, position: c.position, time: c.time });
      });
    }
    return new ClientEndpointing(ctx, capture, source, vad);
  }

  /**
   * Client endpointing: the VAD's turn events drive turn taking, its frames barge-in (`agentSpeaking` says
   * whether the agent is audible now) and the app's `vad_frame` meter.
   */
  drive(turns: TurnTaking, bargeIn: BargeIn, agentSpeaking: () => boolean, onFrame: (f: VadFrame) => void): void {
    const vad = this.vad;
    vad.on('frame', (f) => {
      onFrame(f);
      bargeIn.frame(f.time, f.probability, 0.032, agentSpeaking(), f.riseDb);
    });
    vad.on('speech_start', (e) => {
      turns.speechStart(e);
    });
    vad.on('turn_ending', (e) => {
      turns.turnEnding(e);
    });
    vad.on('turn_resumed', (e) => {
      turns.turnResumed(e);
    });
    vad.on('turn_end', (e) => {
      turns.turnEnd(e);
    });
    vad.on('misfire', (e) => {
      turns.misfire(e);
    });
  }

  /** Captures from another stream (input device switch); the ring and the VAD carry on. */
  switchSource(mic: MediaStream): void {
    this.#source.disconnect();
    this.#source = this.#ctx.createMediaStreamSource(mic);
    this.#source.connect(this.capture.input);
  }

  async close(): Promise<void> {
    this.#source.disconnect();
    this.capture.close();
    await this.vad.close();
  }
}
