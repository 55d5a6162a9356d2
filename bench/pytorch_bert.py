"""The peer of TuneLab's fine-tuning step, in plain PyTorch (Debian's python3-torch).

Same model as packages/core/src/bert: embeddings (word + position + token type, LayerNorm,
dropout), post-LN encoder layers (multi-head self-attention, erf GELU feed-forward), tanh pooler
over [CLS], a 1-output regression head; MSE loss, AdamW (weight decay 0.01), dropout 0.1,
global-norm clipping at 1. Random token ids, batch × seq. Prints one JSON line:
{"threads", "step_seconds": [...], "torch"}. Run by bench/train-vs-pytorch.ts.
"""
import argparse
import json
import math
import time

import torch
from torch import nn


class Layer(nn.Module):
    def __init__(self, h, heads, inter, p):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(h, 3 * h)
        self.out = nn.Linear(h, h)
        self.ln1 = nn.LayerNorm(h, eps=1e-12)
        self.ff1 = nn.Linear(h, inter)
        self.ff2 = nn.Linear(inter, h)
        self.ln2 = nn.LayerNorm(h, eps=1e-12)
        self.drop = nn.Dropout(p)

    def forward(self, x):
        b, l, h = x.shape
        d = h // self.heads
        q, k, v = self.qkv(x).view(b, l, 3, self.heads, d).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-1, -2) / math.sqrt(d)
        ctx = (self.drop(scores.softmax(-1)) @ v).transpose(1, 2).reshape(b, l, h)
        x = self.ln1(x + self.drop(self.out(ctx)))
        return self.ln2(x + self.drop(self.ff2(nn.functional.gelu(self.ff1(x)))))


class Bert(nn.Module):
    def __init__(self, vocab, h, layers, heads, inter, seq, p=0.1):
        super().__init__()
        self.word = nn.Embedding(vocab, h)
        self.pos = nn.Embedding(max(512, seq), h)
        self.typ = nn.Embedding(2, h)
        self.ln = nn.LayerNorm(h, eps=1e-12)
        self.drop = nn.Dropout(p)
        self.layers = nn.ModuleList(Layer(h, heads, inter, p) for _ in range(layers))
        self.pool = nn.Linear(h, h)
        self.head = nn.Linear(h, 1)

    def forward(self, ids):
        pos = torch.arange(ids.shape[1]).unsqueeze(0)
        x = self.drop(self.ln(self.word(ids) + self.pos(pos) + self.typ(torch.zeros_like(ids))))
        for layer in self.layers:
            x = layer(x)
        return self.head(self.drop(torch.tanh(self.pool(x[:, 0])))).squeeze(-1)


def main():
    ap = argparse.ArgumentParser()
    for name in ("hidden", "layers", "heads", "intermediate", "batch", "seq", "vocab", "steps", "warm", "threads"):
        ap.add_argument(f"--{name}", type=int, required=True)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    model = Bert(a.vocab, a.hidden, a.layers, a.heads, a.intermediate, a.seq)
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.01)
    times = []
    for step in range(a.warm + a.steps):
        ids = torch.randint(5, a.vocab, (a.batch, a.seq))
        y = torch.rand(a.batch) * 4
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = nn.functional.mse_loss(model(ids), y)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step >= a.warm:
            times.append(time.perf_counter() - t0)
    print(json.dumps({"threads": a.threads, "step_seconds": times, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
