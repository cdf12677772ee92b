import { describe, expect, it } from 'vitest';
import { Endpointer } from './endpointer.ts';
import type { EndpointerOptions } from './endpointer-options.ts';
import type { EndpointerEvent } from './events.ts';
import { type Hit, N, SR, SPEECH, SIL, pos, time, rep, run, expectTimes, mulberry32 } from './endpointer.test-util.ts';

describe('Endpointer speech end', () => {
  const tail = (probs: number[], o: EndpointerOptions = {}): EndpointerEvent | undefined =>
    run(new Endpointer(o), [...rep(SIL, 5), ...rep(0.99, 20), ...probs, ...rep(SIL, 20)]).at(-1)?.e;

  it('puts the end at the last voiced frame within 90 % of the peak: the decay after it is memory', () => {
    // Frames 5..24 at 0.99, then 0.95 (kept), 0.8 and 0.6 (decay, below 0.891).
    const e = tail([0.95, 0.8, 0.6]);
    expect(e).toMatchObject({ type: 'turn_end', reason: 'silence', endSample: 26 * N });
    expect(e && e.decisionSample - (e as { endSample: number }).endSample).toBe(16 * N);
  });

  it('looks only at the voiced frames of the last endLookbackMs', () => {
    // The last voiced frame ends at 31 N. 96 ms: frames ending at 28..31 N (0.75 peak, 0.7 kept).
    expect(tail([0.85, 0.8, 0.75, 0.7, 0.65, 0.6])).toMatchObject({ endSample: 29 * N });
    expect(tail([0.85, 0.85, 0.85, 0.5, 0.5, 0.5])).toMatchObject({ endSample: 28 * N });
    // 64 ms: the 0.85 frames are out of reach; 0.5 is the peak.
    expect(tail([0.85, 0.85, 0.85, 0.5, 0.5, 0.5], { endLookbackMs: 64 })).toMatchObject({ endSample: 31 * N });
    expect(tail([0.85, 0.8, 0.75, 0.7, 0.65, 0.6], { endLookbackMs: 0 })).toMatchObject({ endSample: 31 * N });
    // A plateau: the last frame.
    expect(tail([])).toMatchObject({ endSample: 25 * N });
  });

  it('keeps both sides of a short silent frame in one run (interleaved states decaying at different speeds)', () => {
    // 0.99 | 0.3 (silent) | 0.7 | silence: 0.7 is below 90 % of 0.99 three frames back: the end is the 0.99 frame.
    expect(tail([0.3, 0.7])).toMatchObject({ endSample: 25 * N });
  });

  it('places the end inside the frame from the audio level, above a floor learnt from silent frames', () => {
    const rnd = mulberry32(7);
    const noise = (db: number): number => 10 ** (db / 20) * Math.sqrt(3) * (2 * rnd() - 1);
    const total = 40 * N;
    const speechEnd = 20 * N + 200; // inside frame 20; the model says speech until frame 22
    const x = Float32Array.from({ length: total }, (_, i) => noise(i >= 5 * N && i < speechEnd ? -20 : -50));
    const probs = [...rep(SIL, 5), ...rep(0.99, 18), ...rep(SIL, 17)];
    const ep = new Endpointer();
    const hits: EndpointerEvent[] = [];
    probs.forEach((p, k) => {
      const e = ep.process(p, k * N, time(k * N), x.subarray(k * N, (k + 1) * N));
      if (e) hits.push(e);
    });
    const end = hits.find((e) => e.type === 'turn_end');
    if (end?.type !== 'turn_end') throw new Error('no turn_end');
    // The end of the 4 ms block (64 samples) that holds the last loud sample.
    expect(end.endSample).toBe(Math.ceil(speechEnd / 64) * 64);
    expect(end.endTime).toBeCloseTo(time(end.endSample), 9);
    // silenceMs counted from there: decided at the first frame end at least 500 ms later.
    expect(end.decisionSample).toBe(Math.ceil((end.endSample + 8000) / N) * N);
  });

  it('does not count a tail that is not clearly above the noise floor (8 dB) as speech', () => {
    const rnd = mulberry32(8);
    const noise = (db: number): number => 10 ** (db / 20) * Math.sqrt(3) * (2 * rnd() - 1);
    const tailFrom = 20 * N;
    // Speech at -20 dB, then a -36 dB tail over a -40 dB floor (4 dB above it) until frame 23.
    const x = Float32Array.from({ length: 40 * N }, (_, i) =>
      noise(i >= 5 * N && i < tailFrom ? -20 : i >= tailFrom && i < 23 * N ? -36 : -40),
    );
    const probs = [...rep(SIL, 5), ...rep(0.99, 18), ...rep(SIL, 17)];
    const ep = new Endpointer();
    let end: EndpointerEvent | null = null;
    probs.forEach((p, k) => {
      end = ep.process(p, k * N, time(k * N), x.subarray(k * N, (k + 1) * N)) ?? end;
    });
    expect(end).toMatchObject({ type: 'turn_end', endSample: tailFrom });
  });

  it('keeps a quiet last syllable that is clearly above the floor (20 dB), whatever the decay says', () => {
    const rnd = mulberry32(9);
    const noise = (db: number): number => 10 ** (db / 20) * Math.sqrt(3) * (2 * rnd() - 1);
    const syllable = 21 * N + 100;
    // Speech at -20 dB, a last syllable at -35 dB until `syllable`, floor -60 dB. The model is unsure of
    // the syllable (0.7, below 90 % of 0.99), which alone would end the speech at frame 20.
    const x = Float32Array.from({ length: 40 * N }, (_, i) =>
      noise(i >= 5 * N && i < 20 * N ? -20 : i >= 20 * N && i < syllable ? -35 : -60),
    );
    const probs = [...rep(SIL, 5), ...rep(0.99, 15), 0.7, 0.7, 0.6, ...rep(SIL, 17)];
    const ep = new Endpointer();
    let end: EndpointerEvent | null = null;
    probs.forEach((p, k) => {
      end = ep.process(p, k * N, time(k * N), x.subarray(k * N, (k + 1) * N)) ?? end;
    });
    expect(end).toMatchObject({ type: 'turn_end', endSample: Math.ceil(syllable / 64) * 64 });
    const without = run(new Endpointer(), probs).at(-1)?.e;
    expect(without).toMatchObject({ type: 'turn_end', endSample: 20 * N });
  });

  it('decides every hop with overlapping frames (hopSamples < frameSamples)', () => {
    const H = 256;
    const ep = new Endpointer({ hopSamples: H, silenceMs: 300, minSpeechMs: 0, minSpeechFrames: 1 });
    const probs = [...rep(SIL, 10), ...rep(SPEECH, 30), ...rep(SIL, 30)];
    const hits: Hit[] = [];
    probs.forEach((p, k) => {
      const e = ep.process(p, k * H, time(k * H));
      if (e) hits.push({ i: k, e });
    });
    expect(hits.map(({ e }) => e.type)).toEqual(['speech_start', 'turn_ending', 'turn_end']);
    // The onset frame starts at hop 10; speech frames end at hop 39 + 2 (a frame is 2 hops long).
    expect(hits[0]?.e).toMatchObject({ onsetSample: 10 * H, decisionSample: 12 * H });
    const end = hits[2]?.e;
    expect(end).toMatchObject({ endSample: 41 * H, speechMs: 30 * 16 });
    // 300 ms = 18.75 hops: decided at the end of the first frame 19 hops after the speech end.
    expect(end?.decisionSample).toBe(60 * H);
  });
});

