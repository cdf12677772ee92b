/**
 * Tiny fakes for a stock @livekit/agents voice pipeline (no cloud, no model downloads): an STT that
 * reports how long the user spoke, an LLM that answers with what it was told, a TTS that speaks a tone
 * as long as the text (120 ms a character). Deterministic, so the e2e can check transcripts. `EspeakTts`
 * speaks the text with espeak-ng instead, as the Python stock agent of bench/interop/ does (the interop
 * bench compares the two with the same fakes).
 */
import { execFile } from 'node:child_process';
import { AudioFrame } from '@livekit/rtc-node';
import { llm, stt, tts, type APIConnectOptions } from '@livekit/agents';

/** Non-streaming STT (the session runs it on each VAD segment): "I spoke for N.N seconds". */
export class DurationStt extends stt.STT {
  label = 'fake-duration-stt';

  constructor() {
    super({ streaming: false, interimResults: false });
  }

  protected _recognize(frames: AudioFrame[] | AudioFrame): Promise<stt.SpeechEvent> {
    const list = Array.isArray(frames) ? frames : [frames];
    const seconds = list.reduce((s, f) => s + f.samplesPerChannel / f.sampleRate, 0);
    const text = `I spoke for ${seconds.toFixed(1)} seconds`;
    return Promise.resolve({
      type: stt.SpeechEventType.FINAL_TRANSCRIPT,
      alternatives: [
        { language: 'en' as stt.SpeechData['language'], text, startTime: 0, endTime: seconds, confidence: 1 },
      ],
    });
  }

  stream(): stt.SpeechStream {
    throw new Error('DurationStt does not stream');
  }
}

/** An LLM that answers "You said: <the user's last message>." in small chunks. */
export class EchoLlm extends llm.LLM {
  label(): string {
    return 'fake-echo-llm';
  }

  chat({ chatCtx, toolCtx, connOptions }: Parameters<llm.LLM['chat']>[0]): llm.LLMStream {
    return new EchoStream(this, {
      chatCtx,
      ...(toolCtx ? { toolCtx } : {}),
      connOptions: connOptions ?? { maxRetry: 0, retryIntervalMs: 0, timeoutMs: 10_000 },
    });
  }
}

class EchoStream extends llm.LLMStream {
  protected run(): Promise<void> {
    const items = this.chatCtx.items;
    const last = [...items].reverse().find((i) => i.type === 'message' && i.role === 'user');
    const said = last?.type === 'message' ? (last.textContent ?? '') : '';
    const reply = `You said: ${said}.`;
    for (let i = 0; i < reply.length; i += 8) {
      this.queue.put({ id: 'echo', delta: { role: 'assistant', content: reply.slice(i, i + 8) } });
    }
    return Promise.resolve();
  }
}

const TTS_RATE = 24_000;
const FRAME = 480; // 20 ms

/** Speaks a 440 Hz tone, 120 ms per character of text (at most 8 s). */
export class ToneTts extends tts.TTS {
  label = 'fake-tone-tts';

  constructor() {
    super(TTS_RATE, 1, { streaming: false });
  }

  synthesize(text: string, connOptions?: APIConnectOptions, abortSignal?: AbortSignal): tts.ChunkedStream {
    return new ToneStream(text, this, connOptions, abortSignal);
  }

  stream(): tts.SynthesizeStream {
    throw new Error('ToneTts does not stream');
  }
}

class ToneStream extends tts.ChunkedStream {
  label = 'fake-tone-tts';

  protected run(): Promise<void> {
    const ms = Math.min(8000, Math.max(300, this.inputText.length * 120));
    const frames = Math.round((ms / 1000) * (TTS_RATE / FRAME));
    for (let f = 0; f < frames; f++) {
      const pcm = new Int16Array(FRAME);
      for (let i = 0; i < FRAME; i++)
        pcm[i] = Math.round(6000 * Math.sin((2 * Math.PI * 440 * (f * FRAME + i)) / TTS_RATE));
      this.queue.put({
        requestId: 'tone',
        segmentId: 'tone',
        frame: new AudioFrame(pcm, TTS_RATE, 1, FRAME),
        final: f === frames - 1,
      });
    }
    return Promise.resolve();
  }
}

const ESPEAK_RATE = 22_050;
const ESPEAK_FRAME = 441; // 20 ms

/** The samples of espeak-ng's RIFF output (its size fields are wrong on stdout: read to the end). */
function wavPcm(wav: Buffer): Int16Array {
  let at = 12;
  while (at + 8 <= wav.length) {
    const size = wav.readUInt32LE(at + 4);
    if (wav.toString('latin1', at, at + 4) === 'data') {
      const bytes = wav.subarray(at + 8);
      const copy = new Int16Array(Math.floor(bytes.length / 2));
      for (let i = 0; i < copy.length; i++) copy[i] = bytes.readInt16LE(i * 2);
      return copy;
    }
    at += 8 + size;
  }
  throw new Error('espeak-ng printed no WAV data chunk');
}

/** Speaks the text with the espeak-ng CLI (22.05 kHz mono), the whole sentence at once, in 20 ms frames. */
export class EspeakTts extends tts.TTS {
  label = 'fake-espeak-tts';

  constructor() {
    super(ESPEAK_RATE, 1, { streaming: false });
  }

  synthesize(text: string, connOptions?: APIConnectOptions, abortSignal?: AbortSignal): tts.ChunkedStream {
    return new EspeakStream(text, this, connOptions, abortSignal);
  }

  stream(): tts.SynthesizeStream {
    throw new Error('EspeakTts does not stream');
  }
}

class EspeakStream extends tts.ChunkedStream {
  label = 'fake-espeak-tts';

  protected async run(): Promise<void> {
    const wav = await new Promise<Buffer>((resolve, reject) => {
      execFile(
        'espeak-ng',
        ['--stdout', '-v', 'en-us', this.inputText],
        { encoding: 'buffer', maxBuffer: 64 * 2 ** 20, signal: this.abortSignal },
        (err, stdout) => {
          if (err) reject(new Error(`espeak-ng failed: ${err.message}`, { cause: err }));
          else resolve(stdout);
        },
      );
    });
    const pcm = wavPcm(wav);
    const frames = Math.ceil(pcm.length / ESPEAK_FRAME);
    for (let f = 0; f < frames; f++) {
      const chunk = new Int16Array(ESPEAK_FRAME);
      chunk.set(pcm.subarray(f * ESPEAK_FRAME, (f + 1) * ESPEAK_FRAME));
      this.queue.put({
        requestId: 'espeak',
        segmentId: 'espeak',
        frame: new AudioFrame(chunk, ESPEAK_RATE, 1, ESPEAK_FRAME),
        final: f === frames - 1,
      });
    }
  }
}
