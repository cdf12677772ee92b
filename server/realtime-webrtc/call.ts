/**
 * One OpenAI-style WebRTC call bound to one {@link RealtimeSession}: the thin I/O shell of
 * `POST /v1/realtime/calls`. The client's offer is answered by a peer connection (`@roamhq/wrtc`, loaded on
 * the first call): its microphone track is read (any rate, resampled to the session's 48 kHz), reply audio
 * goes out on one audio track in real time ({@link PacedOutput}), and events travel as JSON on the client's
 * `oai-events` data channel. The session starts (`session.created`) when that channel opens; events sent
 * before it is open wait for it.
 */
import { Resampler } from '../../src/audio/resampler.ts';
import { MAX_STREAM_EVENT_BYTES, type OutgoingServerEvent, type TurnDetection } from '../../src/protocol/index.ts';
import type { Brain } from '../brains/index.ts';
import { newId } from '../ids.ts';
import { INPUT_RATE, RealtimeSession } from '../realtime-session.ts';
import type { Logger } from '../realtime-ws/connection.ts';
import type { SpeechModel } from '../vad/silero-model.ts';
import { PacedOutput } from './paced-output.ts';

/** The label of the data channel OpenAI's WebRTC clients open for events. */
export const EVENTS_CHANNEL = 'oai-events';
/** How long ICE candidate gathering may take before the answer goes out with what it has, in ms. */
const GATHER_MS = 5000;
/** A call whose events channel has not opened this long after the answer is closed, in ms. */
const OPEN_TIMEOUT_MS = 30_000;

/** The parts of `@roamhq/wrtc` used here (it types them as the DOM's, which they only resemble). */
export interface Wrtc {
  /** `portRange` is wrtc's own (non-standard) option: the UDP ports its ICE transports may bind. */
  RTCPeerConnection: new (config?: { portRange?: { min: number; max: number } }) => PeerConnection;
  nonstandard: {
    RTCAudioSource: new () => AudioSourceNode;
    RTCAudioSink: new (track: unknown) => AudioSinkNode;
  };
}
interface PeerConnection {
  connectionState: string;
  iceGatheringState: string;
  localDescription: { sdp: string } | null;
  onconnectionstatechange: (() => void) | null;
  onicegatheringstatechange: (() => void) | null;
  ondatachannel: ((e: { channel: DataChannel }) => void) | null;
  ontrack: ((e: { track: { kind: string } }) => void) | null;
  setRemoteDescription(d: { type: 'offer'; sdp: string }): Promise<void>;
  createAnswer(): Promise<{ type: 'answer'; sdp: string }>;
  setLocalDescription(d: { type: 'answer'; sdp: string }): Promise<void>;
  addTrack(track: unknown): unknown;
  close(): void;
}
interface DataChannel {
  label: string;
  readyState: string;
  onopen: (() => void) | null;
  onclose: (() => void) | null;
  onmessage: ((e: { data: unknown }) => void) | null;
  send(text: string): void;
}
interface AudioSourceNode {
  createTrack(): { stop(): void };
  onData(d: {
    samples: Int16Array;
    sampleRate: number;
    bitsPerSample: number;
    channelCount: number;
    numberOfFrames: number;
  }): void;
}
interface AudioSinkNode {
  ondata: ((d: { samples: Int16Array; sampleRate: number; channelCount?: number }) => void) | null;
  stop(): void;
}

export interface CallOptions {
  wrtc: Wrtc;
  brain: Brain;
  log: Logger;
  loadVadModel: () => Promise<SpeechModel>;
  turnDetection: TurnDetection;
  /** UDP ports for the call's media (default any). */
  rtcPorts?: { min: number; max: number } | undefined;
  /** Called once the call has ended (either side hung up, the connection failed, or it never opened). */
  onClosed: () => void;
}

export class RealtimeCall {
  readonly id = newId('rtc');
  readonly #o: CallOptions;
  readonly #pc: PeerConnection;
  readonly #source: AudioSourceNode;
  readonly #track: { stop(): void };
  readonly #output: PacedOutput;
  readonly #session: RealtimeSession;
  #channel: DataChannel | null = null;
  #outbox: string[] = [];
  #sink: AudioSinkNode | null = null;
  #resampler: { rate: number; r: Resampler | null; inBuf: Float32Array; outBuf: Float32Array } | null = null;
  #openTimer: ReturnType<typeof setTimeout>;
  #closed = false;

