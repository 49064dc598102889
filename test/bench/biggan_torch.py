"""The PyTorch peer of the BigGAN-32 benchmark, written for this project: the architecture of lib/models/biggan.ts
(itself BigGAN-PyTorch's, name for name) and the step of lib/train/trainer.ts (hinge loss; one D update on real and
fake in one pass, G under no_grad; then one G update; Adam; spectral norm with one power iteration on every layer).

Usage: biggan_torch.py CH CHANNELS STEPS. Run by `npm run bench` with OPENBLAS_NUM_THREADS=1 and TORCH_THREADS=2.
Prints one JSON line (torch_timing.report): ms_per_step, ms_median, ms_min, g_params, d_params, threads, torch.
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_timing import DEVICE, report

SN = nn.utils.spectral_norm
CLASSES, Z_DIM, SHARED_DIM, BATCH = 10, 128, 128, 64


def conv(cin, cout, k):
    return SN(nn.Conv2d(cin, cout, k, padding=k // 2))


def linear(cin, cout, bias=True):
    return SN(nn.Linear(cin, cout, bias=bias))


class ConditionalBatchNorm(nn.Module):
    """BatchNorm without affine, then gain 1 + γ(c) and bias β(c), both linear in the condition."""

    def __init__(self, channels, cond_dim):
        super().__init__()
        self.bn = nn.BatchNorm2d(channels, affine=False)
        self.gain = linear(cond_dim, channels, bias=False)
        self.bias = linear(cond_dim, channels, bias=False)

    def forward(self, x, c):
        n = x.shape[0]
        return self.bn(x) * (1 + self.gain(c)).view(n, -1, 1, 1) + self.bias(c).view(n, -1, 1, 1)


class GBlock(nn.Module):
    def __init__(self, cin, cout, cond_dim):
        super().__init__()
        self.bn1 = ConditionalBatchNorm(cin, cond_dim)
        self.conv1 = conv(cin, cout, 3)
        self.bn2 = ConditionalBatchNorm(cout, cond_dim)
        self.conv2 = conv(cout, cout, 3)
        self.conv_sc = conv(cin, cout, 1)

    def forward(self, x, c):
        h = F.interpolate(F.relu(self.bn1(x, c)), scale_factor=2)
        h = self.conv2(F.relu(self.bn2(self.conv1(h), c)))
        return h + self.conv_sc(F.interpolate(x, scale_factor=2))


class Generator(nn.Module):
    def __init__(self, ch, channels):
        super().__init__()
        self.width = 4 * ch
        self.chunk = Z_DIM // 4
        self.shared = nn.Embedding(CLASSES, SHARED_DIM)
        self.linear = linear(self.chunk, 16 * self.width)
        self.blocks = nn.ModuleList([GBlock(self.width, self.width, self.chunk + SHARED_DIM) for _ in range(3)])
        self.out_bn = nn.BatchNorm2d(self.width)
        self.out_conv = conv(self.width, channels, 3)

    def forward(self, z, y):
        zs = torch.split(z, self.chunk, 1)
        emb = self.shared(y)
        h = self.linear(zs[0]).view(z.shape[0], self.width, 4, 4)
        for i, block in enumerate(self.blocks):
            h = block(h, torch.cat([emb, zs[i + 1]], 1))
        return torch.tanh(self.out_conv(F.relu(self.out_bn(h))))


class DBlock(nn.Module):
    def __init__(self, cin, cout, down, pre):
        super().__init__()
        self.down, self.pre = down, pre
        self.conv1 = conv(cin, cout, 3)
        self.conv2 = conv(cout, cout, 3)
        self.conv_sc = conv(cin, cout, 1) if cin != cout or down else None

    def forward(self, x):
        h = F.relu(x) if self.pre else x
        h = self.conv2(F.relu(self.conv1(h)))
        if self.down:
            h = F.avg_pool2d(h, 2)
        skip = x
        if self.pre:
            skip = self.conv_sc(skip) if self.conv_sc else skip
            skip = F.avg_pool2d(skip, 2) if self.down else skip
        else:
            skip = F.avg_pool2d(skip, 2) if self.down else skip
            skip = self.conv_sc(skip) if self.conv_sc else skip
        return h + skip


class Discriminator(nn.Module):
    def __init__(self, ch, channels):
        super().__init__()
        width = 4 * ch
        ins = [channels, width, width, width]
        downs = [True, True, False, False]
        self.blocks = nn.ModuleList([DBlock(ins[i], width, downs[i], i > 0) for i in range(4)])
        self.linear = linear(width, 1)
        self.embed = SN(nn.Embedding(CLASSES, width))

    def forward(self, x, y):
        h = x
        for block in self.blocks:
            h = block(h)
        pooled = torch.sum(F.relu(h), [2, 3])
        return self.linear(pooled).view(-1) + torch.sum(self.embed(y) * pooled, 1)


def main():
    ch, channels, steps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", "2")))
    torch.manual_seed(1)
    g, d = Generator(ch, channels).to(DEVICE), Discriminator(ch, channels).to(DEVICE)
    g_opt = torch.optim.Adam(g.parameters(), 1e-4, betas=(0.0, 0.999))
    d_opt = torch.optim.Adam(d.parameters(), 4e-4, betas=(0.0, 0.999))
    x = torch.rand(BATCH, channels, 32, 32, device=DEVICE) * 2 - 1
    y_real = torch.arange(BATCH, device=DEVICE) % CLASSES

    def step():
        z = torch.randn(BATCH, Z_DIM, device=DEVICE)
        y = torch.randint(0, CLASSES, (BATCH,), device=DEVICE)
        with torch.no_grad():
            fake = g(z, y)
        scores = d(torch.cat([x, fake]), torch.cat([y_real, y]))
        real_s, fake_s = scores[:BATCH], scores[BATCH:]
        d_loss = F.relu(1 - real_s).mean() + F.relu(1 + fake_s).mean()
        d_opt.zero_grad(set_to_none=True)
        d_loss.backward()
        d_opt.step()
        z = torch.randn(BATCH, Z_DIM, device=DEVICE)
        y = torch.randint(0, CLASSES, (BATCH,), device=DEVICE)
        g_loss = -d(g(z, y), y).mean()
        g_opt.zero_grad(set_to_none=True)
        g_loss.backward()
        g_opt.step()

    report(step, steps, g, d)

if __name__ == "__main__":
    main()
