"""The PyTorch peer of the DCGAN benchmark: the same G and D as lib/models/dcgan.ts, the same step as
lib/train/simpleStep.ts (non-saturating loss, Adam 2e-4 / (0.5, 0.999), batch 64, 32x32 RGB).

Run by `npm run bench` with OPENBLAS_NUM_THREADS=1 and two intra-op threads, so that the peer is at its best.
Prints one JSON line: {"ms_per_step": mean, "ms_median": N, "ms_min": N, "g_params": N, "d_params": N, "threads": N, "torch": "version"}.
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_timing import DEVICE, report


def generator(z_dim=128, ch=32, channels=3):
    top = 8 * ch
    layers = [nn.Linear(z_dim, 16 * top, bias=False), nn.Unflatten(1, (top, 4, 4)), nn.BatchNorm2d(top), nn.ReLU()]
    width = top
    for _ in range(3):
        layers += [nn.ConvTranspose2d(width, width // 2, 4, 2, 1, bias=False), nn.BatchNorm2d(width // 2), nn.ReLU()]
        width //= 2
    layers += [nn.Conv2d(width, channels, 3, 1, 1), nn.Tanh()]
    return nn.Sequential(*layers)


def discriminator(ch=32, channels=3):
    layers, width, nxt = [], channels, 2 * ch
    for _ in range(3):
        layers += [nn.Conv2d(width, nxt, 4, 2, 1), nn.LeakyReLU(0.2)]
        width, nxt = nxt, nxt * 2
    layers += [nn.Conv2d(width, 4 * ch, 3, 1, 1), nn.LeakyReLU(0.2), nn.Flatten(), nn.Linear(16 * 4 * ch, 1)]
    return nn.Sequential(*layers)


def main():
    threads = int(os.environ.get("TORCH_THREADS", "2"))
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    g, d = generator().to(DEVICE), discriminator().to(DEVICE)
    g_opt = torch.optim.Adam(g.parameters(), 2e-4, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(d.parameters(), 2e-4, betas=(0.5, 0.999))
    real = torch.rand(64, 3, 32, 32, device=DEVICE) * 2 - 1

    def step():
        z = torch.randn(64, 128, device=DEVICE)
        with torch.no_grad():
            fake = g(z)
        real_logits, fake_logits = d(torch.cat([real, fake])).chunk(2)
        d_loss = F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()
        d_opt.zero_grad(set_to_none=True)
        d_loss.backward()
        d_opt.step()
        z = torch.randn(64, 128, device=DEVICE)
        g_loss = F.softplus(-d(g(z))).mean()
        g_opt.zero_grad(set_to_none=True)
        g_loss.backward()
        g_opt.step()
        return d_loss.item(), g_loss.item()

    report(step, steps, g, d)

if __name__ == "__main__":
    main()
