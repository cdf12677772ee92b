// The recipe of the turn-taking fixtures (scripts/turn-fixtures.mjs): which real recordings are used and
// how they are joined, and the synthetic turns with pauses INSIDE a sentence (espeak-ng SSML breaks, so the
// words before a break keep the prosody of an unfinished sentence). Plain data.

/** Sample rate of every turn fixture (what the VAD and the turn models take). */
export const TURN_FIXTURE_RATE = 16_000;
/** Seconds before the turn and after it (the dead air of every detector must fit in the tail). */
export const TURN_LEAD_S = 0.5;
export const TURN_TRAIL_S = 3.5;

/**
 * Real recordings of one speaker joined into one intended turn with an ordinary pause between them (ms).
 * Files are in ../shared/audio (see its README.md and manifest.json for licences and transcripts).
 */
export const REAL_JOINS = [
  { name: 'cards', files: ['cards_001.wav', 'cards_005.wav'], pausesMs: [450] },
  { name: 'ss', files: ['ss_0870.wav', 'ss_0890.wav', 'ss_0930.wav'], pausesMs: [300, 600] },
  { name: 'lj', files: ['lj001-0002.wav', 'lj001-0004.wav', 'lj001-0006.wav'], pausesMs: [250, 650] },
  {
    name: 'hifi6097',
    files: ['hifi6097_nada_lily_0523.wav', 'hifi6097_hartmann_0088.wav', 'hifi6097_astralplane_0639.wav'],
    pausesMs: [550, 350],
  },
];

/**
 * Real recordings cut at their longest natural internal pause (mid-sentence) and put back together with
 * the pause widened to an ordinary hesitation (ms): the words before it keep their real, unfinished prosody.
 */
export const REAL_STRETCH_MS = [300, 450, 600, 700, 400, 550, 350, 650];

/** Mid-sentence pauses as SSML breaks: one utterance per sentence, never fragments synthesised apart. */
export const SYNTH_SENTENCES = [
  'Could you book a table for two <break time="600ms"/> at seven tonight, because I need to leave by <break time="500ms"/> half past eight.',
  'I would like to change my flight to <break time="700ms"/> the one on Friday morning.',
  'The thing I really wanted to ask about is <break time="800ms"/> whether the store is open on Sunday.',
  'Send a message to <break time="400ms"/> my sister saying that I will be <break time="600ms"/> about ten minutes late.',
  'What is the weather going to be like in <break time="500ms"/> Boston this weekend?',
  'Can you remind me to call the dentist and <break time="650ms"/> pick up the dry cleaning tomorrow?',
  'My account number is four five two <break time="700ms"/> nine one eight.',
  'I was thinking that maybe we could <break time="450ms"/> go to the beach instead of the museum.',
];

/** espeak-ng voices and speeds (words per minute); sentence i uses combos i and i+1 (mod length). */
export const SYNTH_VOICES = [
  { voice: 'en-us', speed: 165 },
  { voice: 'en-gb+f3', speed: 150 },
  { voice: 'en-us+m3', speed: 185 },
  { voice: 'en-gb-x-rp+f4', speed: 175 },
];

/** Variants of every synthetic turn: clean (a -60 dBFS floor), pink noise at 15 dB SNR, clicks. */
export const SYNTH_VARIANTS = ['clean', 'noise', 'clicks'];
