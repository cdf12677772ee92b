/** Shape of `.fixtures/vad/manifest.json`, written by `scripts/vad-fixtures.mjs`; sample ranges at `rate`. */
export interface Range {
  startSample: number;
  endSample: number;
}

export interface FixtureEntry {
  name: string;
  file: string;
  kind: string;
  samples: number;
  speech: Range[];
  turns: (Range & { pauses: Range[] })[];
  nonSpeech: (Range & { kind: string })[];
}

export interface FixtureManifest {
  rate: number;
  fixtures: FixtureEntry[];
}
