/** Error codes of {@link WhisperError}. */
export type WhisperErrorCode =
  /** tokenizer.json is not a Whisper byte-level BPE tokenizer (bad JSON, no vocab, a special token missing). */
  | 'invalid_tokenizer'
  /** The CTranslate2 config.json is not JSON or its token lists are not arrays of integers. */
  | 'invalid_config'
  /** An ONNX file is not the encoder/decoder pair `scripts/models/ct2_whisper_to_onnx.py` writes. */
  | 'invalid_model'
  /** A model run returned no tensor, or one of the wrong size. */
  | 'model_output';

/** What {@link WhisperAsr} and its tokenizer throw (apart from `RangeError` for audio longer than 30 s). */
export class WhisperError extends Error {
  override readonly name = 'WhisperError';
  readonly code: WhisperErrorCode;

  constructor(code: WhisperErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
