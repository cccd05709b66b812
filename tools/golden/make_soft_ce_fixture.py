#!/usr/bin/env python3
"""Writes packages/nn/fixtures/soft-cross-entropy.golden.json: cross-entropy with probability targets.

Run with Debian's PyTorch (python3-torch, 1.13): /usr/bin/python3 tools/golden/make_soft_ce_fixture.py
Cases (same record format as make_fixtures.py: inputs, cotangent w, outputs, gradients of sum(out * w)
with respect to the logits and the targets):
- F.cross_entropy with [B, C] probability targets, reductions mean and none, and label_smoothing=0.1
  (torch 1.13 smooths probability targets as (1 - eps) * t + eps / C);
- timm's SoftTargetCrossEntropy, sum(-t * log_softmax(x, -1), -1).mean(), on Mixup targets written
  out as timm's mixup_target (smoothed one-hots of y and y.flip(0), weights lam and 1 - lam), with
  logits up to +-60 so the log-softmax must be the stable one.
CI never runs this script: the fixture is committed.
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import ROOT, case  # noqa: E402  (the shared record format)

torch.manual_seed(13)
torch.set_num_threads(1)


def mixup_target(y, num_classes, lam, smoothing):
    """timm.data.mixup.mixup_target, written out: lam * smooth(onehot(y)) + (1 - lam) * smooth(onehot(y.flip(0)))."""
    off = smoothing / num_classes
    on = 1.0 - smoothing + off
    y1 = torch.full((len(y), num_classes), off).scatter_(1, y.view(-1, 1), on)
    y2 = torch.full((len(y), num_classes), off).scatter_(1, y.flip(0).view(-1, 1), on)
    return y1 * lam + y2 * (1.0 - lam)


def cases():
    r = torch.randn
    probs = F.softmax(r(6, 5) * 2, -1)
    c = {
        "prob_targets_mean": case(lambda logits, target: F.cross_entropy(logits, target), {"logits": r(6, 5) * 2, "target": probs},
                                  {"reduction": "mean", "labelSmoothing": 0}),
        "prob_targets_none": case(lambda logits, target: F.cross_entropy(logits, target, reduction="none"),
                                  {"logits": r(6, 5) * 2, "target": probs}, {"reduction": "none", "labelSmoothing": 0}),
        "prob_targets_smoothing": case(lambda logits, target: F.cross_entropy(logits, target, label_smoothing=0.1),
                                       {"logits": r(6, 5) * 2, "target": probs}, {"reduction": "mean", "labelSmoothing": 0.1}),
    }
    y = torch.tensor([0, 3, 3, 1, 2, 4, 0, 1])
    logits = r(8, 5) * 3
    logits[0, 0], logits[5, 2] = 60.0, -60.0
    c["timm_soft_target_ce"] = case(lambda logits, target: torch.sum(-target * F.log_softmax(logits, dim=-1), dim=-1).mean(),
                                    {"logits": logits, "target": mixup_target(y, 5, 0.7, 0.1)},
                                    {"reduction": "mean", "labelSmoothing": 0})
    return c


if __name__ == "__main__":
    path = "packages/nn/fixtures/soft-cross-entropy.golden.json"
    payload = {"@generated": "by tools/golden/make_soft_ce_fixture.py — do not edit", "torch": torch.__version__, "cases": cases()}
    full = os.path.join(ROOT, path)
    with open(full + ".tmp", "w") as f:
        json.dump(payload, f, separators=(",", ":"))
    os.replace(full + ".tmp", full)
    print(f"wrote {path} ({os.path.getsize(full)} bytes)", file=sys.stderr)
