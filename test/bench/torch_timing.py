"""Times a PyTorch training step the way the benchmark's JavaScript side does: two warm-up steps, then `steps`
timed ones; prints one JSON line with mean, median and fastest, the parameter counts and the torch version.
TORCH_DEVICE (default cpu; the GPU check sets cuda) chooses where the peers run."""
import json
import os
import statistics
import time

import torch


DEVICE = torch.device(os.environ.get("TORCH_DEVICE", "cpu"))


def wait():
    """CUDA runs asynchronously: a step has taken its time only once the device is idle."""
    if DEVICE.type == "cuda":
        torch.cuda.synchronize()


def report(step, steps, g, d):
    for _ in range(2):
        step()
    wait()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        wait()
        times.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({
        "ms_per_step": round(sum(times) / len(times), 1),
        "ms_median": round(statistics.median(times), 1),
        "ms_min": round(min(times), 1),
        "g_params": sum(p.numel() for p in g.parameters()),
        "d_params": sum(p.numel() for p in d.parameters()),
        "threads": torch.get_num_threads(),
        "device": torch.cuda.get_device_name(DEVICE) if DEVICE.type == "cuda" else "cpu",
        "torch": torch.__version__,
    }))
