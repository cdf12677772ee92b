"""Smart Turn v3.2 parity reference: Pipecat's own Python code on raw float32 clips.

Usage: smart-turn-parity.py MODEL.onnx WHEEL.whl LIST.txt
LIST.txt names one raw little-endian float32 file (16 kHz mono) per line. Prints one JSON array of end-of-turn
probabilities, in order, as its last line.

The features come from the wheel's own `_whisper_features.py` (loaded straight from the wheel, so no copy of
it lives here); the 8 s truncation / zero-padding at the start and the session options are those of
`LocalSmartTurnAnalyzerV3._predict_endpoint` (pipecat-ai 1.14.0, local_smart_turn_v3.py), repeated below
because that module imports pipecat's logging and resampling stack.
"""

import json
import sys
import types
import zipfile

import numpy as np
import onnxruntime as ort

MODEL, WHEEL, LIST = sys.argv[1], sys.argv[2], sys.argv[3]
SOURCE = "pipecat/audio/turn/smart_turn/_whisper_features.py"

features = types.ModuleType("_whisper_features")
exec(compile(zipfile.ZipFile(WHEEL).read(SOURCE).decode("utf-8"), SOURCE, "exec"), features.__dict__)

so = ort.SessionOptions()
so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
so.inter_op_num_threads = 1
so.intra_op_num_threads = 1
so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
session = ort.InferenceSession(MODEL, sess_options=so)


def truncate_audio_to_last_n_seconds(audio_array, n_seconds=8, sample_rate=16000):
    max_samples = n_seconds * sample_rate
    if len(audio_array) > max_samples:
        return audio_array[-max_samples:]
    elif len(audio_array) < max_samples:
        padding = max_samples - len(audio_array)
        return np.pad(audio_array, (padding, 0), mode="constant", constant_values=0)
    return audio_array


probs = []
with open(LIST) as f:
    for path in [p for p in f.read().split("\n") if p]:
        audio = np.fromfile(path, dtype="<f4")
        audio = truncate_audio_to_last_n_seconds(audio, n_seconds=8)
        log_mel = features.compute_whisper_log_mel_features(audio, do_normalize=True)
        outputs = session.run(None, {"input_features": np.expand_dims(log_mel, axis=0)})
        probs.append(float(outputs[0][0].item()))
print(json.dumps(probs))
