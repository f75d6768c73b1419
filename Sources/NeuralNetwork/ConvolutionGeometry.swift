/// The height, width and channels of the images in a batch; each image is one row of a
/// matrix, stored channel-last (height × width × channels), as image files store pixels.
public struct ImageShape: Codable, Equatable, Sendable, CustomStringConvertible {
    public var height: Int
    public var width: Int
    public var channels: Int

    public init(height: Int, width: Int, channels: Int) {
        self.height = height
        self.width = width
        self.channels = channels
    }

    public var size: Int { height * width * channels }
    public var description: String { "\(height)×\(width)×\(channels)" }
}

/// Where a square kernel sits for each output pixel of a strided convolution with Keras's
/// "same" padding (output = ⌈input / stride⌉, the padding split with the extra row or
/// column at the bottom and right), and the two index maps every convolution needs:
/// `gatherPatches` (im2col) lays each output pixel's receptive field out as a row, so the
/// convolution becomes one matrix product; `scatterPatches` (col2im) adds such rows back
/// into images, which is the adjoint and gives the input's gradient.
struct ConvolutionGeometry {
    let input: ImageShape
    let kernelSize: Int
    let stride: Int
    let outputHeight: Int
    let outputWidth: Int
    let padTop: Int
    let padLeft: Int

    init(input: ImageShape, kernelSize: Int, stride: Int) {
        precondition(kernelSize > 0 && stride > 0, "kernel size and stride must be positive")
        self.input = input
        self.kernelSize = kernelSize
        self.stride = stride
        outputHeight = (input.height + stride - 1) / stride
        outputWidth = (input.width + stride - 1) / stride
        padTop = max((outputHeight - 1) * stride + kernelSize - input.height, 0) / 2
        padLeft = max((outputWidth - 1) * stride + kernelSize - input.width, 0) / 2
    }

    /// Output pixels per image.
    var outputPixels: Int { outputHeight * outputWidth }
    /// Values in one receptive field: kernel height × kernel width × input channels.
    var patchSize: Int { kernelSize * kernelSize * input.channels }

    /// `patches[(image · outputPixels + pixel), :]` = the receptive field of that output
    /// pixel, zero where it hangs over the padding.
    func gatherPatches(_ images: UnsafePointer<Float>, count: Int, into patches: UnsafeMutablePointer<Float>) {
        let channels = input.channels
        forEachKernelPosition(images: count) { patch, pixel in
            if let pixel {
                (patches + patch).update(from: images + pixel, count: channels)
            } else {
                (patches + patch).update(repeating: 0, count: channels)
            }
        }
    }

    /// `images += scatter(patches)`: every patch value added back to the pixel it came from.
    func scatterPatches(_ patches: UnsafePointer<Float>, count: Int, into images: UnsafeMutablePointer<Float>) {
        let channels = input.channels
        forEachKernelPosition(images: count) { patch, pixel in
            guard let pixel else { return }
            let source = patches + patch, target = images + pixel
            for c in 0..<channels { target[c] += source[c] }
        }
    }

    /// Visits every kernel position of every output pixel of `images` images, in the
    /// order of the patches buffer: `patch` is where the position's channels start in
    /// that buffer, `pixel` where the input pixel under it starts, or nil over padding.
    @inline(__always)
    private func forEachKernelPosition(images: Int, _ body: (_ patch: Int, _ pixel: Int?) -> Void) {
        let channels = input.channels
        var patch = 0
        for image in 0..<images {
            let imageStart = image * input.size
            for oy in 0..<outputHeight {
                for ox in 0..<outputWidth {
                    for ky in 0..<kernelSize {
                        let iy = oy * stride + ky - padTop
                        for kx in 0..<kernelSize {
                            let ix = ox * stride + kx - padLeft
                            let inside = iy >= 0 && iy < input.height && ix >= 0 && ix < input.width
                            body(patch, inside ? imageStart + (iy * input.width + ix) * channels : nil)
                            patch += channels
                        }
                    }
                }
            }
        }
    }
}
