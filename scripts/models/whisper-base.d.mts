export declare const WHISPER_BASE_VERSION: string;
export declare const WHISPER_BASE_FILES: Readonly<{
  encoder: string;
  decoder: string;
  encoderInt8: string;
  decoderInt8: string;
  tokenizer: string;
  config: string;
}>;
export declare class ModelSetupError extends Error {
  name: 'ModelSetupError';
}
export declare function whisperBaseDir(): string;
export declare function whisperBaseReady(dir?: string): boolean;
export declare function ensureWhisperBase(options?: { quiet?: boolean }): Promise<string>;