  private constructor(o: CallOptions) {
    this.#o = o;
    this.#pc = new o.wrtc.RTCPeerConnection(o.rtcPorts ? { portRange: o.rtcPorts } : undefined);
    this.#source = new o.wrtc.nonstandard.RTCAudioSource();
    this.#track = this.#source.createTrack();
    const rate = o.brain.sampleRate;
    // Continuous: silence between replies keeps the listener's jitter buffer steady (see PacedOutput).
    this.#output = new PacedOutput(
      rate,
      (frame) => {
        this.#source.onData({
          samples: frame,
          sampleRate: rate,
          bitsPerSample: 16,
          channelCount: 1,
          numberOfFrames: frame.length,
        });
      },
      200,
      { continuous: true },
    );
    this.#session = new RealtimeSession(
      {
        send: (e) => {
          this.#send(e);
        },
        sink: this.#output,
        now: () => performance.now(),
        log: o.log,
        loadVadModel: o.loadVadModel,
      },
      o.brain,
      { turnDetection: o.turnDetection },
    );
    this.#openTimer = setTimeout(() => {
      if (!this.#channel || this.#channel.readyState !== 'open') {
        o.log('the events channel never opened; closing the call', { call: this.id });
        this.close();
      }
    }, OPEN_TIMEOUT_MS);
    this.#openTimer.unref();
  }

  /** Answers `offerSdp`: resolves with the call and its SDP answer (with every ICE candidate gathered). */
  static async answer(offerSdp: string, o: CallOptions): Promise<{ call: RealtimeCall; sdp: string }> {
    const call = new RealtimeCall(o);
    try {
      return { call, sdp: await call.#answer(offerSdp) };
    } catch (e) {
      call.close();
      throw e;
    }
  }

  get session(): RealtimeSession {
    return this.#session;
  }

  /** Applies a `session` object given with the offer (multipart `session` field), as a `session.update`. */
  configure(session: unknown): void {
    this.#session.receive(
      new TextEncoder().encode(JSON.stringify({ type: 'session.update', session })),
      'client',
      MAX_STREAM_EVENT_BYTES,
    );
  }

  /** Hangs up: the session ends, the connection closes. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#openTimer);
    this.#session.close();
    this.#output.close();
    this.#sink?.stop();
    this.#track.stop();
    this.#pc.close();
    this.#o.log('call closed', { call: this.id, session: this.#session.id });
    this.#o.onClosed();
  }

  async #answer(offerSdp: string): Promise<string> {
    const pc = this.#pc;
    pc.ondatachannel = ({ channel }) => {
      if (channel.label === EVENTS_CHANNEL) this.#bind(channel);
    };
    pc.ontrack = ({ track }) => {
      if (track.kind === 'audio' && !this.#sink) this.#listen(track);
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed' || pc.connectionState === 'closed') this.close();
    };
    await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
    // After the offer, so the track takes the transceiver of the client's audio m-line (sendrecv).
    pc.addTrack(this.#track);
    await pc.setLocalDescription(await pc.createAnswer());
    await new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') resolve();
      const timer = setTimeout(resolve, GATHER_MS);
      pc.onicegatheringstatechange = () => {
        if (pc.iceGatheringState !== 'complete') return;
        clearTimeout(timer);
        resolve();
      };
    });
    const sdp = pc.localDescription?.sdp;
    if (!sdp) throw new Error('no local description');
    return sdp;
  }

  #bind(channel: DataChannel): void {
    this.#channel = channel;
    const opened = (): void => {
      clearTimeout(this.#openTimer);
      this.#output.start(); // silence until the first reply
      this.#session.start();
      for (const text of this.#outbox.splice(0)) channel.send(text);
    };
    channel.onmessage = ({ data }) => {
      if (typeof data === 'string')
        this.#session.receive(new TextEncoder().encode(data), 'client', MAX_STREAM_EVENT_BYTES);
    };
    channel.onclose = () => {
      this.close();
    };
    if (channel.readyState === 'open') opened();
    else channel.onopen = opened;
  }

  /** Reads the client's microphone into the session (downmixed, resampled to the session's rate). */
  #listen(track: unknown): void {
    const sink = new this.#o.wrtc.nonstandard.RTCAudioSink(track);
    this.#sink = sink;
    sink.ondata = ({ samples, sampleRate, channelCount = 1 }) => {
      if (this.#closed) return;
      this.#session.pushAudio(this.#toInputRate(samples, sampleRate, channelCount));
    };
  }

  #toInputRate(samples: Int16Array, rate: number, channels: number): Int16Array {
    const frames = Math.floor(samples.length / channels);
    let st = this.#resampler;
    if (st?.rate !== rate) {
      st = {
        rate,
        r: rate === INPUT_RATE ? null : new Resampler({ inputRate: rate, outputRate: INPUT_RATE }),
        inBuf: new Float32Array(0),
        outBuf: new Float32Array(0),
      };
      this.#resampler = st;
    }
    if (st.inBuf.length < frames) st.inBuf = new Float32Array(frames);
    for (let i = 0; i < frames; i++) {
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += samples[i * channels + c] ?? 0;
      st.inBuf[i] = sum / channels / 32768;
    }
    const r = st.r;
    let out: Float32Array = st.inBuf;
    let n = frames;
    if (r) {
      const need = r.maxOutputFrames(frames);
      if (st.outBuf.length < need) st.outBuf = new Float32Array(need);
      n = r.process(st.inBuf, st.outBuf, frames);
      out = st.outBuf;
    }
    const pcm = new Int16Array(n);
    for (let i = 0; i < n; i++) pcm[i] = Math.max(-32768, Math.min(32767, Math.round((out[i] ?? 0) * 32768)));
    return pcm;
  }

  #send(e: OutgoingServerEvent): void {
    const text = JSON.stringify({ event_id: newId('event'), ...e });
    const ch = this.#channel;
    if (ch?.readyState === 'open') ch.send(text);
    else if (!this.#closed) this.#outbox.push(text);
  }
}
