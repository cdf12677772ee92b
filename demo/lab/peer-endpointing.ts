/**
 * The latency lab's `peer_vad_web` baseline: turns ended by @ricky0123/vad-web's MicVAD with its defaults
 * (legacy Silero model, redemption 1400 ms, on the main thread), as an app built on it would: speech
 * start interrupts the agent and opens a turn (`startTurn()`), speech end commits it (`endTurn()`).
 * The session runs with `endpointing: 'manual'`. Loaded only with `?lab=latency&endpointing=peer`.
 */
import { MicVAD } from '@ricky0123/vad-web';
import legacyModelUrl from '@ricky0123/vad-web/dist/silero_vad_legacy.onnx?url';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import type { VoiceSession } from '../../src/index.ts';

/** The folder of a file URL (MicVAD takes folders and adds its own file names). */
const folder = (url: string): string => url.slice(0, url.lastIndexOf('/') + 1);

export async function startPeerEndpointing(
  session: VoiceSession,
  mic: MediaStream,
  onEndpoint: () => void,
): Promise<MicVAD> {
  const vad = await MicVAD.new({
    audioContext: session.audioContext,
    getStream: () => Promise.resolve(mic),
    pauseStream: () => Promise.resolve(),
    resumeStream: (s) => Promise.resolve(s),
    // Self-hosted from the npm packages, as Vite serves them (no CDN).
    baseAssetPath: folder(legacyModelUrl),
    onnxWASMBasePath: folder(ortWasmUrl),
    ortConfig: (ort) => {
      ort.env.wasm.numThreads = 1;
      ort.env.logLevel = 'error';
    },
    startOnLoad: true,
    onSpeechStart: () => {
      void session.startTurn();
    },
    onSpeechEnd: () => {
      onEndpoint();
      void session.endTurn();
    },
  });
  return vad;
}