describe('Endpointer invariants (seeded random)', () => {
  it.each([1, 2, 3, 4, 5, 6])('holds over random speech, pauses and clicks (seed %i)', (seed) => {
    const rnd = mulberry32(seed);
    const silenceMs = [200, 288, 300, 500][seed % 4] ?? 500;
    const minSpeechFrames = 1 + (seed % 4);
    const ep = new Endpointer({ silenceMs, minSpeechFrames, maxTurnMs: 8_000 });
    const probs: number[] = [];
    while (probs.length < 20_000) {
      const speaking = rnd() < 0.5;
      const len = 1 + Math.floor(rnd() * (speaking ? 80 : 30));
      for (let k = 0; k < len; k++)
        probs.push(rnd() < 0.15 ? 0.35 + rnd() * 0.15 : speaking ? 0.5 + rnd() / 2 : rnd() * 0.35);
    }
    const p = (i: number): number => probs[i] ?? 0;
    const isSpeech = (i: number): boolean => p(i) >= 0.5;
    const isSilent = (i: number): boolean => p(i) < 0.35;
    const hits = run(ep, probs);
    let turn = 0;
    let state: 'idle' | 'turn' | 'ending' = 'idle';
    let prevEnd = 0;
    for (const { i, e } of hits) {
      expectTimes(e);
      expect(e.decisionSample).toBe(pos(i + 1));
      if (e.type === 'speech_start') {
        expect(state).toBe('idle');
        expect(e.turnId).toBe(++turn);
        const first = e.onsetSample / N;
        const run = Array.from({ length: i - first + 1 }, (_, k) => first + k);
        expect(run.filter(isSpeech).length).toBe(minSpeechFrames);
        expect(isSpeech(first) && isSpeech(i) && !run.some(isSilent)).toBe(true);
        expect(e.startSample).toBe(Math.max(0, prevEnd, e.onsetSample - 4_800));
        state = 'turn';
        continue;
      }
      expect(e.turnId).toBe(turn);
      if (e.type === 'turn_ending') {
        expect(state).toBe('turn');
        state = 'ending';
      } else if (e.type === 'turn_resumed') {
        expect(state).toBe('ending');
        state = 'turn';
      } else {
        expect(state).not.toBe('idle');
        state = 'idle';
        expect(e.endSample).toBeLessThanOrEqual(e.decisionSample);
        expect(e.type === 'misfire').toBe(e.speechMs < 160);
        if (e.type === 'turn_end') prevEnd = e.endSample;
        if (e.reason === 'silence') {
          expect(isSilent(i)).toBe(true);
          // The last voiced frame: the last speech frame and the neutral frames right after it.
          let v = i;
          while (!isSpeech(v)) v--;
          while (v + 1 < i && !isSpeech(v + 1) && !isSilent(v + 1)) v++;
          const voicedEnd = pos(v + 1);
          // The speech end: a frame end at most 96 ms (3 frames) back, whose frame is not well below
          // the frames after it (the decay rule keeps the last one within 90 % of the peak).
          expect(e.endSample % N).toBe(0);
          expect(e.endSample).toBeLessThanOrEqual(voicedEnd);
          expect(e.endSample).toBeGreaterThanOrEqual(voicedEnd - 3 * N);
          const k = e.endSample / N - 1;
          const after = Array.from({ length: v - k }, (_, j) => p(k + 1 + j));
          expect(p(k)).toBeGreaterThanOrEqual(0.9 * Math.max(p(k), ...after) - 1e-6);
          // Silence from there, less a frame per neutral frame in the pause: reached here, not before.
          const silence = (j: number): number => {
            let neutral = 0;
            for (let m = v + 2; m <= j; m++) if (!isSilent(m)) neutral++;
            return pos(j + 1) - e.endSample - neutral * N;
          };
          const need = (silenceMs * SR) / 1000;
          expect(silence(i)).toBeGreaterThanOrEqual(need);
          for (let j = v + 1; j < i; j++) if (isSilent(j)) expect(silence(j)).toBeLessThan(need);
          expect(e.decisionTime - e.endTime).toBeGreaterThanOrEqual(silenceMs / 1000 - 1e-9);
        } else {
          expect(e.reason).toBe('max_length');
          expect(e.decisionSample - e.onsetSample).toBeGreaterThanOrEqual(8 * SR);
          expect(e.decisionSample - e.onsetSample).toBeLessThan(8 * SR + N);
        }
      }
    }
    expect(turn).toBeGreaterThan(50);
  });
});
