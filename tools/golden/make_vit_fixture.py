#!/usr/bin/env python3
"""Writes the ViT parity fixtures of @crossmodal/model-vit from a timm-named PyTorch reference.

Run from the repository root with Debian's PyTorch (python3-torch, 1.13):
    /usr/bin/python3 tools/golden/make_vit_fixture.py
timm is not installed here, so the reference below re-states timm's VisionTransformer
(timm/models/vision_transformer.py: PatchEmbed, Attention, Mlp, Block) in plain PyTorch with the
same module names, so `state_dict()` keys are timm's keys. It writes, under plugins/model-vit/fixtures/:
- vit-tiny.golden.safetensors: for two tiny models ('token': class-token pooling, final norm;
  'avg': mean over patch tokens then fc_norm, as timm's global_pool='avg'), every parameter
  `<model>.param.<timm name>`, the input `<model>.input` [B, C, H, W], int32 `<model>.labels`,
  the logits, every layer's attention probabilities `<model>.attn.<i>` [B, H, N, N], the scalar
  cross-entropy `<model>.loss` and its gradient `<model>.grad.<timm name>` for every parameter.
- pos-embed-resize.golden.safetensors: F.interpolate on position-embedding grids (class token
  kept), bilinear and bicubic, with and without antialias (timm's resample_abs_pos_embed).
- vit-tiny-token.timm.pth: the 'token' model's weights as a checkpoint file would hold them, via
  torch.save: timm names, the state dict nested under 'model' beside 'epoch' and an
  argparse.Namespace 'args' (DeiT's layout), so the reader's unwrapping and allow-list are exercised.
- vit-tiny-token.hf.safetensors: the same weights in Hugging Face ViTForImageClassification names
  (vit.embeddings.…, per layer attention.attention.query/key/value split out of timm's fused qkv,
  classifier.…), for the import parity spec: both files must load to identical parameters.
The safetensors files are written by hand (the `safetensors` package is not installed): an
8-byte little-endian header length, a JSON header padded to 8 bytes, then the raw tensors.
CI never runs this script: the fixtures are committed.
"""
import argparse
import json
import os
from collections import OrderedDict
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(ROOT, 'plugins', 'model-vit', 'fixtures')
DTYPES = {torch.float32: 'F32', torch.int32: 'I32'}


class PatchEmbed(nn.Module):
    """timm PatchEmbed: Conv2d(kernel = stride = patch), then [B, D, gh, gw] → [B, N, D]."""

    def __init__(self, patch, channels, dim):
        super().__init__()
        self.proj = nn.Conv2d(channels, dim, kernel_size=patch, stride=patch)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class Attention(nn.Module):
    """timm Attention with fused qkv; keeps the probabilities it made in `self.probs`."""

    def __init__(self, dim, heads):
        super().__init__()
        self.heads, self.head_dim = heads, dim // heads
        self.scale = self.head_dim ** -0.5
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = ((q * self.scale) @ k.transpose(-2, -1)).softmax(dim=-1)
        self.probs = attn
        x = (attn @ v).transpose(1, 2).reshape(B, N, C)
        return self.proj(x)


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    """Pre-norm block (drop path and layer scale are identities in this reference)."""

    def __init__(self, dim, heads, mlp_ratio, eps):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=eps)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=eps)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class VisionTransformer(nn.Module):
    """timm VisionTransformer with class token; global_pool 'token' or 'avg' (fc_norm as timm)."""

    def __init__(self, image, patch, channels, dim, depth, heads, mlp_ratio, classes, pool, eps=1e-6):
        super().__init__()
        n = (image // patch) ** 2
        self.pool = pool
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, n + 1, dim))
        self.patch_embed = PatchEmbed(patch, channels, dim)
        self.blocks = nn.Sequential(*[Block(dim, heads, mlp_ratio, eps) for _ in range(depth)])
        # timm: use_fc_norm = global_pool == 'avg' → norm is Identity, fc_norm after pooling.
        self.norm = nn.Identity() if pool == 'avg' else nn.LayerNorm(dim, eps=eps)
        self.fc_norm = nn.LayerNorm(dim, eps=eps) if pool == 'avg' else nn.Identity()
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        x = self.patch_embed(x)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embed
        x = self.norm(self.blocks(x))
        x = x[:, 1:].mean(dim=1) if self.pool == 'avg' else x[:, 0]
        return self.head(self.fc_norm(x))


