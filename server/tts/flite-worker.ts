/**
 * Worker-thread entry of {@link ThreadedFlite}: synthesizes off the job's event loop, so reply audio
 * and data-channel events of the session keep flowing while Flite runs (~30–100 ms per phrase).
 */
import { parentPort } from 'node:worker_threads';
import { FliteTts, type FliteVoice } from './flite.ts';

export interface FliteRequest {
  id: number;
  text: string;
  voice: FliteVoice;
}
export type FliteReply = { id: number; pcm: Int16Array; sampleRate: number } | { id: number; error: string };

const voices = new Map<FliteVoice, FliteTts>();
parentPort?.on('message', (req: FliteRequest) => {
  try {
    let tts = voices.get(req.voice);
    if (!tts) {
      tts = new FliteTts(req.voice);
      voices.set(req.voice, tts);
    }
    const s = tts.synthesize(req.text);
    const reply: FliteReply = { id: req.id, pcm: s.pcm, sampleRate: s.sampleRate };
    parentPort?.postMessage(reply, [s.pcm.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort?.postMessage({ id: req.id, error: e instanceof Error ? e.message : String(e) } satisfies FliteReply);
  }
});
