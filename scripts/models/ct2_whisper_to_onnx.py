"""Convert a CTranslate2 Whisper model.bin into ONNX graphs for onnxruntime (node and web).

Usage: python ct2_whisper_to_onnx.py MODEL_BIN OUT_DIR        (needs numpy and onnx only; no torch)

Writes, in opset 17 with standard ops only (no com.microsoft ops):
  encoder.onnx  mel [1,80,3000] f32 -> cross_k [L,H,64,1500], cross_v [L,H,1500,64]
                The encoder output projected once per 30 s window to every decoder layer's cross-attention
                keys (already transposed for q.k) and values, split per head.
  decoder.onnx  tokens [1,T] int64, cross_k, cross_v -> logits [1,V] of the last position only.
                No self-attention cache: the T tokens (prompt + text so far, T <= 448) are recomputed each step.
  encoder.int8.onnx, decoder.int8.onnx
                The same graphs with every linear layer and the (tied) token embedding in int8, one scale per
                output channel, activations quantised per call: DynamicQuantizeLinear -> MatMulInteger -> Cast
                -> Mul, the pattern onnxruntime's quantize_dynamic writes and fuses into DynamicQuantizeMatMul.
In the fp32 graphs the weights stay float16, as in model.bin, behind a Cast that onnxruntime folds at load:
the arithmetic is float32.

Where the format knowledge comes from:
  - model.bin layout: CTranslate2 src/models/model.cc (binary version 6): u32 version, string spec name, u32
    revision, u32 count, then per variable a string name, u8 rank, u32 dims, u8 dtype, u32 byte count, data;
    then u32 alias count and (alias, target) string pairs. Strings are u16 length + NUL-terminated bytes.
  - Variable names: CTranslate2 python/ctranslate2/specs/{whisper_spec,transformer_spec,attention_spec}.py.
    Self-attention linear_0 holds q,k,v stacked; cross-attention linear_0 is q and linear_1 holds k,v stacked.
  - The network: openai/whisper whisper/model.py (conv stem with GELU, pre-LayerNorm blocks, exact GELU,
    q.k scaled by 1/sqrt(head size), causal decoder, output projection tied to the token embedding).
"""

import os
import struct
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

CT2_DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}


def read_ct2(path):
    """All variables of a CTranslate2 model.bin by name (aliases resolved)."""
    with open(path, "rb") as f:
        def num(fmt):
            return struct.unpack("<" + fmt, f.read(struct.calcsize("<" + fmt)))

        def text():
            (n,) = num("H")
            return f.read(n).rstrip(b"\0").decode()

        version = num("I")[0]
        if version != 6:
            raise ValueError(f"{path}: CTranslate2 binary version {version}, expected 6")
        spec, _revision, (count,) = text(), num("I"), num("I")
        if spec != "WhisperSpec":
            raise ValueError(f"{path}: spec {spec}, expected WhisperSpec")
        v = {}
        for _ in range(count):
            name = text()
            (rank,) = num("B")
            dims = num("I" * rank) if rank else ()
            (dtype,), (size,) = num("B"), num("I")
            v[name] = np.frombuffer(f.read(size), CT2_DTYPES[dtype]).reshape(dims)
        (aliases,) = num("I")
        for _ in range(aliases):
            alias, target = text(), text()
            v[alias] = v[target]
    return v


