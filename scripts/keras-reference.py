"""Keras's own numbers for the book's VAE and for Nadam, the values the reference tests check.

    python3 -m venv /tmp/keras-venv
    /tmp/keras-venv/bin/pip install tensorflow-cpu==2.21.0 keras==3.15.1 numpy
    /tmp/keras-venv/bin/python scripts/keras-reference.py [output folder]

Writes `keras-vae-step.safetensors` and `keras-nadam.json` into the output folder
(by default `Tests/Resources/keras-reference` in this repository), with Keras 3 on the
TensorFlow backend in float32:

- the book's VAE (Dense 150 → 100 → μ, γ of 10; Dense 100 → 150 → 784, linear) with
  Glorot-uniform kernels and zero biases drawn from WEIGHTS_SEED; test images 0–15 of
  Fashion-MNIST (pixels ÷ 255, read from the IDX files); a noise ε of [16, 10] drawn from
  NOISE_SEED. Stored: the starting weights, the inputs, the encoder's and decoder's
  outputs, the loss (mean squared error + batch mean of −½ Σ (1 + γ − exp γ − μ²) / 784)
  and its two parts, the gradient of the loss at the starting weights, and the weights
  after 1 and 3 steps of Keras's Nadam with its defaults, every step on the same images
  and the same ε;
- Keras's Nadam alone on a vector of 4 numbers with 5 gradients, both drawn from
  NADAM_SEED: the parameters after each step.

The sampling layer computes the book's z = ε · exp(γ / 2) + μ, with ε given as an input
instead of drawn inside the layer, so that the same ε can be stored and used again.
Kernels are stored as Keras keeps them, [inputs, outputs]; biases as [outputs].
"""
import gzip
import json
import os
import struct
import sys

os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import keras
import tensorflow as tf

WEIGHTS_SEED = 1729   # the Glorot-uniform starting kernels
NOISE_SEED = 4217     # the sampling layer's ε
NADAM_SEED = 3141     # the Nadam check's starting vector and gradients
IMAGES = 16           # test images 0 ..< IMAGES
CODINGS = 10

DATA = os.environ.get("FASHION_MNIST", "/usr/share/datasets/fashion-mnist")
REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUTPUT = os.path.join(REPOSITORY, "Tests", "Resources", "keras-reference")

LAYERS = [  # name in the files, inputs, outputs, activation
    ("encoder.dense1", 784, 150, "relu"),
    ("encoder.dense2", 150, 100, "relu"),
    ("encoder.mean", 100, CODINGS, None),
    ("encoder.log_var", 100, CODINGS, None),
    ("decoder.dense1", CODINGS, 100, "relu"),
    ("decoder.dense2", 100, 150, "relu"),
    ("decoder.output", 150, 784, None),
]


def idx_images(name, count):
    """The first `count` images of an IDX image file, as float32 rows of pixels ÷ 255."""
    with gzip.open(os.path.join(DATA, name)) as file:
        data = file.read()
    magic, total, rows, columns = struct.unpack(">4I", data[:16])
    assert magic == 0x0803 and total >= count, f"{name} is not an IDX file of {count} images or more"
    pixels = np.frombuffer(data[16:16 + count * rows * columns], np.uint8)
    return pixels.reshape(count, rows * columns).astype("float32") / np.float32(255)


class Sampling(keras.layers.Layer):
    """The book's sampling layer, with the noise ε as its third input."""

    def call(self, inputs):
        mean, log_var, eps = inputs
        return eps * keras.ops.exp(log_var / 2) + mean


def build_model():
    """The book's encoder and decoder, and the Dense layers by their names in the files."""
    keras.utils.set_random_seed(WEIGHTS_SEED)
    dense = {name: keras.layers.Dense(outputs, activation=activation, name=name.replace(".", "_"))
             for name, _, outputs, activation in LAYERS}

    images = keras.layers.Input(shape=[784])
    eps = keras.layers.Input(shape=[CODINGS])
    z = dense["encoder.dense2"](dense["encoder.dense1"](images))
    mean, log_var = dense["encoder.mean"](z), dense["encoder.log_var"](z)
    codings = Sampling()([mean, log_var, eps])
    encoder = keras.Model(inputs=[images, eps], outputs=[mean, log_var, codings])

    decoder_inputs = keras.layers.Input(shape=[CODINGS])
    x = dense["decoder.dense2"](dense["decoder.dense1"](decoder_inputs))
    decoder = keras.Model(inputs=[decoder_inputs], outputs=[dense["decoder.output"](x)])
    return encoder, decoder, dense


def losses(encoder, decoder, images, eps):
    """The forward pass and the book's loss: mean squared error + batch-mean latent loss / 784."""
    mean, log_var, codings = encoder([images, eps])
    reconstruction = decoder(codings)
    mse = keras.ops.mean(keras.ops.square(images - reconstruction))
    latent = -0.5 * keras.ops.sum(1 + log_var - keras.ops.exp(log_var) - keras.ops.square(mean), axis=-1)
    latent = keras.ops.mean(latent) / 784.0
    outputs = {"forward.mean": mean, "forward.log_var": log_var, "forward.z": codings,
               "forward.reconstruction": reconstruction}
    return mse + latent, mse, latent, outputs


