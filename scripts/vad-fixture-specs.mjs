// The VAD fixture set: what each file is made of (voices, speeds, noise, hesitation pauses, clicks and
// bursts, real recordings). Plain data; scripts/vad-fixtures.mjs builds the files from it.

/** Sample rate of every VAD fixture, in Hz. */
export const VAD_FIXTURE_RATE = 48_000;

/** Silence before and after the designed speech, in seconds, and the speech level (RMS over its active samples), in dBFS. */
export const DEFAULT_LEAD = 0.6;
export const DEFAULT_TRAIL = 1.2;
export const DEFAULT_LEVEL_DB = -22;

/**
 * @typedef {{ say: string } | { pause: number }} Part  a phrase, or a hesitation pause in seconds
 * @typedef {{ at: number, kind: 'click' | 'burst' | 'knock', ms?: number, db?: number, colour?: 'white' | 'pink' }} Extra
 * @typedef {{
 *   name: string,
 *   kind: 'clean' | 'white' | 'pink' | 'hesitation' | 'nonspeech' | 'real',
 *   voice?: string, speed?: number, lead?: number, trail?: number, levelDb?: number,
 *   parts?: Part[], real?: string, noise?: { colour: 'white' | 'pink', snrDb: number }, extras?: Extra[],
 *   seconds?: number,
 * }} FixtureSpec
 */

