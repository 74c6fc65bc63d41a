#!/usr/bin/env python3
"""Exports well-known architectures with random weights to ONNX, fuses them with onnxruntime's
transformers optimizer as users run them, and splits every fused graph into single-node models that
calibrate/measure.cc (wsest-measure) runs one by one. Runs on the GPU machine (its Python has torch,
transformers, onnx and onnxruntime); nothing is downloaded: every model is built from a config.

  python3 export_models.py --out DIR [--only bert,gpt2,...]   # DIR/<model>.onnx, DIR/split/, DIR/cases.tsv
  python3 export_models.py --strip DIR                        # weights -> external references, .data removed

Models (fixed shapes, so every split node is fully shaped):
  bert      BERT-base encoder, batch 4, sequence 128, fp16, optimizer model_type bert
  gpt2      GPT-2 small (12 layers), batch 1, sequence 256, fp16, model_type gpt2
  llama     Llama-style decoder with GQA (32 heads, 8 KV heads, 2 layers), batch 1, sequence 512, fp16
  vit       ViT-base/16, batch 8, 224x224, fp16, model_type vit
  whisper   Whisper-base encoder, batch 2, 3000 frames, fp16, model_type bert
  resnet50  torchvision ResNet-50, batch 8, fp32 (no fusion beyond the optimizer's basic passes)
  unet      a diffusion UNet block (ResNet block + self/cross-attention transformer), batch 2, 64x64 latents, fp16
Each model's cases.tsv lines: the whole model (ORT's node-stats CSV end to end), then one line per
distinct single-node model (same op, attributes, shapes and dtypes measured once).
"""
import argparse
import hashlib
import os
import sys
import traceback

import onnx
from onnx import helper, numpy_helper


def log(*a):
    print("export_models:", *a, flush=True)


# ---------------------------------------------------------------- models
def build(name):
    """Returns (torch module, example inputs tuple, input names, optimizer model_type or None, heads, hidden, fp16)."""
    import torch
    import transformers as tf

    torch.manual_seed(0)
    if name == "bert":
        m = tf.BertModel(tf.BertConfig())
        ids = torch.zeros(4, 128, dtype=torch.int64)
        return m, (ids, torch.ones(4, 128, dtype=torch.int64), torch.zeros(4, 128, dtype=torch.int64)), \
            ["input_ids", "attention_mask", "token_type_ids"], "bert", 12, 768, True
    if name == "gpt2":
        m = tf.GPT2Model(tf.GPT2Config(use_cache=False))
        return m, (torch.zeros(1, 256, dtype=torch.int64),), ["input_ids"], "gpt2", 12, 768, True
    if name == "llama":
        cfg = tf.LlamaConfig(hidden_size=4096, intermediate_size=11008, num_hidden_layers=2, num_attention_heads=32,
                             num_key_value_heads=8, vocab_size=32000, use_cache=False)
        m = tf.LlamaModel(cfg)
        return m, (torch.zeros(1, 512, dtype=torch.int64),), ["input_ids"], "gpt2", 32, 4096, True
    if name == "vit":
        m = tf.ViTModel(tf.ViTConfig())
        return m, (torch.zeros(8, 3, 224, 224),), ["pixel_values"], "vit", 12, 768, True
    if name == "whisper":
        m = tf.WhisperModel(tf.WhisperConfig.from_dict(dict(d_model=512, encoder_layers=6, encoder_attention_heads=8,
                                                             decoder_layers=1, decoder_attention_heads=8,
                                                             encoder_ffn_dim=2048, decoder_ffn_dim=2048))).encoder
        return m, (torch.zeros(2, 80, 3000),), ["input_features"], "bert", 8, 512, True
    if name == "resnet50":
        import torchvision
        return torchvision.models.resnet50(weights=None), (torch.zeros(8, 3, 224, 224),), ["x"], None, 0, 0, False
    if name == "unet":
        return UNetBlock(), (torch.zeros(2, 320, 64, 64), torch.zeros(2, 77, 768)), ["sample", "context"], "unet", \
            8, 320, True
    raise ValueError(name)


