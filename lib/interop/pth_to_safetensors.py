"""Converts a PyTorch state dict (.pth, e.g. BigGAN-PyTorch's G_ema.pth) to safetensors for BigGAN.ts.

    python3 pth_to_safetensors.py G_ema.pth G_ema.safetensors

Needs torch and numpy. Writes the safetensors format itself (an 8-byte header length, a JSON header, then the raw
little-endian arrays), so the `safetensors` package is not needed. Floats are stored as F32, integers as I32.
"""
import json
import struct
import sys

import torch


def main(src, dst):
    state = torch.load(src, map_location='cpu')
    if 'state_dict' in state and isinstance(state['state_dict'], dict):
        state = state['state_dict']
    tensors = {k: v.detach().float().contiguous() if v.is_floating_point() else v.detach().int().contiguous()
               for k, v in state.items() if torch.is_tensor(v)}
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.numpy().tobytes()
        header[name] = {'dtype': 'F32' if t.is_floating_point() else 'I32', 'shape': list(t.shape),
                        'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header).encode()
    raw += b' ' * ((8 - len(raw) % 8) % 8)
    with open(dst, 'wb') as f:
        f.write(struct.pack('<Q', len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)
    print(f'{len(tensors)} tensors -> {dst}')


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