class Graph:
    """An ONNX graph under construction over the model's variables; int8=True quantises linear layers."""

    def __init__(self, v, int8):
        self.v, self.int8 = v, int8
        self.nodes, self.inits, self.cache, self.n = [], [], {}, 0
        self.d = v["encoder/conv1/weight"].shape[0]
        self.heads = int(v["encoder/num_heads"])
        self.hd = self.d // self.heads

    def op(self, kind, inputs, outputs=1, **attrs):
        self.n += 1
        names = [f"{kind}_{self.n}_{i}" for i in range(outputs)]
        self.nodes.append(helper.make_node(kind, inputs, names, **attrs))
        return names[0] if outputs == 1 else names

    def const(self, value, dtype=np.int64):
        self.n += 1
        name = f"const_{self.n}"
        self.inits.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
        return name

    def init(self, name, array):
        if name not in self.cache:
            self.inits.append(numpy_helper.from_array(array, name))
            self.cache[name] = name
        return self.cache[name]

    def w(self, name):
        """A weight as float32: the float16 initializer behind a Cast."""
        if name not in self.cache:
            f16 = self.init(name + ".f16", self.v[name].astype(np.float16))
            self.cache[name] = self.op("Cast", [f16], to=TensorProto.FLOAT)
        return self.cache[name]

    def int8_rows(self, name):
        """Per-row symmetric int8 of a [out, in] weight: (int8 [out,in], scales [out], zero points [out])."""
        key = name + ".q"
        if key not in self.cache:
            w = self.v[name].astype(np.float32)
            scale = np.maximum(np.abs(w).max(axis=1), 1e-8) / 127
            q = np.clip(np.round(w / scale[:, None]), -127, 127).astype(np.int8)
            self.cache[key] = (self.init(key, q), self.init(name + ".scale", scale.astype(np.float32)),
                               self.init(name + ".zp", np.zeros(len(scale), np.int8)))
        return self.cache[key]

    def matmul_wt(self, x, name):
        """x @ W^T for a [out, in] weight."""
        if not self.int8:
            return self.op("MatMul", [x, self.op("Transpose", [self.w(name)], perm=[1, 0])])
        q, scale, zp = self.int8_rows(name)
        xq, xs, xz = self.op("DynamicQuantizeLinear", [x], outputs=3)
        y = self.op("MatMulInteger", [xq, self.op("Transpose", [q], perm=[1, 0]), xz, zp])
        return self.op("Mul", [self.op("Cast", [y], to=TensorProto.FLOAT), self.op("Mul", [xs, scale])])

    def linear(self, x, p):
        y = self.matmul_wt(x, p + "/weight")
        return self.op("Add", [y, self.w(p + "/bias")]) if p + "/bias" in self.v else y

    def embed(self, tokens, name):
        if not self.int8:
            return self.op("Gather", [self.w(name), tokens], axis=0)
        q, scale, _ = self.int8_rows(name)
        rows = self.op("Cast", [self.op("Gather", [q, tokens], axis=0)], to=TensorProto.FLOAT)
        return self.op("Mul", [rows, self.op("Unsqueeze", [self.op("Gather", [scale, tokens], axis=0),
                                                           self.const([-1])])])

    def norm(self, x, p):
        return self.op("LayerNormalization", [x, self.w(p + "/gamma"), self.w(p + "/beta")], axis=-1, epsilon=1e-5)

    def gelu(self, x):
        erf = self.op("Erf", [self.op("Div", [x, self.const(np.sqrt(2.0), np.float32)])])
        return self.op("Mul", [self.op("Mul", [x, self.op("Add", [erf, self.const(1.0, np.float32)])]),
                               self.const(0.5, np.float32)])

    def split(self, x, parts):
        d = self.d
        return [self.op("Slice", [x, self.const([i * d]), self.const([(i + 1) * d]), self.const([-1])])
                for i in range(parts)]

    def heads_of(self, x, perm):
        """[1,T,d] -> [1,H,T,hd] (perm 0,2,1,3) or [1,H,hd,T] (perm 0,2,3,1)."""
        return self.op("Transpose", [self.op("Reshape", [x, self.const([1, -1, self.heads, self.hd])])], perm=perm)

    def attend(self, q, k_t, v, mask=None):
        """q [1,T,d] against keys [.,H,hd,S] and values [.,H,S,hd] -> [1,T,d]."""
        q = self.heads_of(q, [0, 2, 1, 3])
        scores = self.op("Mul", [self.op("MatMul", [q, k_t]), self.const(self.hd ** -0.5, np.float32)])
        if mask is not None:
            scores = self.op("Add", [scores, mask])
        out = self.op("MatMul", [self.op("Softmax", [scores], axis=-1), v])
        return self.op("Reshape", [self.op("Transpose", [out], perm=[0, 2, 1, 3]), self.const([1, -1, self.d])])

    def ffn(self, x, p):
        y = self.gelu(self.linear(self.norm(x, p + "/layer_norm"), p + "/linear_0"))
        return self.op("Add", [x, self.linear(y, p + "/linear_1")])

    def self_attention(self, x, p, mask=None):
        q, k, v = self.split(self.linear(self.norm(x, p + "/layer_norm"), p + "/linear_0"), 3)
        y = self.attend(q, self.heads_of(k, [0, 2, 3, 1]), self.heads_of(v, [0, 2, 1, 3]), mask)
        return self.op("Add", [x, self.linear(y, p + "/linear_1")])

    def save(self, inputs, outputs, path):
        graph = helper.make_graph(self.nodes, os.path.basename(path), inputs, outputs, self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                                  producer_name="sotto ct2_whisper_to_onnx")
        model.ir_version = 8
        onnx.checker.check_model(model)
        onnx.save(model, path)


