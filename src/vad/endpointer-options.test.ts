import { describe, expect, it } from 'vitest';
import { ENDPOINTER_DEFAULTS, msToFrames, resolveEndpointerOptions } from './endpointer-options.ts';

describe('resolveEndpointerOptions', () => {
  it('applies the documented defaults', () => {
    expect(resolveEndpointerOptions()).toEqual({
      positiveThreshold: 0.5,
      negativeThreshold: 0.35,
      minSpeechFrames: 3,
      prefixPaddingMs: 300,
      turnEndingMs: 160,
      silenceMs: 500,
      minSpeechMs: 160,
      maxTurnMs: 30_000,
      sampleRate: 16_000,
      frameSamples: 512,
      hopSamples: 512,
      endLookbackMs: 96,
    });
    expect(Object.isFrozen(ENDPOINTER_DEFAULTS)).toBe(true);
  });

  it('takes the hop from the frame unless given', () => {
    expect(resolveEndpointerOptions({ frameSamples: 256 }).hopSamples).toBe(256);
    expect(resolveEndpointerOptions({ frameSamples: 512, hopSamples: 256 }).hopSamples).toBe(256);
  });

  it('keeps given values and returns a frozen object', () => {
    const o = resolveEndpointerOptions({ silenceMs: 250, maxTurnMs: Infinity, turnEndingMs: Infinity });
    expect(o.silenceMs).toBe(250);
    expect(o.maxTurnMs).toBe(Infinity);
    expect(o.turnEndingMs).toBe(Infinity);
    expect(o.positiveThreshold).toBe(0.5);
    expect(Object.isFrozen(o)).toBe(true);
  });

  it.each([
    [{ positiveThreshold: 1.2 }, 'positiveThreshold'],
    [{ positiveThreshold: Number.NaN }, 'positiveThreshold'],
    [{ negativeThreshold: -0.1 }, 'negativeThreshold'],
    [{ minSpeechFrames: 0 }, 'minSpeechFrames'],
    [{ minSpeechFrames: 2.5 }, 'minSpeechFrames'],
    [{ prefixPaddingMs: -1 }, 'prefixPaddingMs'],
    [{ prefixPaddingMs: Infinity }, 'prefixPaddingMs'],
    [{ turnEndingMs: Number.NaN }, 'turnEndingMs'],
    [{ silenceMs: 0 }, 'silenceMs'],
    [{ silenceMs: Infinity }, 'silenceMs'],
    [{ minSpeechMs: -5 }, 'minSpeechMs'],
    [{ maxTurnMs: 0 }, 'maxTurnMs'],
    [{ sampleRate: 0 }, 'sampleRate'],
    [{ frameSamples: 511.5 }, 'frameSamples'],
    [{ hopSamples: 0 }, 'hopSamples'],
    [{ hopSamples: 513 }, 'hopSamples'],
    [{ hopSamples: 100.5 }, 'hopSamples'],
    [{ endLookbackMs: -1 }, 'endLookbackMs'],
    [{ endLookbackMs: Infinity }, 'endLookbackMs'],
  ])('rejects %j', (options, name) => {
    expect(() => resolveEndpointerOptions(options)).toThrow(RangeError);
    expect(() => resolveEndpointerOptions(options)).toThrow(`invalid endpointer option ${name}:`);
  });

  it('rejects a negative threshold above the positive one', () => {
    expect(() => resolveEndpointerOptions({ positiveThreshold: 0.4, negativeThreshold: 0.45 })).toThrow(
      'negativeThreshold (0.45) must not exceed positiveThreshold (0.4)',
    );
  });
});

describe('msToFrames', () => {
  it('rounds up to whole frames, exact multiples stay exact', () => {
    expect(msToFrames(96, 32)).toBe(3);
    expect(msToFrames(500, 32)).toBe(16);
    expect(msToFrames(300, 32)).toBe(10);
    expect(msToFrames(288, 32)).toBe(9);
    expect(msToFrames(160, 32)).toBe(5);
    expect(msToFrames(0, 32)).toBe(0);
    expect(msToFrames(0, 32, 1)).toBe(1);
    expect(msToFrames(Infinity, 32, 1)).toBe(Infinity);
  });

  it('does not round up through floating-point error', () => {
    const frameMs = (512 / 16_000) * 1000;
    expect(msToFrames(0.1 + 0.2, 0.1)).toBe(3);
    expect(msToFrames(frameMs * 7, frameMs)).toBe(7);
  });
});