def UNetBlock():
    import torch
    from torch import nn

    class ResBlock(nn.Module):
        def __init__(self, c):
            super().__init__()
            self.n1, self.c1 = nn.GroupNorm(32, c), nn.Conv2d(c, c, 3, padding=1)
            self.n2, self.c2 = nn.GroupNorm(32, c), nn.Conv2d(c, c, 3, padding=1)

        def forward(self, x):
            h = self.c1(nn.functional.silu(self.n1(x)))
            return x + self.c2(nn.functional.silu(self.n2(h)))

    class Transformer(nn.Module):
        def __init__(self, c, ctx, heads):
            super().__init__()
            self.norm = nn.GroupNorm(32, c)
            self.proj_in, self.proj_out = nn.Linear(c, c), nn.Linear(c, c)
            self.ln1, self.ln2, self.ln3 = nn.LayerNorm(c), nn.LayerNorm(c), nn.LayerNorm(c)
            self.attn1 = nn.MultiheadAttention(c, heads, batch_first=True)
            self.attn2 = nn.MultiheadAttention(c, heads, kdim=ctx, vdim=ctx, batch_first=True)
            self.ff = nn.Sequential(nn.Linear(c, 4 * c), nn.GELU(), nn.Linear(4 * c, c))

        def forward(self, x, ctx):
            b, c, h, w = x.shape
            t = self.proj_in(self.norm(x).permute(0, 2, 3, 1).reshape(b, h * w, c))
            q = self.ln1(t)
            t = t + self.attn1(q, q, q, need_weights=False)[0]
            t = t + self.attn2(self.ln2(t), ctx, ctx, need_weights=False)[0]
            t = t + self.ff(self.ln3(t))
            return x + self.proj_out(t).reshape(b, h, w, c).permute(0, 3, 1, 2)

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.res, self.tr = ResBlock(320), Transformer(320, 768, 8)

        def forward(self, sample, context):
            return self.tr(self.res(sample), context)

    return Block()


def export(name, out_dir):
    import torch

    model, args, input_names, model_type, heads, hidden, fp16 = build(name)
    model.eval()
    raw = os.path.join(out_dir, f"{name}.raw.onnx")
    with torch.no_grad():
        try:
            torch.onnx.export(model, args, raw, input_names=input_names, opset_version=17, dynamo=False,
                              external_data=True)
        except TypeError:
            torch.onnx.export(model, args, raw, input_names=input_names, opset_version=17)
    path = os.path.join(out_dir, f"{name}.onnx")
    if model_type:
        from onnxruntime.transformers import optimizer
        opt = optimizer.optimize_model(raw, model_type=model_type, num_heads=heads, hidden_size=hidden,
                                       opt_level=0, use_gpu=True)
        if fp16:
            opt.convert_float_to_float16(keep_io_types=True)
        opt.save_model_to_file(path, use_external_data_format=True)
        log(name, "fused:", opt.get_fused_operator_statistics())
    else:
        m = onnx.load(raw)
        onnx.save(m, path, save_as_external_data=True, location=f"{name}.onnx.data")
    shapes = {n: list(a.shape) for n, a in zip(input_names, args)}
    return path, shapes


# ---------------------------------------------------------------- splitting
def infer(model):
    from onnxruntime.tools.symbolic_shape_infer import SymbolicShapeInference
    return SymbolicShapeInference.infer_shapes(model, auto_merge=True, guess_output_rank=True)


def shaped(vi):
    t = vi.type.tensor_type
    return t.HasField("shape") and all(d.HasField("dim_value") for d in t.shape.dim)