def layers(v, part):
    return sum(1 for name in v if name.startswith(f"{part}/layer_") and name.endswith("/ffn/linear_0/weight"))


def encoder(v, path, int8):
    g = Graph(v, int8)
    x = g.gelu(g.op("Conv", ["mel", g.w("encoder/conv1/weight"), g.w("encoder/conv1/bias")], pads=[1, 1]))
    x = g.gelu(g.op("Conv", [x, g.w("encoder/conv2/weight"), g.w("encoder/conv2/bias")], pads=[1, 1], strides=[2]))
    x = g.op("Add", [g.op("Transpose", [x], perm=[0, 2, 1]), g.w("encoder/position_encodings/encodings")])
    for i in range(layers(v, "encoder")):
        x = g.ffn(g.self_attention(x, f"encoder/layer_{i}/self_attention"), f"encoder/layer_{i}/ffn")
    x = g.norm(x, "encoder/layer_norm")
    ks, vs = [], []
    for i in range(layers(v, "decoder")):
        k, val = g.split(g.linear(x, f"decoder/layer_{i}/attention/linear_1"), 2)
        ks.append(g.heads_of(k, [0, 2, 3, 1]))
        vs.append(g.heads_of(val, [0, 2, 1, 3]))
    g.nodes.append(helper.make_node("Concat", ks, ["cross_k"], axis=0))
    g.nodes.append(helper.make_node("Concat", vs, ["cross_v"], axis=0))
    n, h, hd = layers(v, "decoder"), g.heads, g.hd
    g.save([helper.make_tensor_value_info("mel", TensorProto.FLOAT, [1, 80, 3000])],
           [helper.make_tensor_value_info("cross_k", TensorProto.FLOAT, [n, h, hd, 1500]),
            helper.make_tensor_value_info("cross_v", TensorProto.FLOAT, [n, h, 1500, hd])], path)


def decoder(v, path, int8):
    g = Graph(v, int8)
    n, h, hd = layers(v, "decoder"), g.heads, g.hd
    ctx = v["decoder/position_encodings/encodings"].shape[0]
    t = g.op("Unsqueeze", [g.op("Gather", [g.op("Shape", ["tokens"]), g.const(1)], axis=0), g.const([0])])
    pos = g.op("Slice", [g.w("decoder/position_encodings/encodings"), g.const([0]), t, g.const([0])])
    x = g.op("Add", [g.embed("tokens", "decoder/embeddings/weight"), pos])
    causal = np.triu(np.full((ctx, ctx), -1e9, np.float32), 1)
    mask = g.op("Slice", [g.const(causal, np.float32), g.const([0, 0]), g.op("Concat", [t, t], axis=0),
                          g.const([0, 1])])
    for i in range(n):
        p = f"decoder/layer_{i}"
        x = g.self_attention(x, p + "/self_attention", mask)
        q = g.linear(g.norm(x, p + "/attention/layer_norm"), p + "/attention/linear_0")
        k_t = g.op("Gather", ["cross_k", g.const(i)], axis=0)
        val = g.op("Gather", ["cross_v", g.const(i)], axis=0)
        x = g.op("Add", [x, g.linear(g.attend(q, k_t, val), p + "/attention/linear_2")])
        x = g.ffn(x, p + "/ffn")
    last = g.op("Gather", [x, g.const(-1)], axis=1)
    logits = g.matmul_wt(g.norm(last, "decoder/layer_norm"), "decoder/embeddings/weight")
    g.nodes.append(helper.make_node("Identity", [logits], ["logits"]))
    vocab = v["decoder/embeddings/weight"].shape[0]
    g.save([helper.make_tensor_value_info("tokens", TensorProto.INT64, [1, "T"]),
            helper.make_tensor_value_info("cross_k", TensorProto.FLOAT, [n, h, hd, 1500]),
            helper.make_tensor_value_info("cross_v", TensorProto.FLOAT, [n, h, 1500, hd])],
           [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, vocab])], path)


def main(argv):
    if len(argv) != 3:
        sys.exit(f"usage: {argv[0]} MODEL_BIN OUT_DIR")
    v = read_ct2(argv[1])
    os.makedirs(argv[2], exist_ok=True)
    for int8, suffix in ((False, ""), (True, ".int8")):
        encoder(v, os.path.join(argv[2], f"encoder{suffix}.onnx"), int8)
        decoder(v, os.path.join(argv[2], f"decoder{suffix}.onnx"), int8)
    print("ok")


if __name__ == "__main__":
    main(sys.argv)
