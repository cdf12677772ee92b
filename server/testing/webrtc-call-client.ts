/**
 * A WebRTC client as OpenAI's WebRTC clients connect (an `oai-events` data channel and a microphone track,
 * the offer posted to `/v1/realtime/calls` with a bearer key, the answer applied), in Node through
 * `@roamhq/wrtc`, for integration tests of Sotto's `/v1/realtime/calls`. It records every server event and
 * the level of the audio it receives, and plays PCM into its microphone track in real time.
 */
import wrtcModule from '@roamhq/wrtc';
import type { RealtimeClientEvent, RealtimeServerEvent } from 'openai/resources/realtime/realtime';

type Of<T extends RealtimeServerEvent['type']> = Extract<RealtimeServerEvent, { type: T }>;

interface ClientPeer {
  createDataChannel(label: string): ClientChannel;
  addTrack(track: unknown): unknown;
  createOffer(): Promise<{ type: 'offer'; sdp: string }>;
  setLocalDescription(d: { type: 'offer'; sdp: string }): Promise<void>;
  setRemoteDescription(d: { type: 'answer'; sdp: string }): Promise<void>;
  ontrack: ((e: { track: unknown }) => void) | null;
  close(): void;
}
interface ClientChannel {
  readyState: string;
  onopen: (() => void) | null;
  onmessage: ((e: { data: unknown }) => void) | null;
  send(text: string): void;
}
interface MicSource {
  createTrack(): unknown;
  onData(d: {
    samples: Int16Array;
    sampleRate: number;
    bitsPerSample: number;
    channelCount: number;
    numberOfFrames: number;
  }): void;
}
interface SpeakerSink {
  ondata: ((d: { samples: Int16Array }) => void) | null;
  stop(): void;
}
const wrtc = wrtcModule as unknown as {
  RTCPeerConnection: new () => ClientPeer;
  nonstandard: { RTCAudioSource: new () => MicSource; RTCAudioSink: new (track: unknown) => SpeakerSink };
};

export class WebRtcCallClient {
  readonly events: RealtimeServerEvent[] = [];
  /** Level (RMS) of each received audio frame, with its arrival time (performance.now ms). */
  readonly frames: { at: number; rms: number }[] = [];
  callId = '';
  readonly #pc = new wrtc.RTCPeerConnection();
  readonly #dc: ClientChannel;
  readonly #mic = new wrtc.nonstandard.RTCAudioSource();
  readonly #sinks: SpeakerSink[] = [];

  private constructor() {
    this.#dc = this.#pc.createDataChannel('oai-events');
    this.#pc.addTrack(this.#mic.createTrack());
    this.#dc.onmessage = ({ data }) => {
      if (typeof data === 'string') this.events.push(JSON.parse(data) as RealtimeServerEvent);
    };
    this.#pc.ontrack = ({ track }) => {
      const sink = new wrtc.nonstandard.RTCAudioSink(track);
      this.#sinks.push(sink);
      sink.ondata = ({ samples }) => {
        let s = 0;
        for (const x of samples) s += x * x;
        this.frames.push({ at: performance.now(), rms: Math.sqrt(s / Math.max(1, samples.length)) });
      };
    };
  }

  /**
   * Calls `url` (`http://.../v1/realtime/calls`); resolves once the events channel is open. With `session`,
   * the offer goes as `multipart/form-data` (`sdp` + `session`), else as `application/sdp`.
   */
  static async call(url: string, apiKey: string, session?: object): Promise<WebRtcCallClient> {
    const c = new WebRtcCallClient();
    try {
      // As OpenAI's clients do: the offer goes at once; the server finds the client by its ICE checks.
      const offer = await c.#pc.createOffer();
      await c.#pc.setLocalDescription(offer);
      let res: Response;
      if (session) {
        const form = new FormData();
        form.set('sdp', offer.sdp);
        form.set('session', JSON.stringify(session));
        res = await fetch(url, { method: 'POST', body: form, headers: { Authorization: `Bearer ${apiKey}` } });
      } else {
        res = await fetch(url, {
          method: 'POST',
          body: offer.sdp,
          headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${apiKey}` },
        });
      }
      if (res.status !== 201) throw new CallRefused(res.status, await res.text());
      c.callId = res.headers.get('location')?.split('/').pop() ?? '';
      await c.#pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error('the events channel did not open'));
        }, 15_000);
        const open = (): void => {
          clearTimeout(timer);
          resolve();
        };
        if (c.#dc.readyState === 'open') open();
        else c.#dc.onopen = open;
      });
      return c;
    } catch (e) {
      c.close();
      throw e;
    }
  }

  send(e: RealtimeClientEvent): void {
    this.#dc.send(JSON.stringify(e));
  }

  of<T extends RealtimeServerEvent['type']>(type: T): Of<T>[] {
    return this.events.filter((e): e is Of<T> => e.type === type);
  }

  async waitFor<T extends RealtimeServerEvent['type']>(type: T, n = 1, timeoutMs = 20_000): Promise<Of<T>[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.of(type).length < n) {
      if (Date.now() > deadline) {
        const seen = this.events.map((e) => e.type).join(', ');
        throw new Error(`no ${String(n)}x ${type} within ${String(timeoutMs)} ms; got: ${seen}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.of(type);
  }

  /** Plays 48 kHz mono PCM into the microphone track in real time (10 ms frames). */
  async play(pcm: Int16Array): Promise<void> {
    const frame = 480;
    const t0 = performance.now();
    for (let i = 0, k = 0; i < pcm.length; i += frame, k++) {
      const samples = new Int16Array(frame);
      samples.set(pcm.subarray(i, Math.min(i + frame, pcm.length)));
      this.#mic.onData({ samples, sampleRate: 48_000, bitsPerSample: 16, channelCount: 1, numberOfFrames: frame });
      const wait = t0 + (k + 1) * 10 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  }

  close(): void {
    for (const s of this.#sinks) s.stop();
    this.#pc.close();
  }
}

export class CallRefused extends Error {
  override readonly name = 'CallRefused';
  readonly status: number;
  constructor(status: number, body: string) {
    super(`the call was refused: HTTP ${String(status)} ${body}`);
    this.status = status;
  }
}
