import NeuralNetwork

/// The layers of an encoder and a decoder, described before any is built, so that a
/// configuration's sizes can be checked and its parameters counted without allocating.
struct LayerPlan {
    enum Layer {
        case dense(name: String, inputs: Int, outputs: Int, activation: Activation)
        case convolution(name: String, input: ImageShape, filters: Int, kernel: Int = kernelSize, stride: Int, activation: Activation)
        case transposedConvolution(name: String, input: ImageShape, filters: Int, stride: Int, activation: Activation)

        static let kernelSize = 3

        /// Weights and biases, or nil if the count overflows.
        var parameterCount: Int? {
            let (weights, outputs): (Int, Int) = switch self {
            case let .dense(_, inputs, outputs, _): (inputs, outputs)
            case let .convolution(_, input, filters, kernel, _, _): (kernel * kernel * input.channels, filters)
            case let .transposedConvolution(_, input, filters, _, _): (Self.kernelSize * Self.kernelSize * input.channels, filters)
            }
            guard weights < 1 << 40, outputs < 1 << 30 else { return nil }
            let (count, overflow) = (weights + 1).multipliedReportingOverflow(by: outputs)
            return overflow ? nil : count
        }

        /// Multiply-adds of the forward pass for one image: a convolution's kernel is
        /// applied at every pixel of its smaller side.
        var multiplyAdds: Int {
            switch self {
            case let .dense(_, inputs, outputs, _): inputs * outputs
            case let .convolution(_, input, filters, kernel, stride, _):
                (input.height / stride) * (input.width / stride) * kernel * kernel * input.channels * filters
            case let .transposedConvolution(_, input, filters, _, _):
                input.height * input.width * Self.kernelSize * Self.kernelSize * input.channels * filters
            }
        }

        func make<G: RandomNumberGenerator>(_ generator: inout G) -> any NeuralNetwork.Layer {
            switch self {
            case let .dense(name, inputs, outputs, activation):
                Dense(inputs, outputs, activation: activation, name: name, generator: &generator)
            case let .convolution(name, input, filters, kernel, stride, activation):
                Convolution2D(input: input, filters: filters, kernelSize: kernel, stride: stride,
                              activation: activation, name: name, generator: &generator)
            case let .transposedConvolution(name, input, filters, stride, activation):
                TransposedConvolution2D(input: input, filters: filters, kernelSize: Self.kernelSize, stride: stride,
                                        activation: activation, name: name, generator: &generator)
            }
        }
    }

    var encoder: [Layer] = []
    var mean: Layer
    var logVariance: Layer
    var decoder: [Layer] = []

    /// Encoder: [stride-2 convolutions,] dense hidden layers, then the μ and γ heads side by side.
    /// Decoder: the dense layers mirrored, [a dense projection to the smallest feature map
    /// and transposed convolutions mirroring the encoder's,] ending with one output per
    /// pixel with the likelihood's activation.
    init(_ configuration: ModelConfiguration) throws(ConfigurationError) {
        precondition(configuration.family != .vqVAE, "the layer plan of a VAE")
        let activation = configuration.activation
        var shape = configuration.imageShape
        if configuration.architecture == .conv {
            for (index, filters) in configuration.filters.enumerated() {
                encoder.append(.convolution(name: "encoder.conv\(index + 1)", input: shape, filters: filters,
                                            stride: 2, activation: activation))
                shape = ImageShape(height: shape.height / 2, width: shape.width / 2, channels: filters)
            }
        }
        let convolved = shape
        var width = shape.size
        for (index, size) in configuration.hidden.enumerated() {
            encoder.append(.dense(name: "encoder.dense\(index + 1)", inputs: width, outputs: size, activation: activation))
            width = size
        }
        mean = .dense(name: "encoder.mean", inputs: width, outputs: configuration.codingSize, activation: .linear)
        logVariance = .dense(name: "encoder.log_var", inputs: width, outputs: configuration.codingSize, activation: .linear)

        width = configuration.codingSize
        for (index, size) in configuration.hidden.reversed().enumerated() {
            decoder.append(.dense(name: "decoder.dense\(index + 1)", inputs: width, outputs: size, activation: activation))
            width = size
        }
        let output = Activation.linear  // the likelihood reads the raw output (logits for Bernoulli)
        if configuration.architecture == .conv {
            decoder.append(.dense(name: "decoder.project", inputs: width, outputs: convolved.size, activation: activation))
            shape = convolved
            // The encoder's convolutions in reverse: each maps back to the channels the
            // matching convolution took in, the last one to the image's own channels.
            let filters = configuration.filters
            for index in filters.indices.reversed() {
                let last = index == 0
                let channels = last ? configuration.channels : filters[index - 1]
                decoder.append(.transposedConvolution(
                    name: last ? "decoder.output" : "decoder.deconv\(filters.count - index)", input: shape,
                    filters: last ? configuration.decoderOutputsPerPixel : channels, stride: 2,
                    activation: last ? output : activation))
                shape = ImageShape(height: shape.height * 2, width: shape.width * 2, channels: channels)
            }
        } else {
            decoder.append(.dense(name: "decoder.output", inputs: width, outputs: configuration.decoderOutputs, activation: output))
        }
        guard parameterCount != nil else { throw ConfigurationError("the model is too large to count its parameters") }
    }

