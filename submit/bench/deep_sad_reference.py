#!/usr/bin/env python3
"""PyTorch reference for `kka bench train --reference pytorch`: the same Deep SAD network and loss as the DL4J
side, trained and scored on the same examples, batch size, epochs and optimiser. Prints one JSON line.

Network (Ruff et al. 2020, the Fashion-MNIST LeNet; bias-free, batch norm without affine parameters, eps 1e-4):
  conv5x5(16, pad 2) -> BN -> leaky ReLU(0.01) -> maxpool2 -> conv5x5(32, pad 2) -> BN -> leaky ReLU -> maxpool2
  -> dense 128 -> BN -> leaky ReLU -> dense rep_dim
Loss (the paper's Eq. 5): d = ||phi(x) - c||^2; y = 0: d; y = +1/-1: eta * (d + eps) ** y; mean over the batch.

Examples come from the Java side as raw little-endian float32 [n, channels, side, side] in [0, 1] and int8 labels.
"""
import argparse
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNet28(nn.Module):
    def __init__(self, channels, side, rep_dim):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, 16, 5, bias=False, padding=2)
        self.bn1 = nn.BatchNorm2d(16, eps=1e-4, affine=False)
        self.conv2 = nn.Conv2d(16, 32, 5, bias=False, padding=2)
        self.bn2 = nn.BatchNorm2d(32, eps=1e-4, affine=False)
        self.fc1 = nn.Linear(32 * (side // 4) * (side // 4), 128, bias=False)
        self.bn3 = nn.BatchNorm1d(128, eps=1e-4, affine=False)
        self.fc2 = nn.Linear(128, rep_dim, bias=False)

    def forward(self, x):
        x = F.max_pool2d(F.leaky_relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.leaky_relu(self.bn2(self.conv2(x))), 2)
        x = F.leaky_relu(self.bn3(self.fc1(x.flatten(1))))
        return self.fc2(x)


def deep_sad_loss(z, c, y, eta, eps):
    d = ((z - c) ** 2).sum(dim=1)
    labelled = torch.where(y == 0, d, eta * (d + eps) ** y.float())
    return labelled.mean()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--examples", required=True)
    p.add_argument("--labels", required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--channels", type=int, default=1)
    p.add_argument("--side", type=int, default=28)
    p.add_argument("--rep-dim", type=int, default=64)
    p.add_argument("--center", type=float, default=0.1)
    p.add_argument("--eta", type=float, default=1.0)
    p.add_argument("--eps", type=float, default=1e-6)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--weight-decay", type=float, default=1e-6)
    p.add_argument("--score-batch", type=int, default=256)
    p.add_argument("--score-passes", type=int, default=3)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=12345)
    a = p.parse_args()
    if a.side % 4:
        sys.exit("deep_sad_reference.py: --side must be divisible by 4")
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    with open(a.examples, "rb") as f:
        x = torch.frombuffer(bytearray(f.read()), dtype=torch.float32)
    x = x.reshape(a.n, a.channels, a.side, a.side)
    with open(a.labels, "rb") as f:
        y = torch.frombuffer(bytearray(f.read()), dtype=torch.int8).to(torch.int64)
    if y.numel() != a.n:
        sys.exit(f"deep_sad_reference.py: {a.labels} holds {y.numel()} labels, expected {a.n}")
    net = LeNet28(a.channels, a.side, a.rep_dim)
    # PyTorch's default init (kaiming_uniform, a = sqrt(5)) is uniform +-1/sqrt(fan_in), as on the DL4J side
    c = torch.full((a.rep_dim,), a.center)
    opt = torch.optim.Adam(net.parameters(), lr=a.lr, weight_decay=a.weight_decay)
    g = torch.Generator().manual_seed(a.seed)
    losses = []

    def epoch():
        net.train()
        perm = torch.randperm(a.n, generator=g)
        total, batches = 0.0, 0
        for i in range(0, a.n, a.batch):
            idx = perm[i:i + a.batch]
            if idx.numel() < 2:
                continue  # batch norm needs two rows in training mode
            opt.zero_grad(set_to_none=True)
            loss = deep_sad_loss(net(x[idx]), c, y[idx], a.eta, a.eps)
            loss.backward()
            opt.step()
            total += loss.item()
            batches += 1
        losses.append(total / max(batches, 1))

    epoch()  # warm-up, untimed
    t0 = time.perf_counter()
    for _ in range(a.epochs):
        epoch()
    train_secs = time.perf_counter() - t0

    net.eval()
    with torch.no_grad():
        def score_pass():
            for i in range(0, a.n, a.score_batch):
                ((net(x[i:i + a.score_batch]) - c) ** 2).sum(dim=1)
        score_pass()  # warm-up
        t1 = time.perf_counter()
        for _ in range(a.score_passes):
            score_pass()
        score_secs = time.perf_counter() - t1
    print(json.dumps({
        "pytorch_sps": round(a.n * a.epochs / train_secs, 1),
        "pytorch_score_sps": round(a.n * a.score_passes / score_secs, 1),
        "threads": a.threads,
        "torch": torch.__version__,
        "losses": [round(v, 6) for v in losses],
    }))


if __name__ == "__main__":
    main()
