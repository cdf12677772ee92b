/**
 * @ricky0123/vad-web's own FrameProcessor (the class MicVAD and NonRealTimeVAD run, loaded from the
 * installed package) over the probabilities its model gave in Chromium: the speech ends MicVAD would
 * report for any `redemptionMs` (its end-of-turn wait; default 1400).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface VadWebOptions {
  positiveSpeechThreshold: number;
  negativeSpeechThreshold: number;
  preSpeechPadMs: number;
  redemptionMs: number;
  minSpeechMs: number;
  submitUserSpeechOnPause: boolean;
}

interface FrameEvent {
  msg: string;
}

interface FrameProcessorLike {
  resume(): void;
  process(frame: Float32Array, handle: (e: FrameEvent) => void): Promise<void>;
}

const fpModule = require('@ricky0123/vad-web/dist/frame-processor.js') as {
  FrameProcessor: new (
    model: (f: Float32Array) => Promise<{ isSpeech: number; notSpeech: number }>,
    reset: () => void,
    options: VadWebOptions,
    msPerFrame: number,
  ) => FrameProcessorLike;
  defaultFrameProcessorOptions: VadWebOptions;
};
const messages = require('@ricky0123/vad-web/dist/messages.js') as { Message: { SpeechEnd: string } };

/** MicVAD's frame-processor defaults, as installed. */
export const VAD_WEB_DEFAULTS: VadWebOptions = fpModule.defaultFrameProcessorOptions;

/** Decision instants (sample at the end of the deciding frame) of `onSpeechEnd` with these options. */
export async function vadWebDecisions(
  probability: readonly number[],
  frameSamples: number,
  options: Partial<VadWebOptions>,
): Promise<number[]> {
  let i = 0;
  const fp = new fpModule.FrameProcessor(
    (_f) => {
      const p = probability[i] ?? 0;
      return Promise.resolve({ isSpeech: p, notSpeech: 1 - p });
    },
    () => undefined,
    { ...VAD_WEB_DEFAULTS, ...options },
    frameSamples / 16,
  );
  fp.resume();
  const empty = new Float32Array(0);
  const out: number[] = [];
  for (i = 0; i < probability.length; i++) {
    const msgs: string[] = [];
    await fp.process(empty, (e) => {
      msgs.push(e.msg);
    });
    if (msgs.includes(messages.Message.SpeechEnd)) out.push((i + 1) * frameSamples);
  }
  return out;
}
