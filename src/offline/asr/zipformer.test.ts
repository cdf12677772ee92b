import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZipformerAsr as ServerAsr, modelFiles } from '../../../server/asr/zipformer.ts';
import { MODEL_DIR, nodeAsr, root, SHARED_AUDIO, wav16k } from '../node-models.test-util.ts';
import { matchPhrase } from './phrase-match.ts';
import { wordErrors } from './text.ts';

const COMMANDS = [
  'Hello there, can you hear me now?',
  'Please turn off the lights in the kitchen.',
  'What time does the next train leave?',
  'I would like a cup of tea, please.',
  'Remind me to call my sister tomorrow.',
  'Set a timer for ten minutes.',
  'Open the front door.',
];

describe('ZipformerAsr (shared core on onnxruntime-node)', () => {
  it('transcribes real speech (greedy)', async () => {
    const asr = await nodeAsr();
    const r = await asr.transcribe(wav16k(join(SHARED_AUDIO, 'goforward.wav')));
    expect(r.text).toBe('go forward ten meters');
    expect(r.audioMs).toBeCloseTo(2786, -1);
    expect(r.computeMs).toBeGreaterThan(0);
    const r2 = await asr.transcribe(wav16k(join(SHARED_AUDIO, 'ls_61-70968-0002.wav')), { search: 'beam' });
    expect(r2.text).toBe('a golden fortune and a happy life');
  }, 30_000);

  it('recognises an espeak command exactly with the phrase bias (greedy does not)', async () => {
    const asr = await nodeAsr();
    const audio = wav16k(join(root, '.fixtures', 'vad', 'clean-usf-190.wav'));
    const greedy = await asr.transcribe(audio);
    expect(wordErrors(COMMANDS[4] ?? '', greedy.text).errors).toBeGreaterThan(0);
    const biased = await asr.transcribe(audio, { phrases: COMMANDS, bonus: 2.5 });
    expect(biased.text).toBe('remind me to call my sister tomorrow');
    expect(biased.phrase).toBe(COMMANDS[4]);
    expect(matchPhrase(biased.text, COMMANDS)?.similarity).toBe(1);
  }, 30_000);

  it('is what the server recogniser runs (same text through server/asr)', async () => {
    const server = await ServerAsr.load(modelFiles(MODEL_DIR));
    const audio = wav16k(join(SHARED_AUDIO, 'ls_2830-3980-0043.wav'));
    expect(await server.transcribe(audio)).toBe((await (await nodeAsr()).transcribe(audio)).text);
  }, 30_000);
});
