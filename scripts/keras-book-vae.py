"""The book's VAE in Keras 3, timed, for comparison with `vae train` on the same machine.

    python3 -m venv /tmp/keras && /tmp/keras/bin/pip install keras==3.15.1 "jax[cpu]==0.10.2"
    KERAS_BACKEND=jax /usr/bin/time -v /tmp/keras/bin/python scripts/keras-book-vae.py

Same model, losses, optimizer, batch size, epochs and split as `vae train` (55,000 training
and 5,000 validation images of Fashion-MNIST read from Debian's IDX files). Prints each
epoch's seconds and the final validation loss. Keras 3 removed `add_loss` on symbolic
tensors, so the latent loss is added by a layer, which computes the same thing.
"""
import gzip
import os
import time

import numpy as np
import keras

DATA = os.environ.get("FASHION_MNIST", "/usr/share/datasets/fashion-mnist")


def idx_images(name):
    with gzip.open(os.path.join(DATA, name)) as file:
        data = file.read()
    count, rows, columns = np.frombuffer(data[4:16], ">u4")
    return np.frombuffer(data[16:], np.uint8).reshape(count, rows, columns).astype("float32") / 255


class Sampling(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.seeds = keras.random.SeedGenerator(42)

    def call(self, inputs):
        mean, log_var = inputs
        return keras.random.normal(keras.ops.shape(log_var), seed=self.seeds) * keras.ops.exp(log_var / 2) + mean


class LatentLoss(keras.layers.Layer):
    def call(self, inputs):
        mean, log_var = inputs
        latent = -0.5 * keras.ops.sum(1 + log_var - keras.ops.exp(log_var) - keras.ops.square(mean), axis=-1)
        self.add_loss(keras.ops.mean(latent) / 784.0)
        return mean


class EpochTimes(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        print(f"epoch {epoch + 1}: {time.perf_counter() - self.start:.3f} s, val_loss {logs['val_loss']:.4f}", flush=True)


def main():
    started = time.perf_counter()
    images = idx_images("train-images-idx3-ubyte.gz")
    train, valid = images[:-5000], images[-5000:]
    codings_size = 10

    inputs = keras.layers.Input(shape=[28, 28])
    z = keras.layers.Flatten()(inputs)
    z = keras.layers.Dense(150, activation="relu")(z)
    z = keras.layers.Dense(100, activation="relu")(z)
    codings_mean = keras.layers.Dense(codings_size)(z)
    codings_log_var = keras.layers.Dense(codings_size)(z)
    codings_mean = LatentLoss()([codings_mean, codings_log_var])
    codings = Sampling()([codings_mean, codings_log_var])
    encoder = keras.Model(inputs=[inputs], outputs=[codings_mean, codings_log_var, codings])

    decoder_inputs = keras.layers.Input(shape=[codings_size])
    x = keras.layers.Dense(100, activation="relu")(decoder_inputs)
    x = keras.layers.Dense(150, activation="relu")(x)
    x = keras.layers.Dense(28 * 28)(x)
    outputs = keras.layers.Reshape([28, 28])(x)
    decoder = keras.Model(inputs=[decoder_inputs], outputs=[outputs])

    _, _, codings = encoder(inputs)
    model = keras.Model(inputs=[inputs], outputs=[decoder(codings)])
    model.compile(loss="mse", optimizer="nadam")
    model.fit(train, train, epochs=25, batch_size=128, validation_data=(valid, valid), verbose=0,
              callbacks=[EpochTimes()])
    print(f"backend {keras.backend.backend()}, whole script {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
