#!/usr/bin/python3
"""PyTorch reference for the ViT Fashion-MNIST recipe (issue 7): the same model, data, augmentation,
optimizer and schedule as packages/cli/examples/vit-fashion-mnist*.yaml, so the two curves can be
laid side by side (`crossmodal curves` reads the JSONL this writes).

Model: timm-style pre-norm ViT (patch embedding as a linear layer over p×p patches, class token,
learned positions, LayerNorm eps 1e-6, GELU MLP, head on the class token or the patch-token mean),
timm's init (truncated N(0, 0.02²) linears and positions, zero biases) unless --init torch.
Data: Debian's dataset-fashion-mnist IDX files; --pad P random crop with zero padding P, --flip a
horizontal flip with p = 0.5, --erase P Random Erasing with probability P (torchvision's draws, uniform
[0, 1) pixels, before normalising, as crossmodal's `random-erasing` with value 'random'), then
per-dataset normalisation (mean 0.2860, std 0.3530); --mixup A / --cutmix A timm's batch-mode
Mixup/CutMix (switch p 0.5, label smoothing folded into the targets, soft-target cross-entropy);
--ema D an EMA of the weights (timm's ModelEmaV3 rule with warm-up), evaluated as ema/accuracy.
Optimizer: AdamW, linear warm-up over --warmup steps from 0, then cosine to --min-lr, per step.

Run with Debian's python3-torch:
  /usr/bin/python3 packages/bench/src/torch_vit_fmnist.py --epochs 2 --out runs/torch-vit/events.jsonl
On a CUDA machine: --device cuda (and --data DIR where the IDX files are elsewhere).
Long runs span sessions: each epoch ends by saving everything the next epoch needs (model, optimizer,
EMA, the generators' states, the step) to --state (default: torch-state.pt beside --out), atomically;
--resume goes on from it, appending to --out, and refuses a state made with other settings;
--stop-after S ends the run cleanly after the first epoch that finishes past S seconds of this process.
"""
import argparse
import gzip
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_bench import Block  # the bench's pre-norm block (same directory), with drop path

ROOT = "/usr/share/datasets/fashion-mnist"
MEAN, STD = 0.2860, 0.3530


def read_idx(path):
    """An IDX file, gzipped (magic 1f 8b) or raw."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def idx_file(root, name):
    for candidate in (f"{name}.gz", name):
        if os.path.exists(os.path.join(root, candidate)):
            return os.path.join(root, candidate)
    raise FileNotFoundError(f"--data {root}: no {name}.gz or {name}")


def load(root, split):
    prefix = "train" if split == "train" else "t10k"
    x = read_idx(idx_file(root, f"{prefix}-images-idx3-ubyte")).astype(np.float32) / 255.0
    y = read_idx(idx_file(root, f"{prefix}-labels-idx1-ubyte")).astype(np.int64)
    return torch.from_numpy(x).unsqueeze(1), torch.from_numpy(y)


def augment(x, pad, flip, gen):
    """Random crop with zero padding `pad` and a horizontal flip, per image (torchvision semantics)."""
    b, _, h, w = x.shape
    if pad > 0:
        padded = F.pad(x, (pad, pad, pad, pad))
        dy = torch.randint(0, 2 * pad + 1, (b,), generator=gen)
        dx = torch.randint(0, 2 * pad + 1, (b,), generator=gen)
        rows = (dy[:, None] + torch.arange(h)[None, :])  # [B, H]
        cols = (dx[:, None] + torch.arange(w)[None, :])  # [B, W]
        bi = torch.arange(b)[:, None, None]
        x = padded[bi, 0, rows[:, :, None], cols[:, None, :]].unsqueeze(1)
    if flip:
        mask = torch.rand(b, generator=gen) < 0.5
        x = torch.where(mask[:, None, None, None], x.flip(3), x)
    return x


def erase(x, p, gen):
    """torchvision's RandomErasing per image: scale (0.02, 0.33), ratio (0.3, 3.3), uniform [0, 1) values."""
    b, c, h, w = x.shape
    x = x.clone()
    lo, hi = math.log(0.3), math.log(3.3)
    for k in range(b):
        if torch.rand(1, generator=gen).item() >= p:
            continue
        for _ in range(10):
            area = h * w * (0.02 + 0.31 * torch.rand(1, generator=gen).item())
            aspect = math.exp(lo + (hi - lo) * torch.rand(1, generator=gen).item())
            eh, ew = round(math.sqrt(area * aspect)), round(math.sqrt(area / aspect))
            if eh < h and ew < w:
                i = int(torch.randint(0, h - eh + 1, (1,), generator=gen))
                j = int(torch.randint(0, w - ew + 1, (1,), generator=gen))
                x[k, :, i:i + eh, j:j + ew] = torch.rand(c, eh, ew, generator=gen)
                break
    return x