def weights(dense, prefix):
    tensors = {}
    for name, layer in dense.items():
        tensors[f"{prefix}{name}.kernel"] = layer.kernel.numpy()
        tensors[f"{prefix}{name}.bias"] = layer.bias.numpy()
    return tensors


def vae_reference():
    encoder, decoder, dense = build_model()
    variables = [v for name in dense for v in (dense[name].kernel, dense[name].bias)]
    names = [f"{name}.{part}" for name in dense for part in ("kernel", "bias")]
    images = keras.ops.convert_to_tensor(idx_images("t10k-images-idx3-ubyte.gz", IMAGES))
    eps = keras.random.normal((IMAGES, CODINGS), seed=NOISE_SEED, dtype="float32")

    tensors = weights(dense, "initial.")
    tensors["input.images"] = keras.ops.convert_to_numpy(images)
    tensors["input.eps"] = keras.ops.convert_to_numpy(eps)

    optimizer = keras.optimizers.Nadam()  # learning rate 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7
    for step in (1, 2, 3):
        with tf.GradientTape() as tape:
            loss, mse, latent, outputs = losses(encoder, decoder, images, eps)
        gradients = tape.gradient(loss, variables)
        if step == 1:
            for name, value in outputs.items():
                tensors[name] = keras.ops.convert_to_numpy(value)
            tensors["forward.loss"] = np.reshape(keras.ops.convert_to_numpy(loss), [1])
            tensors["forward.mse"] = np.reshape(keras.ops.convert_to_numpy(mse), [1])
            tensors["forward.latent"] = np.reshape(keras.ops.convert_to_numpy(latent), [1])
            for name, gradient in zip(names, gradients):
                tensors["gradient." + name] = keras.ops.convert_to_numpy(gradient)
        optimizer.apply_gradients(zip(gradients, variables))
        if step in (1, 3):
            tensors.update(weights(dense, f"after_step{step}."))
    return tensors


def nadam_reference():
    generator = np.random.default_rng(NADAM_SEED)
    initial = generator.uniform(-3, 3, size=4).astype("float32")
    # Gradients of different sizes from step to step, one of them zero in one place.
    scales = np.array([0.1, 1.0, 0.01, 3.0, 0.5], "float32")[:, None]
    gradients = (generator.standard_normal((5, 4)).astype("float32") * scales).astype("float32")
    gradients[2, 1] = 0
    variable = keras.Variable(initial, dtype="float32")
    optimizer = keras.optimizers.Nadam()
    after = []
    for gradient in gradients:
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(gradient), variable)])
        after.append(variable.numpy().copy())
    return initial, gradients, after


def write_safetensors(tensors, metadata, path):
    """The safetensors format: header length (u64, little-endian), JSON header, raw float32 data."""
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name in sorted(tensors):
        array = np.ascontiguousarray(tensors[name], dtype="<f4")
        blob = array.tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-(8 + len(text)) % 8)  # the data starts on an 8-byte boundary
    with open(path, "wb") as file:
        file.write(struct.pack("<Q", len(text)))
        file.write(text)
        for blob in blobs:
            file.write(blob)


def main():
    assert keras.backend.backend() == "tensorflow", keras.backend.backend()
    keras.backend.set_floatx("float32")
    output = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUTPUT
    os.makedirs(output, exist_ok=True)
    provenance = {
        "produced_by": "scripts/keras-reference.py",
        "keras": keras.__version__,
        "tensorflow": tf.__version__,
        "backend": keras.backend.backend(),
        "dtype": "float32",
    }

    tensors = vae_reference()
    metadata = dict(provenance, weights_seed=str(WEIGHTS_SEED), noise_seed=str(NOISE_SEED),
                    images=f"Fashion-MNIST t10k-images-idx3-ubyte, images 0-{IMAGES - 1}, pixels / 255",
                    optimizer="Keras Nadam defaults: learning_rate 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7")
    write_safetensors(tensors, metadata, os.path.join(output, "keras-vae-step.safetensors"))

    initial, gradients, after = nadam_reference()
    nadam = {
        "optimizer": "Keras 3 Nadam defaults: learning_rate 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7",
        "metadata": dict(provenance, nadam_seed=NADAM_SEED),
        "initial": [float(x) for x in initial],
        "gradients": [[float(x) for x in g] for g in gradients],
        "parameters_after_each_step": [[float(x) for x in a] for a in after],
    }
    with open(os.path.join(output, "keras-nadam.json"), "w") as file:
        json.dump(nadam, file, indent=1)
        file.write("\n")
    print(f"Keras {keras.__version__}, TensorFlow {tf.__version__}: wrote {len(tensors)} tensors "
          f"(loss {tensors['forward.loss'][0]:.6f}) and 5 Nadam steps to {output}")


if __name__ == "__main__":
    main()
