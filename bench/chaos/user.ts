/**
 * The chaos bench's simulated user in the page: a microphone the bench speaks into sentence by sentence,
 * reacting to what the page plays back (see user-policy.ts), instead of a recording that loops whatever
 * happens.
 *
 * The page's `getUserMedia({ audio })` returns a clone of a MediaStreamAudioDestinationNode's track on a
 * context of its own (the user's mouth); the SDK captures it as any microphone, through its worklet, VAD
 * and endpointer. The bench polls the page every 100 ms (the page's events, the remote track's last heard
 * sample, the session's mode, the replies it heard and whether each was cut), decides in Node and tells
 * the page which sentence to say.
 */
import type { Page } from '@playwright/test';
import { readWavPcm16 } from '../../server/testing/wav.ts';
import { decide, DEFAULT_POLICY, type UserObservation, type UserPolicy } from './user-policy.ts';

const RATE = 48_000;

/**
 * The sentences of a recording: spans louder than about -40 dBFS, joined across quiet of under 0.4 s,
 * with 50 ms of margin each side; 16-bit PCM at 48 kHz.
 */
export function sentencesOf(wavPath: string): Int16Array[] {
  const { sampleRate, pcm } = readWavPcm16(wavPath);
  if (sampleRate !== RATE) throw new Error(`${wavPath}: want ${String(RATE)} Hz, got ${String(sampleRate)}`);
  const frame = RATE / 100;
  const loud: boolean[] = [];
  for (let at = 0; at + frame <= pcm.length; at += frame) {
    let sum = 0;
    for (let i = at; i < at + frame; i++) sum += (pcm[i] ?? 0) ** 2;
    loud.push(Math.sqrt(sum / frame) > 328);
  }
  const spans: [number, number][] = [];
  for (let f = 0; f < loud.length; f++) {
    if (!loud[f]) continue;
    const last = spans.at(-1);
    if (last && f - last[1] < 40) last[1] = f + 1;
    else spans.push([f, f + 1]);
  }
  const margin = 5;
  return spans
    .filter(([a, b]) => b - a >= 20)
    .map(([a, b]) => pcm.slice(Math.max(0, a - margin) * frame, Math.min(loud.length, b + margin) * frame));
}

/** Installs the user's microphone in every page of the context; call before the page loads. */
export async function installUserMic(page: Page): Promise<void> {
  // A string, not a function: tsx's name helpers do not exist in the page.
  await page.addInitScript(`(() => {
    let ctx = null;
    let dest = null;
    const clips = [];
    const replies = [];
    const state = { speaking: false, saidEnd: null };
    const sessionNow = () => window.sottoDemo?.session?.audioContext.currentTime ?? 0;
    const ensure = () => {
      if (!ctx) {
        ctx = new AudioContext({ sampleRate: ${String(RATE)} });
        dest = ctx.createMediaStreamDestination();
        dest.channelCount = 1;
      }
      return ctx;
    };
    window.sottoUser = {
      load(b64) {
        ensure();
        const bin = atob(b64);
        const n = bin.length >> 1;
        const buf = ctx.createBuffer(1, n, ${String(RATE)});
        const ch = buf.getChannelData(0);
        for (let i = 0; i < n; i++) {
          let v = bin.charCodeAt(2 * i) | (bin.charCodeAt(2 * i + 1) << 8);
          if (v >= 32768) v -= 65536;
          ch[i] = v / 32768;
        }
        clips.push(buf);
        return clips.length;
      },
      say(i) {
        const s = ctx.createBufferSource();
        s.buffer = clips[i % clips.length];
        s.connect(dest);
        state.speaking = true;
        s.onended = () => {
          state.speaking = false;
          state.saidEnd = sessionNow();
          s.disconnect();
        };
        s.start();
      },
      listen() {
        const s = window.sottoDemo.session;
        s.on('agent_audio_start', (e) => {
          replies.push({ start: e.time, end: null, interrupted: false });
        });
        s.on('agent_audio_end', (e) => {
          const r = replies.at(-1);
          if (r && r.end === null) {
            r.end = e.time;
            r.interrupted = e.interrupted;
          }
        });
      },
      observe() {
        const s = window.sottoDemo.session;
        return {
          now: sessionNow(),
          speaking: state.speaking,
          saidEnd: state.saidEnd,
          replies,
          lastHeard: s?.agentAudio()?.lastHeardTime ?? null,
          remote: (s?.mode ?? 'remote') === 'remote',
        };
      },
    };
    const md = navigator.mediaDevices;
    const original = md.getUserMedia.bind(md);
    md.getUserMedia = async (c) => {
      if (!c || !c.audio) return original(c);
      ensure();
      await ctx.resume();
      return new MediaStream(dest.stream.getAudioTracks().map((t) => t.clone()));
    };
  })()`);
}

export interface UserRun {
  /** Sentences said, and why each was said (the policy's reasons). */
  stop(): Promise<{ said: number; why: Record<string, number> }>;
}

/** Loads the sentences into the page and starts the user talking (the page's session must exist). */
export async function startUser(
  page: Page,
  sentences: readonly Int16Array[],
  policy: UserPolicy = DEFAULT_POLICY,
): Promise<UserRun> {
  for (const s of sentences) {
    const b64 = Buffer.from(s.buffer, s.byteOffset, s.byteLength).toString('base64');
    await page.evaluate(`window.sottoUser.load(${JSON.stringify(b64)})`);
  }
  await page.evaluate('window.sottoUser.listen()');
  const run = { stopped: false };
  let said = 0;
  const why: Record<string, number> = {};
  const loop = (async () => {
    while (!run.stopped && !page.isClosed()) {
      try {
        const o = await page.evaluate<UserObservation>('window.sottoUser.observe()');
        const d = decide(o, policy);
        if (d.say) {
          await page.evaluate(`window.sottoUser.say(${String(said)})`);
          said++;
          why[d.why] = (why[d.why] ?? 0) + 1;
        }
      } catch {
        // The page is closing, or busy: try again on the next tick.
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    async stop() {
      run.stopped = true;
      await loop;
      return { said, why };
    },
  };
}
