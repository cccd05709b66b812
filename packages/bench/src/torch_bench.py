#!/usr/bin/python3
"""PyTorch side of the native backend's bench (plugins/backend-native/bench/run.ts runs it).

Same cases as the TypeScript side: matmul GFLOP/s, attention forward / forward+backward at
B=8 H=12 N=197 d=64, and one AdamW training step of the bench ViT (batch 64, 1x28x28, patch 4,
dim 64, depth 4, heads 4, MLP 128, pre-norm, GELU, LayerNorm eps 1e-6, class token, 10 classes).
Prints one JSON list of records {suite, case, framework, metric, value}. Run with Debian's
python3-torch: /usr/bin/python3 packages/bench/src/torch_bench.py --threads 2 [--quick]; on a CUDA
machine add --device cuda (4096³ and 8192³ join the matmul cases).
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

FW = "pytorch"
DEV = torch.device("cpu")


def sync():
    if DEV.type == "cuda":
        torch.cuda.synchronize()


def median_ms(fn, warmup, samples, min_sample_s=0.2):
    last = 0.0
    for _ in range(max(1, warmup)):
        t0 = time.perf_counter()
        fn()
        sync()
        last = time.perf_counter() - t0
    reps = max(1, min(50, int(min_sample_s / max(last, 1e-6)) + 1))
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        sync()
        times.append((time.perf_counter() - t0) / reps * 1000)
    return statistics.median(times)


def matmul_cases(quick):
    sizes = [256, 512, 1024] if quick else [256, 512, 1024, 2048] + ([4096, 8192] if DEV.type == "cuda" else [])
    cases = [(f"{n}³", 1, n, n, n) for n in sizes]
    cases.append(("1576×768·768×3072", 1, 1576, 768, 3072))
    cases.append(("96×(197×64·64×197)", 96, 197, 64, 197))
    return cases


def bench_matmul(quick, records):
    for name, batch, m, k, n in matmul_cases(quick):
        a = torch.randn(batch, m, k, device=DEV) if batch > 1 else torch.randn(m, k, device=DEV)
        b = torch.randn(batch, k, n, device=DEV) if batch > 1 else torch.randn(k, n, device=DEV)
        ms = median_ms(lambda: torch.matmul(a, b), 2, 5)
        records.append(dict(suite="matmul", case=name, framework=FW, metric="ms", value=ms))
        records.append(dict(suite="matmul", case=name, framework=FW, metric="GFLOP/s", value=2 * batch * m * n * k / ms / 1e6))


def bench_attention(records):
    B, H, N, d = 8, 12, 197, 64
    q, k, v = (torch.randn(B, H, N, d, device=DEV, requires_grad=True) for _ in range(3))

    def fwd():
        with torch.no_grad():
            p = torch.softmax(q @ k.transpose(-1, -2) * d ** -0.5, dim=-1)
            return p @ v

    def fwd_bwd():
        p = torch.softmax(q @ k.transpose(-1, -2) * d ** -0.5, dim=-1)
        (p @ v).sum().backward()
        q.grad = k.grad = v.grad = None

    case = f"B={B} H={H} N={N} d={d}"
    records.append(dict(suite="attention", case=f"forward {case}", framework=FW, metric="ms", value=median_ms(fwd, 2, 5)))
    records.append(dict(suite="attention", case=f"forward+backward {case}", framework=FW, metric="ms", value=median_ms(fwd_bwd, 2, 5)))


class Block(nn.Module):
    """Pre-norm ViT block in timm's layout; `drop_path` > 0 adds stochastic depth on both residual
    branches in training (torch_vit_fmnist.py uses it; the bench does not)."""

    def __init__(self, dim, heads, mlp, drop_path=0.0):
        super().__init__()
        self.heads = heads
        self.drop_path = drop_path
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.fc1 = nn.Linear(dim, mlp)
        self.fc2 = nn.Linear(mlp, dim)

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(self.norm1(x)).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        p = torch.softmax(q @ k.transpose(-1, -2) * (c // self.heads) ** -0.5, dim=-1)
        x = x + self.dp(self.proj((p @ v).transpose(1, 2).reshape(b, n, c)))
        return x + self.dp(self.fc2(F.gelu(self.fc1(self.norm2(x)))))

    def dp(self, x):
        if not self.training or self.drop_path == 0:
            return x
        keep = 1 - self.drop_path
        return x * x.new_empty(x.shape[0], 1, 1).bernoulli_(keep) / keep


class BenchVit(nn.Module):
    def __init__(self, dim=64, depth=4, heads=4, mlp=128, patch=4, classes=10):
        super().__init__()
        self.patch = patch
        self.embed = nn.Linear(patch * patch, dim)
        self.cls = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos = nn.Parameter(torch.zeros(1, (28 // patch) ** 2 + 1, dim))
        nn.init.trunc_normal_(self.cls, std=0.02)
        nn.init.trunc_normal_(self.pos, std=0.02)
        self.blocks = nn.ModuleList(Block(dim, heads, mlp) for _ in range(depth))
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        b, g, p = x.shape[0], 28 // self.patch, self.patch
        x = x.reshape(b, g, p, g, p).permute(0, 1, 3, 2, 4).reshape(b, g * g, p * p)
        x = torch.cat([self.cls.expand(b, -1, -1), self.embed(x)], dim=1) + self.pos
        for blk in self.blocks:
            x = blk(x)
        return self.head(self.norm(x)[:, 0])


def bench_vit(records, steps):
    torch.manual_seed(0)
    model = BenchVit().to(DEV)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.05)
    x = torch.randn(64, 1, 28, 28, device=DEV)
    y = torch.arange(64, device=DEV) % 10

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()

    ms = median_ms(step, 3, steps, min_sample_s=0)
    case = "bench ViT, batch 64"
    records.append(dict(suite="vit-step", case=case, framework=FW, metric="ms/step", value=ms))
    records.append(dict(suite="vit-step", case=case, framework=FW, metric="images/s", value=64 / (ms / 1000)))
    records.append(dict(suite="vit-step", case=case, framework=FW, metric="samples", value=steps))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--suites", default="matmul,attention,vit-step")
    ap.add_argument("--device", default="cpu", help="cpu or cuda (float32; TF32 off, as our kernels use none)")
    args = ap.parse_args()
    global DEV, FW
    DEV = torch.device(args.device)
    if DEV.type == "cuda":
        FW = "pytorch-cuda"
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    torch.set_num_threads(args.threads)
    records = []
    suites = args.suites.split(",")
    if "matmul" in suites:
        bench_matmul(args.quick, records)
    if "attention" in suites:
        bench_attention(records)
    if "vit-step" in suites:
        bench_vit(records, 5 if args.quick else 20)
    print(json.dumps(dict(torch=torch.__version__, blas=torch.__config__.show().split("BLAS_INFO=")[-1].split(",")[0], threads=args.threads, records=records)))


if __name__ == "__main__":
    main()
