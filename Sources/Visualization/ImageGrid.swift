import Storage
import Foundation
import NumericCore

/// Lays images out in a grid a person can look at: values clipped to [0, 1], each pixel
/// scaled up to a square of `scale` pixels, images separated by a thin border.
public struct ImageGrid: Sendable {
    public var imageHeight: Int
    public var imageWidth: Int
    /// 1 for grey, 3 for RGB; pixels are stored channel-last, as image files store them.
    public var channels: Int
    public var columns: Int
    public var scale: Int
    public var border: Int
    /// The border's grey level.
    public var borderValue: UInt8

    public init(imageHeight: Int, imageWidth: Int, channels: Int = 1, columns: Int,
                scale: Int = 3, border: Int = 2, borderValue: UInt8 = 128) {
        self.imageHeight = imageHeight
        self.imageWidth = imageWidth
        self.channels = channels
        self.columns = max(columns, 1)
        self.scale = max(scale, 1)
        self.border = max(border, 0)
        self.borderValue = borderValue
    }

    /// The grid of `images` (one per row), its pixels and size.
    public func render(_ images: Matrix) -> (pixels: [UInt8], width: Int, height: Int) {
        precondition(images.columns == imageHeight * imageWidth * channels, "images do not match the grid's image shape")
        let count = images.rows
        let gridRows = max((count + columns - 1) / columns, 1)
        let cellWidth = imageWidth * scale, cellHeight = imageHeight * scale
        let width = columns * cellWidth + (columns + 1) * border
        let height = gridRows * cellHeight + (gridRows + 1) * border
        var pixels = [UInt8](repeating: borderValue, count: width * height * channels)
        var bytes = [UInt8](repeating: 0, count: images.columns)
        let rowLength = imageWidth * channels
        pixels.withUnsafeMutableBufferPointer { target in
            for index in 0..<count {
                let left = border + (index % columns) * (cellWidth + border)
                let top = border + (index / columns) * (cellHeight + border)
                let image = images.row(index)
                for i in 0..<images.columns { bytes[i] = Self.byte(image[i]) }
                for y in 0..<cellHeight {
                    let sourceRow = (y / scale) * rowLength
                    let targetRow = ((top + y) * width + left) * channels
                    if scale == 1 {
                        for i in 0..<rowLength { target[targetRow + i] = bytes[sourceRow + i] }
                        continue
                    }
                    for x in 0..<cellWidth {
                        for c in 0..<channels {
                            target[targetRow + x * channels + c] = bytes[sourceRow + (x / scale) * channels + c]
                        }
                    }
                }
            }
        }
        return (pixels, width, height)
    }

    /// The grid as PNG bytes.
    public func png(_ images: Matrix) throws -> Data {
        let (pixels, width, height) = render(images)
        return try PNG.encode(pixels: pixels, width: width, height: height, channels: channels)
    }

    /// Writes the grid to a PNG file, atomically.
    public func write(_ images: Matrix, to url: URL) throws {
        try AtomicFile.write(png(images), to: url)
    }

    /// A value in [0, 1] as a byte; outside values are clipped, NaN shows as black.
    static func byte(_ value: Float) -> UInt8 {
        guard value > 0 else { return 0 }
        return value >= 1 ? 255 : UInt8(value * 255 + 0.5)  // rounds half up, as .rounded() does for positives
    }
}