def mix(x, y, a, gen, classes=10):
    """timm's Mixup in batch mode: one λ per batch, partner = the batch reversed; returns soft targets."""
    off = a.smoothing / classes
    onehot = F.one_hot(y, classes).float() * (1 - a.smoothing) + off
    use_cutmix = a.cutmix > 0 and (a.mixup <= 0 or torch.rand(1, generator=gen).item() < 0.5)
    alpha = a.cutmix if use_cutmix else a.mixup
    lam = float(np.random.default_rng(int(torch.randint(0, 2**31, (1,), generator=gen))).beta(alpha, alpha))
    if use_cutmix:
        h, w = x.shape[2:]
        r = math.sqrt(1 - lam)
        ch, cw = int(h * r), int(w * r)
        cy, cx = int(torch.randint(0, h, (1,), generator=gen)), int(torch.randint(0, w, (1,), generator=gen))
        y0, y1 = max(cy - ch // 2, 0), min(cy + ch // 2, h)
        x0, x1 = max(cx - cw // 2, 0), min(cx + cw // 2, w)
        x = x.clone()
        x[:, :, y0:y1, x0:x1] = x.flip(0)[:, :, y0:y1, x0:x1]
        lam = 1 - (y1 - y0) * (x1 - x0) / (h * w)
    else:
        x = x * lam + x.flip(0) * (1 - lam)
    return x, onehot * lam + onehot.flip(0) * (1 - lam)


class Ema:
    """timm's ModelEmaV3 update: decay = min(D, 1 − (1 + step)^−3/4) with warm-up."""

    def __init__(self, model, decay):
        self.decay = decay
        self.shadow = {k: v.detach().clone() for k, v in model.state_dict().items()}

    @torch.no_grad()
    def update(self, model, step):
        d = min(self.decay, 1 - (1 + step) ** -0.75)
        for k, v in model.state_dict().items():
            self.shadow[k].mul_(d).add_(v.detach(), alpha=1 - d)


class Vit(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.p = a.patch
        tokens = (28 // a.patch) ** 2 + 1
        self.patch_embed = nn.Linear(a.patch * a.patch, a.dim)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, a.dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, tokens, a.dim))
        rates = [a.drop_path * i / max(1, a.depth - 1) for i in range(a.depth)]
        self.blocks = nn.ModuleList(Block(a.dim, a.heads, a.mlp, r) for r in rates)
        self.norm = nn.LayerNorm(a.dim, eps=1e-6)
        self.head = nn.Linear(a.dim, 10)
        self.pool = a.pool
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        nn.init.normal_(self.cls_token, std=1e-6)
        if a.init == "timm":
            for m in self.modules():
                if isinstance(m, nn.Linear):
                    nn.init.trunc_normal_(m.weight, std=0.02)
                    nn.init.zeros_(m.bias)

    def forward(self, x):
        b, p = x.shape[0], self.p
        g = 28 // p
        x = x.reshape(b, 1, g, p, g, p).permute(0, 2, 4, 1, 3, 5).reshape(b, g * g, p * p)
        x = torch.cat([self.cls_token.expand(b, -1, -1), self.patch_embed(x)], 1) + self.pos_embed
        for blk in self.blocks:
            x = blk(x)
        x = self.norm(x)
        return self.head(x[:, 0] if self.pool == "token" else x[:, 1:].mean(1))


@torch.no_grad()
def evaluate(model, xte, yte, smoothing):
    model.eval()
    correct, tl = 0, 0.0
    for i in range(0, len(yte), 500):
        logits = model(xte[i:i + 500])
        # with the training label smoothing, as crossmodal's mean-loss metric (the head's loss) reports it
        tl += F.cross_entropy(logits, yte[i:i + 500], reduction="sum", label_smoothing=smoothing).item()
        correct += (logits.argmax(1) == yte[i:i + 500]).sum().item()
    return {"accuracy": correct / len(yte), "loss": tl / len(yte)}


def lr_at(step, total, a):
    if step < a.warmup:
        return a.lr * (step + 1) / a.warmup
    t = (step - a.warmup) / max(1, total - a.warmup)
    return a.min_lr + 0.5 * (a.lr - a.min_lr) * (1 + math.cos(math.pi * t))


def save_state(path, state):
    """torch.save through a temporary sibling and a rename, so a killed run never leaves half a state."""
    tmp = f"{path}.tmp-{os.getpid()}"
    try:
        torch.save(state, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def main():
    ap = argparse.ArgumentParser()
    for k, v in dict(patch=4, dim=64, depth=4, heads=4, mlp=128, epochs=2, batch=64, warmup=300, threads=2, pad=0, seed=0, limit=0).items():
        ap.add_argument(f"--{k.replace('_', '-')}", type=int, default=v)
    for k, v in dict(lr=2e-3, wd=0.05, min_lr=1e-5, smoothing=0.0, drop_path=0.0, erase=0.0, mixup=0.0, cutmix=0.0, ema=0.0).items():
        ap.add_argument(f"--{k.replace('_', '-')}", type=float, default=v)
    ap.add_argument("--flip", action="store_true")
    ap.add_argument("--init", choices=["timm", "torch"], default="timm")
    ap.add_argument("--pool", choices=["token", "avg"], default="token")
    ap.add_argument("--decay", choices=["all", "timm"], default="all")
    ap.add_argument("--data", default=ROOT, help="directory of the IDX files (gzipped or raw)")
    ap.add_argument("--device", default="cpu", help="cpu or cuda (augmentation stays on the CPU)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--state", help="per-epoch state file (default: torch-state.pt beside --out)")
    ap.add_argument("--resume", action="store_true", help="go on from --state, appending to --out")
    ap.add_argument("--stop-after", type=float, default=0.0, help="stop after the first epoch ending past this many seconds")
    a = ap.parse_args()
    state_path = a.state or os.path.join(os.path.dirname(os.path.abspath(a.out)), "torch-state.pt")
    # The settings a state must have been made with (not where it runs, or how many threads).
    recipe = {k: v for k, v in vars(a).items() if k not in ("out", "state", "resume", "stop_after", "threads", "device", "data")}
    dev = torch.device(a.device)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    xtr, ytr = load(a.data, "train")
    xte, yte = load(a.data, "test")
    if a.limit > 0:  # the first N of each split: a quick check of the script, not a measurement
        xtr, ytr, xte, yte = xtr[:a.limit], ytr[:a.limit], xte[:a.limit], yte[:a.limit]
    xte, yte = ((xte - MEAN) / STD).to(dev), yte.to(dev)
    model = Vit(a).to(dev)  # built on the CPU, so the initial weights do not depend on --device
    # --decay all: weight decay on every parameter, as crossmodal's adamw does; timm: not on biases,
    # norms, the class token or the position embedding (timm's param_groups_weight_decay).
    matrices = lambda n, p: p.ndim >= 2 and "pos_embed" not in n and "cls_token" not in n
    decay = [p for n, p in model.named_parameters() if a.decay == "all" or matrices(n, p)]
    rest = [p for n, p in model.named_parameters() if not (a.decay == "all" or matrices(n, p))]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": a.wd}, {"params": rest, "weight_decay": 0.0}], lr=a.lr)
    steps_per_epoch = math.ceil(len(ytr) / a.batch)
    total = steps_per_epoch * a.epochs
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    ema = Ema(model, a.ema) if a.ema > 0 else None
    step, start_epoch, elapsed0, t0 = 0, 0, 0.0, time.perf_counter()
    if a.resume:
        if not os.path.exists(state_path):
            raise SystemExit(f"--resume: no state at {state_path}; expected the file an earlier run of this script saved")
        saved = torch.load(state_path, map_location="cpu")
        differ = {k: (saved["recipe"].get(k), v) for k, v in recipe.items() if saved["recipe"].get(k) != v}
        if differ:
            raise SystemExit(f"--resume: {state_path} was made with other settings: " +
                             ", ".join(f"{k} {old!r} there, {new!r} here" for k, (old, new) in differ.items()))
        model.load_state_dict(saved["model"])
        opt.load_state_dict(saved["optimizer"])
        if ema is not None:
            ema.shadow = {k: v.to(dev) for k, v in saved["ema"].items()}
        gen.set_state(saved["gen"])
        torch.set_rng_state(saved["torch_rng"])
        if dev.type == "cuda" and saved.get("cuda_rng") is not None:
            torch.cuda.set_rng_state(saved["cuda_rng"])
        step, start_epoch, elapsed0 = saved["step"], saved["epoch"], saved["elapsed_s"]
        print(f"resumed from {state_path} at epoch {start_epoch}, step {step}", flush=True)
    out = open(a.out, "a" if a.resume else "w")
    for epoch in range(start_epoch, a.epochs):
        model.train()
        order = torch.randperm(len(ytr), generator=gen)
        losses, te = [], time.perf_counter()
        for i in range(steps_per_epoch):
            idx = order[i * a.batch:(i + 1) * a.batch]
            x = augment(xtr[idx], a.pad, a.flip, gen)
            if a.erase > 0:
                x = erase(x, a.erase, gen)
            x = ((x - MEAN) / STD).to(dev)
            for g in opt.param_groups:
                g["lr"] = lr_at(step, total, a)
            if a.mixup > 0 or a.cutmix > 0:
                x, soft = mix(x, ytr[idx].to(dev), a, gen)
                loss = torch.sum(-soft * F.log_softmax(model(x), dim=-1), dim=-1).mean()
            else:
                loss = F.cross_entropy(model(x), ytr[idx].to(dev), label_smoothing=a.smoothing)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if ema is not None:
                ema.update(model, step)
            losses.append(loss.item())
            step += 1
            if step % 10 == 0:
                out.write(json.dumps({"type": "batch-end", "epoch": epoch + 1, "step": step, "loss": loss.item(), "lr": opt.param_groups[0]["lr"]}) + "\n")
        if dev.type == "cuda":
            torch.cuda.synchronize()
        train_s = time.perf_counter() - te
        metrics = evaluate(model, xte, yte, a.smoothing)
        if ema is not None:
            live = {k: v.detach().clone() for k, v in model.state_dict().items()}
            model.load_state_dict(ema.shadow)
            metrics.update({f"ema/{k}": v for k, v in evaluate(model, xte, yte, a.smoothing).items()})
            model.load_state_dict(live)
        # The shape of crossmodal's jsonl logger events, so `crossmodal curves` reads both logs.
        rec = {"type": "eval-end", "epoch": epoch + 1, "step": step, "split": "test",
               "metrics": metrics,
               "train_loss": sum(losses) / len(losses), "images_per_s": len(ytr) / train_s, "elapsed_s": elapsed0 + time.perf_counter() - t0}
        out.write(json.dumps(rec) + "\n")
        out.flush()
        print(json.dumps(rec), flush=True)
        save_state(state_path, {
            "recipe": recipe, "epoch": epoch + 1, "step": step, "elapsed_s": rec["elapsed_s"],
            "model": model.state_dict(), "optimizer": opt.state_dict(),
            "ema": ema.shadow if ema is not None else None,
            "gen": gen.get_state(), "torch_rng": torch.get_rng_state(),
            "cuda_rng": torch.cuda.get_rng_state() if dev.type == "cuda" else None,
        })
        if a.stop_after > 0 and time.perf_counter() - t0 > a.stop_after and epoch + 1 < a.epochs:
            print(f"stopped after epoch {epoch + 1} (--stop-after {a.stop_after:g} s); go on with --resume", flush=True)
            break


if __name__ == "__main__":
    main()
