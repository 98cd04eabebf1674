#!/usr/bin/env python3
"""The seed program in PyTorch on CUDA, for the side-by-side figure of scripts/gpu-check.sh.

A port of shared/peers/torch_seed_mlp.py's --mode custom to device cuda: MLP 784-150-10
(ReLU, dropout keep 0.75), Glorot-uniform variables with TF's fan rules, the seed's custom
softmax cross-entropy whose gradient is sm - y (unscaled), Adam(1e-3), 3000 steps of 128.
Needs no network: reads the four MNIST .gz files from --data-dir.

  python3 bench/gpu/torch_seed_gpu.py --data-dir dist/gpu-bundle/mnist
Prints the seed's lines every 500 steps, then one line: RESULT {json}.
"""
import argparse
import gzip
import json
import os
import struct
import time

ap = argparse.ArgumentParser()
ap.add_argument("--data-dir", required=True)
ap.add_argument("--steps", type=int, default=3000)
ap.add_argument("--batch", type=int, default=128)
ap.add_argument("--seed", type=int, default=0)
ap.add_argument("--print-every", type=int, default=500)
ap.add_argument("--device", default="cuda")
args = ap.parse_args()

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

dev = torch.device(args.device)
torch.manual_seed(args.seed)


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = struct.unpack(">I", data[:4])[0] & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(d):
    def images(name):
        return torch.from_numpy(read_idx(os.path.join(d, name)).reshape(-1, 784).astype(np.float32) / 255.0).to(dev)

    def labels(name):
        return torch.from_numpy(read_idx(os.path.join(d, name)).astype(np.int64)).to(dev)

    xtr, ytr = images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz")
    xte, yte = images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz")
    return xtr, ytr, F.one_hot(ytr, 10).to(torch.float32), xte, yte


class SeedSoftmaxXent(torch.autograd.Function):
    """The seed's custom op: forward clip/softmax/clip/log/mean, gradient sm - y."""

    @staticmethod
    def forward(ctx, x, y):
        e = x.clamp(-20.0, 20.0).exp()
        sm = e / e.sum(dim=1, keepdim=True)
        ctx.save_for_backward(sm, y)
        return (-(sm.clamp(1e-10, 1.0).log()) * y).mean()

    @staticmethod
    def backward(ctx, dy):
        sm, y = ctx.saved_tensors
        return sm - y, None  # exactly the seed: not scaled by dy or 1/N


def glorot_uniform(shape):
    fan_in, fan_out = (shape[0], shape[0]) if len(shape) == 1 else shape
    limit = (6.0 / (fan_in + fan_out)) ** 0.5
    return torch.empty(shape, device=dev).uniform_(-limit, limit).requires_grad_()


def main():
    t0 = time.perf_counter()
    xtr, ytr, ytr_1h, xte, yte = load(args.data_dir)
    print(f"data {args.data_dir} loaded in {time.perf_counter() - t0:.2f}s; torch {torch.__version__} on "
          f"{torch.cuda.get_device_name(dev) if dev.type == 'cuda' else dev}", flush=True)
    W0, b0 = glorot_uniform((784, 150)), glorot_uniform((150,))
    W1, b1 = glorot_uniform((150, 10)), glorot_uniform((10,))
    opt = torch.optim.Adam([W0, b0, W1, b1], lr=1e-3)

    n = xtr.shape[0]
    gen = torch.Generator().manual_seed(args.seed + 1)
    perm, pos = torch.randperm(n, generator=gen).to(dev), 0

    def next_batch():
        nonlocal perm, pos
        if pos + args.batch > n:  # like mnist.train.next_batch: carry the tail into the next epoch
            rest = perm[pos:]
            perm = torch.randperm(n, generator=gen).to(dev)
            pos = args.batch - rest.shape[0]
            return torch.cat([rest, perm[:pos]])
        pos += args.batch
        return perm[pos - args.batch:pos]

    if dev.type == "cuda":
        torch.cuda.synchronize()
    t1 = time.perf_counter()
    for step in range(args.steps):
        idx = next_batch()
        h = torch.relu(torch.addmm(b0, xtr.index_select(0, idx), W0))
        h = F.dropout(h, p=0.25, training=True)
        logits = torch.addmm(b1, h, W1)
        loss = SeedSoftmaxXent.apply(logits, ytr_1h.index_select(0, idx))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if args.print_every and step % args.print_every == 0:
            acc = (logits.argmax(1) == ytr.index_select(0, idx)).float().mean().item()
            print(f"step: {step}\naccuracy = {acc:.4f}\nloss = {loss.item():.6f}", flush=True)
    if dev.type == "cuda":
        torch.cuda.synchronize()
    t_train = time.perf_counter() - t1

    with torch.no_grad():
        test_acc = (torch.addmm(b1, torch.relu(torch.addmm(b0, xte, W0)), W1).argmax(1) == yte).float().mean().item()
    print(f"test accuracy = {test_acc:.4f}")
    print("RESULT " + json.dumps(dict(system="pytorch", version=torch.__version__, device=str(dev), steps=args.steps,
                                      train_s=round(t_train, 3), steps_per_s=round(args.steps / t_train, 1),
                                      test_acc=round(test_acc, 4))), flush=True)


main()