def split(path, shapes, out_dir, tsv):
    """One single-node model per distinct node, beside `path` so external weights resolve."""
    name = os.path.splitext(os.path.basename(path))[0]
    model = infer(onnx.load(path))
    g = model.graph
    values = {v.name: v for v in list(g.input) + list(g.output) + list(g.value_info)}
    inits = {i.name: i for i in g.initializer}
    consts = {}
    for n in g.node:
        if n.op_type == "Constant" and n.attribute:
            consts[n.output[0]] = numpy_helper.from_array(numpy_helper.to_array(n.attribute[0].t), n.output[0])
    spec = ";".join(f"{k}={','.join(map(str, v))}" for k, v in shapes.items())
    tsv.write(f"{name}\t{os.path.basename(path)}\t-\t-\t{spec}\n")
    seen, written = set(), 0
    for idx, node in enumerate(g.node):
        if node.op_type == "Constant":
            continue
        ins, weights, ok = [], [], True
        for i in node.input:
            if not i:
                continue
            if i in inits or i in consts:
                weights.append(inits.get(i) or consts[i])
            elif i in values and shaped(values[i]):
                ins.append(values[i])
            else:
                ok = False
        outs = [values[o] for o in node.output if o in values and shaped(values[o])]
        if not ok or len(outs) != len([o for o in node.output if o]):
            continue
        key = hashlib.sha1((node.op_type + node.domain + str([(v.name, v.type.SerializeToString()) for v in ins + outs])
                            + str([(w.name, tuple(w.dims), w.data_type) for w in weights])
                            + str([a.SerializeToString() for a in node.attribute])).encode()).hexdigest()
        sig = (node.op_type, node.domain, key)
        if sig in seen:
            continue
        seen.add(sig)
        n2 = onnx.NodeProto()
        n2.CopyFrom(node)
        if not n2.name:
            n2.name = f"{node.op_type}_{idx}"
        sub = helper.make_graph([n2], f"{name}_{idx}", ins, outs, initializer=weights)
        m = helper.make_model(sub, opset_imports=model.opset_import, ir_version=model.ir_version)
        file = f"{name}.n{idx:04d}.onnx"
        # Weights keep their external-data references (the same file, beside the split model).
        onnx.save(m, os.path.join(out_dir, file))
        ispec = ";".join(f"{v.name}={','.join(str(d.dim_value) for d in v.type.tensor_type.shape.dim)}" for v in ins)
        tsv.write(f"{name}/{n2.name}\t{file}\t-\t-\t{ispec or '-'}\n")
        written += 1
    log(name, f"{written} distinct single-node models of {len(g.node)} nodes")


def strip(dir_):
    """Graphs only: large initializers become references to a file that is not shipped."""
    for f in sorted(os.listdir(dir_)):
        if f.endswith(".raw.onnx"):
            os.remove(os.path.join(dir_, f))
            continue
        if not f.endswith(".onnx"):
            continue
        p = os.path.join(dir_, f)
        m = onnx.load(p, load_external_data=False)
        for t in m.graph.initializer:
            if t.HasField("raw_data") and len(t.raw_data) > 1024:
                n = len(t.raw_data)
                t.ClearField("raw_data")
                t.data_location = onnx.TensorProto.EXTERNAL
                del t.external_data[:]
                for k, v in (("location", "stripped.data"), ("offset", "0"), ("length", str(n))):
                    e = t.external_data.add()
                    e.key, e.value = k, v
        onnx.save(m, p)
    for f in os.listdir(dir_):
        if f.endswith(".data"):
            os.remove(os.path.join(dir_, f))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out")
    ap.add_argument("--strip")
    ap.add_argument("--only", default="bert,gpt2,llama,vit,whisper,resnet50,unet")
    a = ap.parse_args()
    if a.strip:
        strip(a.strip)
        return 0
    os.makedirs(a.out, exist_ok=True)
    failures = 0
    with open(os.path.join(a.out, "cases.tsv"), "w") as tsv:
        for name in a.only.split(","):
            try:
                path, shapes = export(name, a.out)
                split(path, shapes, a.out, tsv)
                tsv.flush()
            except Exception:
                failures += 1
                log(name, "FAILED")
                traceback.print_exc()
    return 1 if failures == len(a.only.split(",")) else 0


if __name__ == "__main__":
    sys.exit(main())
