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
    /// How many positions of each kernel row, from its left, the kernel has: all of them,
    /// but for a masked convolution, whose kernel stops at its centre pixel (`masked`).
    private(set) var rowWidths: [Int]

    init(input: ImageShape, kernelSize: Int, stride: Int) {
        precondition(kernelSize > 0 && stride > 0, "kernel size and stride must be positive")
        self.input = input
        self.kernelSize = kernelSize
        self.stride = stride
        outputHeight = (input.height + stride - 1) / stride
        outputWidth = (input.width + stride - 1) / stride
        padTop = max((outputHeight - 1) * stride + kernelSize - input.height, 0) / 2
        padLeft = max((outputWidth - 1) * stride + kernelSize - input.width, 0) / 2
        rowWidths = Array(repeating: kernelSize, count: kernelSize)
    }

    /// A stride-1 geometry whose kernel holds only the positions before its centre in raster
    /// order (the rows above it, and the centre row's left half), and the centre itself when
    /// `includingCentre`: a PixelCNN's masked kernel without its zeros.
    init(masked input: ImageShape, kernelSize: Int, includingCentre: Bool) {
        self.init(input: input, kernelSize: kernelSize, stride: 1, rowWidths: (0..<kernelSize).map { row in
            let centre = kernelSize / 2
            return row < centre ? kernelSize : row == centre ? centre + (includingCentre ? 1 : 0) : 0
        })
    }

    private init(input: ImageShape, kernelSize: Int, stride: Int, rowWidths: [Int]) {
        self.init(input: input, kernelSize: kernelSize, stride: stride)
        self.rowWidths = rowWidths
    }

    /// The same kernel, stride and padding on images of `height` rows (stride 1 only, so
    /// each output row keeps its input rows): the first rows of the output are unchanged.
    func withInputHeight(_ height: Int) -> ConvolutionGeometry {
        precondition(stride == 1 && height >= 1, "only a stride-1 convolution keeps its rows on fewer of them")
        return ConvolutionGeometry(input: ImageShape(height: height, width: input.width, channels: input.channels),
                                   kernelSize: kernelSize, stride: stride, rowWidths: rowWidths)
    }

    /// Output pixels per image.
    var outputPixels: Int { outputHeight * outputWidth }
    /// Values in one receptive field: kernel height × kernel width × input channels (fewer
    /// for a masked kernel).
    var patchSize: Int { rowWidths.reduce(0, +) * input.channels }

    /// `patches[(image · outputPixels + pixel), :]` = the receptive field of that output
    /// pixel, zero where it hangs over the padding.
    func gatherPatches(_ images: UnsafePointer<Float>, count: Int, into patches: UnsafeMutablePointer<Float>) {
        forEachKernelRow(images: count) { patch, pixel, first, end, width in
            let channels = input.channels
            if first > 0 { (patches + patch).update(repeating: 0, count: first * channels) }
            if end > first {
                (patches + patch + first * channels).update(from: images + pixel + first * channels, count: (end - first) * channels)
            }
            if end < width { (patches + patch + end * channels).update(repeating: 0, count: (width - end) * channels) }
        }
    }

    /// `images += scatter(patches)`: every patch value added back to the pixel it came from.
    func scatterPatches(_ patches: UnsafePointer<Float>, count: Int, into images: UnsafeMutablePointer<Float>) {
        forEachKernelRow(images: count) { patch, pixel, first, end, _ in
            let channels = input.channels
            let source = patches + patch + first * channels, target = images + pixel + first * channels
            for i in 0..<((end - first) * channels) { target[i] += source[i] }
        }
    }

    /// Visits every row of the kernel (its `width` positions side by side, which read
    /// neighbouring input pixels) of every output pixel of `images` images, in the order of
    /// the patches buffer: `patch` is where the row starts in that buffer, `pixel` where its
    /// first position would start in the images, and positions `first..<end` lie inside the
    /// image (none when the row is over the top or bottom padding).
    @inline(__always)
    private func forEachKernelRow(images: Int, _ body: (_ patch: Int, _ pixel: Int, _ first: Int, _ end: Int, _ width: Int) -> Void) {
        let channels = input.channels
        var patch = 0
        for image in 0..<images {
            let imageStart = image * input.size
            for oy in 0..<outputHeight {
                for ox in 0..<outputWidth {
                    let x0 = ox * stride - padLeft
                    for ky in 0..<kernelSize {
                        let width = rowWidths[ky]
                        guard width > 0 else { continue }
                        let first = min(max(0, -x0), width), end = min(width, input.width - x0)
                        let iy = oy * stride + ky - padTop
                        let rowInside = iy >= 0 && iy < input.height
                        body(patch, imageStart + (iy * input.width + x0) * channels,
                             rowInside ? first : width, rowInside ? max(first, end) : width, width)
                        patch += width * channels
                    }
                }
            }
        }
    }
}