def randomize(model):
    """Every parameter drawn away from its init, so a mix-up of any two shows in the logits."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith('norm1.weight') or name.endswith('norm2.weight') or name.endswith('norm.weight'):
                p.copy_(1 + 0.2 * torch.randn_like(p))
            else:
                p.copy_(0.3 * torch.randn_like(p))


def model_case(prefix, **config):
    model = VisionTransformer(**config)
    randomize(model)
    x = torch.randn(2, config['channels'], config['image'], config['image'])
    labels = torch.tensor([0, 2], dtype=torch.int32)
    logits = model(x)
    loss = F.cross_entropy(logits, labels.long())
    loss.backward()
    out = {f'{prefix}.input': x, f'{prefix}.labels': labels, f'{prefix}.logits': logits, f'{prefix}.loss': loss.reshape(1)}
    for i, block in enumerate(model.blocks):
        out[f'{prefix}.attn.{i}'] = block.attn.probs
    for name, p in model.named_parameters():
        out[f'{prefix}.param.{name}'] = p
        out[f'{prefix}.grad.{name}'] = p.grad
    return out


def resize(posemb, old, new, mode, antialias):
    """timm resample_abs_pos_embed with one prefix token: [1, 1 + gh·gw, D] → [1, 1 + nh·nw, D]."""
    prefix, grid = posemb[:, :1], posemb[:, 1:]
    d = posemb.shape[-1]
    grid = grid.reshape(1, old[0], old[1], d).permute(0, 3, 1, 2)
    grid = F.interpolate(grid, size=new, mode=mode, align_corners=False, antialias=antialias)
    grid = grid.permute(0, 2, 3, 1).reshape(1, new[0] * new[1], d)
    return torch.cat([prefix, grid], dim=1)


def resize_cases():
    src3 = torch.randn(1, 1 + 3 * 3, 4)
    src4 = torch.randn(1, 1 + 4 * 4, 3)
    out = {'src3': src3, 'src4': src4}
    for mode in ('bilinear', 'bicubic'):
        for aa in (False, True):
            tag = f'{mode}{"_aa" if aa else ""}'
            out[f'3to5.{tag}'] = resize(src3, (3, 3), (5, 5), mode, aa)
            out[f'3to2x4.{tag}'] = resize(src3, (3, 3), (2, 4), mode, aa)
            out[f'4to2.{tag}'] = resize(src4, (4, 4), (2, 2), mode, aa)
            out[f'4to3.{tag}'] = resize(src4, (4, 4), (3, 3), mode, aa)
    return out


def write_safetensors(path, named, metadata):
    header, chunks, offset = {'__metadata__': metadata}, [], 0
    for name in sorted(named):
        t = named[name].detach().contiguous()
        data = t.reshape(-1).numpy().tobytes()
        header[name] = {'dtype': DTYPES[t.dtype], 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for chunk in chunks:
            f.write(chunk)
    print(f'wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes, {len(named)} tensors)')


def hf_names(timm):
    """timm ViT names → Hugging Face ViTForImageClassification names (qkv rows split [q; k; v])."""
    layer = {'norm1': 'layernorm_before', 'attn.proj': 'attention.output.dense', 'norm2': 'layernorm_after',
             'mlp.fc1': 'intermediate.dense', 'mlp.fc2': 'output.dense'}
    top = {'cls_token': 'vit.embeddings.cls_token', 'pos_embed': 'vit.embeddings.position_embeddings',
           'patch_embed.proj.weight': 'vit.embeddings.patch_embeddings.projection.weight',
           'patch_embed.proj.bias': 'vit.embeddings.patch_embeddings.projection.bias',
           'norm.weight': 'vit.layernorm.weight', 'norm.bias': 'vit.layernorm.bias',
           'head.weight': 'classifier.weight', 'head.bias': 'classifier.bias'}
    out = {}
    for name, value in timm.items():
        if name in top:
            out[top[name]] = value
            continue
        _, i, rest = name.split('.', 2)
        part, kind = rest.rsplit('.', 1)
        if part == 'attn.qkv':
            for j, qkv in enumerate(value.chunk(3, dim=0)):
                out[f'vit.encoder.layer.{i}.attention.attention.{("query", "key", "value")[j]}.{kind}'] = qkv.clone()
        else:
            out[f'vit.encoder.layer.{i}.{layer[part]}.{kind}'] = value
    return out


def import_fixtures(named, meta):
    """The 'token' model's weights as a timm .pth (nested, DeiT-style) and an HF-named safetensors."""
    timm = OrderedDict((k[len('token.param.'):], v.detach().clone()) for k, v in named.items() if k.startswith('token.param.'))
    path = os.path.join(OUT_DIR, 'vit-tiny-token.timm.pth')
    args = argparse.Namespace(model='vit_tiny_fixture', input_size=8, nb_classes=3)
    torch.save({'model': timm, 'epoch': 3, 'args': args}, path)
    print(f'wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes, {len(timm)} tensors)')
    write_safetensors(os.path.join(OUT_DIR, 'vit-tiny-token.hf.safetensors'), hf_names(timm),
                      {'writer': meta['writer'], 'arch': meta['token'], 'naming': 'transformers ViTForImageClassification'})


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    os.makedirs(OUT_DIR, exist_ok=True)
    tiny = dict(image=8, patch=4, channels=3, dim=16, depth=2, heads=2, mlp_ratio=4.0, classes=3)
    named = {**model_case('token', pool='token', **tiny), **model_case('avg', pool='avg', **{**tiny, 'depth': 1})}
    meta = {'writer': f'tools/golden/make_vit_fixture.py, torch {torch.__version__}',
            'token': json.dumps({**tiny, 'pool': 'token'}), 'avg': json.dumps({**tiny, 'depth': 1, 'pool': 'avg'})}
    write_safetensors(os.path.join(OUT_DIR, 'vit-tiny.golden.safetensors'), named, meta)
    write_safetensors(os.path.join(OUT_DIR, 'pos-embed-resize.golden.safetensors'), resize_cases(),
                      {'writer': f'tools/golden/make_vit_fixture.py, torch {torch.__version__}'})
    import_fixtures(named, meta)


if __name__ == '__main__':
    main()
