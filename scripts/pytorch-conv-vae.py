"""The convolutional VAE of `vae train --architecture conv --likelihood bernoulli` in
PyTorch on the CPU, timed, for comparison with `vae train` on the same machine.

    python3 -m venv /tmp/torch && /tmp/torch/bin/pip install torch==2.15.0 numpy
    /usr/bin/time -v /tmp/torch/bin/python scripts/pytorch-conv-vae.py [epochs, default 3]

The same layers and sizes (two stride-2 3 × 3 convolutions of 32 and 64 filters, dense
150 and 100, codings of 10, the decoder mirrored with transposed convolutions), the
Bernoulli likelihood from logits summed over pixels plus the KL in nats, Nadam with a
learning rate of 0.001, batches of 128, and the split of `vae train` (55,000 training and
5,000 validation images of Fashion-MNIST, read from Debian's IDX files). Two threads, as
the machine has two cores. Prints each epoch's seconds and losses, and the median.
"""
import gzip
import os
import statistics
import sys
import time

import numpy as np
import torch
from torch import nn

DATA = os.environ.get("FASHION_MNIST", "/usr/share/datasets/fashion-mnist")
torch.set_num_threads(int(os.environ.get("THREADS", "2")))
torch.manual_seed(42)


def idx_images(name):
    with gzip.open(os.path.join(DATA, name)) as file:
        data = file.read()
    count, rows, columns = np.frombuffer(data[4:16], ">u4")
    return np.frombuffer(data[16:], np.uint8).reshape(count, 1, rows, columns).astype("float32") / 255


class VAE(nn.Module):
    def __init__(self, codings=10):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.ReLU(), nn.Flatten(),
            nn.Linear(7 * 7 * 64, 150), nn.ReLU(), nn.Linear(150, 100), nn.ReLU())
        self.mean = nn.Linear(100, codings)
        self.log_var = nn.Linear(100, codings)
        self.decoder = nn.Sequential(
            nn.Linear(codings, 100), nn.ReLU(), nn.Linear(100, 150), nn.ReLU(),
            nn.Linear(150, 7 * 7 * 64), nn.ReLU(), nn.Unflatten(1, (64, 7, 7)),
            nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
            nn.ConvTranspose2d(32, 1, 3, stride=2, padding=1, output_padding=1))

    def loss(self, x):
        features = self.encoder(x)
        mean, log_var = self.mean(features), self.log_var(features)
        z = torch.randn_like(mean) * torch.exp(log_var / 2) + mean
        logits = self.decoder(z)
        reconstruction = nn.functional.binary_cross_entropy_with_logits(logits, x, reduction="sum") / len(x)
        kl = -0.5 * torch.sum(1 + log_var - torch.exp(log_var) - mean ** 2) / len(x)
        return reconstruction + kl


def main():
    epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    images = torch.from_numpy(idx_images("train-images-idx3-ubyte.gz"))
    training, validation = images[:55000], images[55000:]
    model = VAE()
    optimizer = torch.optim.NAdam(model.parameters(), lr=0.001, eps=1e-7)
    seconds = []
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        model.train()
        order = torch.randperm(len(training))
        total = 0.0
        for first in range(0, len(training), 128):
            batch = training[order[first:first + 128]]
            loss = model.loss(batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        model.eval()
        with torch.no_grad():
            validation_loss = sum(model.loss(validation[i:i + 128]).item() * len(validation[i:i + 128])
                                  for i in range(0, len(validation), 128)) / len(validation)
        seconds.append(time.perf_counter() - start)
        print(f"Epoch {epoch}/{epochs} - {seconds[-1]:.2f}s - loss: {total / len(training):.4f}"
              f" - val_loss: {validation_loss:.4f}", flush=True)
    steady = seconds[1:] if len(seconds) > 1 else seconds
    print(f"median seconds per epoch (after the first): {statistics.median(steady):.2f}")


if __name__ == "__main__":
    main()
