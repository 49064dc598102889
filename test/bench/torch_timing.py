"""Times a PyTorch training step the way the benchmark's JavaScript side does: two warm-up steps, then `steps`
timed ones; prints one JSON line with mean, median and fastest, the parameter counts and the torch version."""
import json
import statistics
import time

import torch


def report(step, steps, g, d):
    for _ in range(2):
        step()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({
        "ms_per_step": round(sum(times) / len(times), 1),
        "ms_median": round(statistics.median(times), 1),
        "ms_min": round(min(times), 1),
        "g_params": sum(p.numel() for p in g.parameters()),
        "d_params": sum(p.numel() for p in d.parameters()),
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
    }))
