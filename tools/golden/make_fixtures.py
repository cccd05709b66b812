#!/usr/bin/env python3
"""Writes the golden parity fixtures of @crossmodal/tensor and @crossmodal/nn from PyTorch.

Run with Debian's PyTorch (python3-torch, 1.13): /usr/bin/python3 tools/golden/make_fixtures.py
It writes packages/tensor/fixtures/ops.golden.json and packages/nn/fixtures/mha.golden.json.
Each case stores its inputs, a fixed random cotangent `w`, the outputs, and the gradients of
sum(output * w) with respect to every float input, all as float32 values printed exactly.
CI never runs this script: the fixtures are committed.
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
torch.manual_seed(0)
torch.set_num_threads(1)


def enc(t):
    t = t.detach()
    return {"shape": list(t.shape), "dtype": "int32" if not t.is_floating_point() else "float32",
            "data": [int(v) for v in t.reshape(-1).tolist()] if not t.is_floating_point()
            else [float(v) for v in t.float().reshape(-1).tolist()]}


def case(fn, inputs, attrs=None, int_inputs=None, nograd=()):
    """Runs fn(**inputs) and records the output(s) and gradients of sum(out * w)."""
    leaves = {k: v.clone().requires_grad_(k not in nograd) for k, v in inputs.items()}
    args = dict(leaves)
    args.update(int_inputs or {})
    out = fn(**args)
    outs = out if isinstance(out, dict) else {"out": out}
    main = outs["out"]
    w = torch.rand(main.shape) * 2 - 1
    (main * w).sum().backward()
    rec = {"inputs": {k: enc(v) for k, v in inputs.items()}, "w": enc(w),
           "outputs": {k: enc(v) for k, v in outs.items()},
           "grads": {k: enc(v.grad) for k, v in leaves.items() if v.grad is not None}}
    if int_inputs:
        rec["intInputs"] = {k: enc(v) for k, v in int_inputs.items()}
    if attrs:
        rec["attrs"] = attrs
    return rec


def ops_cases():
    r = torch.randn
    c = {}
    c["matmul_batched_broadcast"] = case(lambda a, b: a @ b, {"a": r(2, 3, 4), "b": r(4, 5)})
    c["matmul_transB"] = case(lambda a, b: a @ b.transpose(-1, -2), {"a": r(2, 3, 4), "b": r(2, 5, 4)}, {"transB": True})
    big = r(3, 5) * 4
    big[0, 0] = 80.0
    c["softmax"] = case(lambda x: F.softmax(x, -1), {"x": big})
    c["log_softmax"] = case(lambda x: F.log_softmax(x, -1), {"x": big})
    c["layer_norm"] = case(lambda x, weight, bias: F.layer_norm(x, (8,), weight, bias, 1e-5),
                           {"x": r(2, 3, 8) * 3 + 1, "weight": r(8), "bias": r(8)}, {"eps": 1e-5})
    c["gelu"] = case(lambda x: F.gelu(x), {"x": r(4, 6) * 2})
    c["gelu_tanh"] = case(lambda x: F.gelu(x, approximate="tanh"), {"x": r(4, 6) * 2})
    c["tanh_sigmoid_exp"] = case(lambda x: torch.tanh(x) * torch.sigmoid(x) + torch.exp(x * 0.5), {"x": r(3, 4)})
    c["div_sqrt_log"] = case(lambda a, b: a / torch.sqrt(b.abs() + 0.5) + torch.log(b.abs() + 1), {"a": r(3, 4), "b": r(4)})
    c["reductions"] = case(lambda x: x.sum(1, keepdim=True) * x.mean(0) + x.amax(-1, keepdim=True), {"x": r(3, 4)})
    target = torch.tensor([0, 3, -100, 2, 4, 1])
    c["cross_entropy"] = case(lambda logits, target: F.cross_entropy(logits, target, ignore_index=-100, label_smoothing=0.1),
                              {"logits": r(6, 5) * 2}, {"ignoreIndex": -100, "labelSmoothing": 0.1}, {"target": target})
    c["bce_with_logits"] = case(lambda logits, target, pos_weight: F.binary_cross_entropy_with_logits(logits, target, pos_weight=pos_weight),
                                {"logits": r(4, 3) * 3, "target": torch.rand(4, 3), "pos_weight": torch.rand(3) + 0.5},
                                nograd=("pos_weight",))
    # Attention with a key-padding mask, written out as the composite (PyTorch 1.13 has no fused sdpa).
    q, k, v = r(2, 2, 4, 8), r(2, 2, 6, 8), r(2, 2, 6, 8)
    keep = torch.ones(2, 6, dtype=torch.int32)
    keep[1, 4:] = 0

    def attention(q, k, v, mask):
        s = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
        s = s.masked_fill(mask[:, None, None, :] == 0, float("-inf"))
        p = F.softmax(s, -1)
        return {"out": p @ v, "probs": p}
    c["attention_key_padding"] = case(attention, {"q": q, "k": k, "v": v}, None, {"mask": keep})
    return c


def mha_case():
    torch.manual_seed(1)
    mha = torch.nn.MultiheadAttention(embed_dim=16, num_heads=4, batch_first=True)
    x = torch.randn(2, 5, 16, requires_grad=True)
    pad = torch.zeros(2, 5, dtype=torch.bool)
    pad[1, 3:] = True  # True = padding in torch's key_padding_mask
    out, probs = mha(x, x, x, key_padding_mask=pad, need_weights=True, average_attn_weights=False)
    w = torch.rand(out.shape) * 2 - 1
    (out * w).sum().backward()
    return {
        "config": {"dim": 16, "heads": 4},
        "state": {k: enc(v) for k, v in mha.state_dict().items()},
        "x": enc(x), "keyPaddingMask": enc((~pad).int()), "w": enc(w),
        "out": enc(out), "probs": enc(probs),
        "grads": {"x": enc(x.grad), **{k: enc(p.grad) for k, p in mha.named_parameters()}},
    }


def write(path, payload):
    payload = {"@generated": "by tools/golden/make_fixtures.py — do not edit", "torch": torch.__version__, **payload}
    full = os.path.join(ROOT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    tmp = full + ".tmp"
    with open(tmp, "w") as f:
        json.dump(payload, f, separators=(",", ":"))
    os.replace(tmp, full)
    print(f"wrote {path} ({os.path.getsize(full)} bytes)", file=sys.stderr)


if __name__ == "__main__":
    write("packages/tensor/fixtures/ops.golden.json", {"cases": ops_cases()})
    write("packages/nn/fixtures/mha.golden.json", mha_case())