    var parameterCount: Int? { Self.count(encoder + [mean, logVariance] + decoder) }

    /// The parameters of `layers` and `extra` more, or nil if the count overflows.
    static func count(_ layers: [Layer], extra: Int = 0) -> Int? {
        var total = extra
        for layer in layers {
            guard let count = layer.parameterCount else { return nil }
            let (sum, overflow) = total.addingReportingOverflow(count)
            guard !overflow else { return nil }
            total = sum
        }
        return total
    }
}

/// The layers of a VQ-VAE: stride-2 convolutions down to the grid of codes, a 3×3 and a
/// 1×1 convolution to the codes' dimension; the decoder a 3×3 convolution back and
/// transposed convolutions mirroring the encoder's.
struct VectorQuantizedPlan {
    var encoder: [LayerPlan.Layer] = []
    var decoder: [LayerPlan.Layer] = []
    /// The grid of codes: positions × the codes' dimension.
    let grid: ImageShape

    init(_ configuration: ModelConfiguration, quantizer: VectorQuantizerSettings) {
        let activation = configuration.activation, filters = configuration.filters
        var shape = configuration.imageShape
        for (index, count) in filters.enumerated() {
            encoder.append(.convolution(name: "encoder.conv\(index + 1)", input: shape, filters: count, stride: 2, activation: activation))
            shape = ImageShape(height: shape.height / 2, width: shape.width / 2, channels: count)
        }
        let features = shape
        encoder.append(.convolution(name: "encoder.conv\(filters.count + 1)", input: shape, filters: features.channels,
                                    stride: 1, activation: activation))
        encoder.append(.convolution(name: "encoder.codes", input: shape, filters: quantizer.codeDimension, kernel: 1,
                                    stride: 1, activation: .linear))
        grid = ImageShape(height: shape.height, width: shape.width, channels: quantizer.codeDimension)
        codebookValues = quantizer.codebookSize * quantizer.codeDimension
        decoder.append(.convolution(name: "decoder.conv", input: grid, filters: features.channels, stride: 1, activation: activation))
        shape = features
        for index in filters.indices.reversed() {
            let last = index == 0
            let channels = last ? configuration.channels : filters[index - 1]
            decoder.append(.transposedConvolution(name: last ? "decoder.output" : "decoder.deconv\(filters.count - index)",
                                                  input: shape, filters: last ? configuration.decoderOutputsPerPixel : channels,
                                                  stride: 2,
                                                  activation: last ? .linear : activation))
            shape = ImageShape(height: shape.height * 2, width: shape.width * 2, channels: channels)
        }
    }

    /// Values of the codebook.
    let codebookValues: Int

    var parameterCount: Int? { LayerPlan.count(encoder + decoder, extra: codebookValues) }
}

extension ModelConfiguration {
    /// Multiply-adds of one image's forward pass: what an epoch costs, relative to another
    /// model's (nil for a configuration that describes no model).
    public var multiplyAddsPerImage: Int? {
        switch family {
        case .vae, .rae, .twoStage:
            guard let plan = try? LayerPlan(self) else { return nil }
            return (plan.encoder + [plan.mean, plan.logVariance] + plan.decoder).reduce(0) { $0 + $1.multiplyAdds }
        case .vqVAE:
            guard let quantizer else { return nil }
            let plan = VectorQuantizedPlan(self, quantizer: quantizer)
            return (plan.encoder + plan.decoder).reduce(0) { $0 + $1.multiplyAdds }
        }
    }
}
