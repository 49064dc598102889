"""PacGAN's 2-D protocol in PyTorch: an independent replica to hold the library's toy results against.

The networks, optimiser, packing and scores follow Lin et al. (2018) and their code (the same settings as the
`toy-*-gan` / `toy-*-pacgan*` presets in lib/run/config.ts): G has 4 fully connected layers of 400 ReLU units
with batch norm and no biases, from z ~ N(0, I_2); D has 3 maxout layers of 200 units with 5 pieces, then a
linear score, on m samples concatenated; weights N(0, 0.02^2), biases 0; Adam 1e-4, beta1 0.8 (--beta1;
why 0.8: lib/run/config.ts); 100 packs a batch; the non-saturating loss. By default D and G alternate (as the
library's Trainer does); --simultaneous takes both gradients at the same parameters and fake batch, as PacGAN's
Theano code does.

Every --every steps it prints one JSON line of PacGAN's scores of 2,500 samples (G in evaluation mode): modes
covered, the high-quality fraction (within 3 sigma of a mode) and KL(mode histogram || uniform).

    /usr/bin/python3 tools/reference/pacgan_toy_torch.py --data grid --pack 4 --steps 20000 --seed 0
"""
import argparse
import json
import math
import time

import torch
from torch import nn
from torch.nn import functional as F


def mixture(name):
    if name == 'ring':
        k = torch.arange(8, dtype=torch.float32) * (2 * math.pi / 8)
        return torch.stack([k.cos(), k.sin()], 1), 0.01
    v = torch.tensor([-4.0, -2.0, 0.0, 2.0, 4.0])
    return torch.cartesian_prod(v, v), 0.05


class Maxout(nn.Module):
    def __init__(self, n_in, n_out, pieces):
        super().__init__()
        self.linear = nn.Linear(n_in, n_out * pieces)
        self.n_out, self.pieces = n_out, pieces

    def forward(self, x):
        return self.linear(x).view(-1, self.n_out, self.pieces).amax(2)


def generator():
    layers, width = [], 2
    for _ in range(4):
        layers += [nn.Linear(width, 400, bias=False), nn.BatchNorm1d(400), nn.ReLU()]
        width = 400
    return nn.Sequential(*layers, nn.Linear(400, 2))


def discriminator(pack):
    return nn.Sequential(Maxout(2 * pack, 200, 5), Maxout(200, 200, 5), Maxout(200, 200, 5), nn.Linear(200, 1))


def scores(points, centres, sigma):
    distance, nearest = torch.cdist(points, centres).min(1)
    good = distance < 3 * sigma
    counts = torch.bincount(nearest[good], minlength=len(centres)).float()
    share = counts / counts.sum().clamp(min=1)
    kl = sum(q * math.log(q * len(centres)) for q in share.tolist() if q > 0)
    return {'modes': int((counts > 0).sum()), 'highQuality': good.float().mean().item(), 'kl': kl}


def main():
    a = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    a.add_argument('--data', choices=['ring', 'grid'], default='grid')
    a.add_argument('--pack', type=int, default=1)
    a.add_argument('--steps', type=int, default=20000)
    a.add_argument('--seed', type=int, default=0)
    a.add_argument('--every', type=int, default=2000)
    a.add_argument('--simultaneous', action='store_true')
    a.add_argument('--threads', type=int, default=1)
    a.add_argument('--beta1', type=float, default=0.8,
                   help="Adam's first-moment decay in PyTorch's convention (PacGAN's, in Blocks from January 2017 on: 0.8)")
    o = a.parse_args()
    torch.manual_seed(o.seed)
    torch.set_num_threads(o.threads)
    centres, sigma = mixture(o.data)
    g, d = generator(), discriminator(o.pack)
    for m in [*g.modules(), *d.modules()]:
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0, 0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    g_opt = torch.optim.Adam(g.parameters(), 1e-4, betas=(o.beta1, 0.999))
    d_opt = torch.optim.Adam(d.parameters(), 1e-4, betas=(o.beta1, 0.999))
    n = 100 * o.pack

    def judge(x):  # one score per pack of m consecutive samples
        return d(x.reshape(-1, 2 * o.pack)).squeeze(1)

    start = time.time()
    for step in range(1, o.steps + 1):
        real = centres[torch.randint(len(centres), (n,))] + sigma * torch.randn(n, 2)
        fake = g(torch.randn(n, 2))
        d_loss = F.softplus(-judge(real)).mean() + F.softplus(judge(fake.detach())).mean()
        if o.simultaneous:
            # Both gradients at the same parameters, then both steps.
            g_loss = F.softplus(-judge(fake)).mean()
            d_grads = torch.autograd.grad(d_loss, list(d.parameters()))
            g_grads = torch.autograd.grad(g_loss, list(g.parameters()))
            for params, grads in ((d.parameters(), d_grads), (g.parameters(), g_grads)):
                for p, grad in zip(params, grads):
                    p.grad = grad
            d_opt.step()
            g_opt.step()
        else:
            d_opt.zero_grad()
            d_loss.backward()
            d_opt.step()
            g_loss = F.softplus(-judge(g(torch.randn(n, 2)))).mean()
            g_opt.zero_grad()
            g_loss.backward()
            g_opt.step()
        if step % o.every == 0:
            g.eval()
            with torch.no_grad():
                s = scores(g(torch.randn(2500, 2)), centres, sigma)
            g.train()
            s.update(step=step, dLoss=d_loss.item(), msPerStep=1000 * (time.time() - start) / step)
            print(json.dumps(s), flush=True)


if __name__ == '__main__':
    main()
