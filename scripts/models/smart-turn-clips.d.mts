export interface ClipSpec {
  name: string;
  parts: readonly unknown[];
}
export declare function sharedAudioDir(): string;
export declare function buildClip(spec: ClipSpec): Float32Array;
export declare function midTurnPauseSpec(pauseMs: number): ClipSpec & { firstEnd: number; secondStart: number };
export declare function parityClipSpecs(): ClipSpec[];