/** @type {FixtureSpec[]} */
export const VAD_FIXTURES = [
  // Clean speech: several voices and speeds.
  {
    name: 'clean-us-150',
    kind: 'clean',
    voice: 'en-us',
    speed: 150,
    parts: [{ say: 'Hello there, can you hear me now?' }],
  },
  {
    name: 'clean-gbf-170',
    kind: 'clean',
    voice: 'en-gb+f3',
    speed: 170,
    levelDb: -18,
    parts: [{ say: 'Please turn off the lights in the kitchen.' }],
  },
  {
    name: 'clean-usm-130',
    kind: 'clean',
    voice: 'en-us+m3',
    speed: 130,
    levelDb: -26,
    parts: [{ say: 'What time does the next train leave?' }],
  },
  {
    name: 'clean-scot-160',
    kind: 'clean',
    voice: 'en-gb-scotland',
    speed: 160,
    parts: [{ say: 'I would like a cup of tea, please.' }],
  },
  {
    name: 'clean-usf-190',
    kind: 'clean',
    voice: 'en-us+f2',
    speed: 190,
    levelDb: -20,
    parts: [{ say: 'Remind me to call my sister tomorrow.' }],
  },
  {
    name: 'clean-car-140',
    kind: 'clean',
    voice: 'en-029',
    speed: 140,
    levelDb: -24,
    parts: [{ say: 'Set a timer for ten minutes.' }],
  },
  // White and pink noise at 10-20 dB SNR (speech power over its active samples).
  {
    name: 'white-10db',
    kind: 'white',
    voice: 'en-us+f4',
    speed: 160,
    noise: { colour: 'white', snrDb: 10 },
    parts: [{ say: 'Send a message to the team.' }],
  },
  {
    name: 'white-15db',
    kind: 'white',
    voice: 'en-gb',
    speed: 150,
    noise: { colour: 'white', snrDb: 15 },
    parts: [{ say: 'How far is it to the airport?' }],
  },
  {
    name: 'white-20db',
    kind: 'white',
    voice: 'en-us+m2',
    speed: 170,
    noise: { colour: 'white', snrDb: 20 },
    parts: [{ say: 'Play some quiet music.' }],
  },
  {
    name: 'pink-10db',
    kind: 'pink',
    voice: 'en-us+f3',
    speed: 150,
    noise: { colour: 'pink', snrDb: 10 },
    parts: [{ say: 'Open the front door.' }],
  },
  {
    name: 'pink-15db',
    kind: 'pink',
    voice: 'en-gb+m3',
    speed: 140,
    noise: { colour: 'pink', snrDb: 15 },
    parts: [{ say: 'Where did I park the car?' }],
  },
  {
    name: 'pink-20db',
    kind: 'pink',
    voice: 'en-us',
    speed: 180,
    noise: { colour: 'pink', snrDb: 20 },
    parts: [{ say: 'Add milk and eggs to the list.' }],
  },
  // Hesitation pauses of 300-700 ms inside a sentence: one turn each.
  {
    name: 'hes-300',
    kind: 'hesitation',
    voice: 'en-us',
    speed: 150,
    parts: [{ say: 'I think' }, { pause: 0.3 }, { say: 'we should leave now.' }],
  },
  {
    name: 'hes-400-700',
    kind: 'hesitation',
    voice: 'en-gb+f3',
    speed: 160,
    parts: [{ say: 'Book a table' }, { pause: 0.4 }, { say: 'for two people' }, { pause: 0.7 }, { say: 'tonight.' }],
  },
  {
    name: 'hes-500',
    kind: 'hesitation',
    voice: 'en-us+m3',
    speed: 150,
    parts: [{ say: 'Well,' }, { pause: 0.5 }, { say: 'maybe tomorrow is better.' }],
  },
  {
    name: 'hes-600',
    kind: 'hesitation',
    voice: 'en-us+f2',
    speed: 170,
    parts: [{ say: 'Call' }, { pause: 0.6 }, { say: 'my mother, please.' }],
  },
  {
    name: 'hes-350-white',
    kind: 'hesitation',
    voice: 'en-gb',
    speed: 150,
    noise: { colour: 'white', snrDb: 20 },
    parts: [{ say: 'The number is' }, { pause: 0.35 }, { say: 'four five six.' }],
  },
  // Not speech: clicks, noise bursts, knocks. No turn may start on them.
  {
    name: 'clicks',
    kind: 'nonspeech',
    seconds: 3.2,
    extras: [0.5, 0.9, 1.2, 1.75, 2.1, 2.6].map((at, i) => ({ at, kind: 'click', ms: 1 + (i % 3), db: -3 - 2 * i })),
  },
  {
    name: 'bursts',
    kind: 'nonspeech',
    seconds: 3.2,
    extras: [
      { at: 0.5, kind: 'burst', ms: 60, db: -12, colour: 'white' },
      { at: 1.1, kind: 'burst', ms: 120, db: -15, colour: 'pink' },
      { at: 1.8, kind: 'burst', ms: 200, db: -18, colour: 'white' },
      { at: 2.5, kind: 'burst', ms: 90, db: -10, colour: 'pink' },
    ],
  },
  {
    name: 'knocks-clicks',
    kind: 'nonspeech',
    seconds: 3.0,
    extras: [
      { at: 0.4, kind: 'knock', ms: 40, db: -6 },
      { at: 0.65, kind: 'knock', ms: 40, db: -8 },
      { at: 0.9, kind: 'knock', ms: 40, db: -7 },
      { at: 1.6, kind: 'click', ms: 2, db: -2 },
      { at: 2.0, kind: 'burst', ms: 150, db: -14, colour: 'pink' },
      { at: 2.4, kind: 'click', ms: 1, db: -1 },
    ],
  },
  {
    name: 'clicks-then-speech',
    kind: 'nonspeech',
    voice: 'en-us+m3',
    speed: 160,
    lead: 1.4,
    parts: [{ say: 'Yes, that is right.' }],
    extras: [
      { at: 0.3, kind: 'click', ms: 2, db: -3 },
      { at: 0.7, kind: 'burst', ms: 80, db: -14, colour: 'white' },
      { at: 1.1, kind: 'click', ms: 1, db: -2 },
    ],
  },
  // Real speech (people, not a synthesiser).
  { name: 'real-arctic', kind: 'real', real: 'arctic_a0024.wav' },
  { name: 'real-ls-f', kind: 'real', real: 'ls_4507-16021-0012.wav' },
  { name: 'real-ls-m', kind: 'real', real: 'ls_61-70968-0002.wav' },
  { name: 'real-lj', kind: 'real', real: 'lj001-0002.wav' },
  { name: 'real-cards', kind: 'real', real: 'cards_001.wav' },
];
