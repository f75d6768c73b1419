import CStb

/// The colour behind transparent pixels when a picture with an alpha channel is flattened.
public enum Background: String, Codable, CaseIterable, Sendable {
    case white, black

    var level: Float { self == .white ? 255 : 0 }
}

/// Turns a decoded picture into a training image: alpha composited on a background,
/// centre-cropped to a square, and reduced with an area filter to `side` × `side` RGB.
public enum ImageConversion {
    /// The RGB bytes of `picture` at `side` × `side`; a picture whose shorter side is smaller
    /// than `side` is refused, since enlarging would only invent blur.
    public static func square(_ picture: ImageDecoding.Picture, side: Int,
                              background: Background) throws(ImageDecoding.Problem) -> [UInt8] {
        try checkSize(width: picture.width, height: picture.height, side: side)
        return try square(rgb: composite(picture, on: background), width: picture.width, height: picture.height, side: side)
    }

    /// Refuses a picture whose shorter side is smaller than `side` (before it is decoded,
    /// when only its header has been read).
    public static func checkSize(width: Int, height: Int, side: Int) throws(ImageDecoding.Problem) {
        guard min(width, height) >= side else {
            throw ImageDecoding.Problem("\(width)×\(height) is smaller than the \(side)×\(side) images asked for")
        }
    }

    /// The centre square of `rgb` (`width` × `height`, already flattened) at `side` × `side`.
    public static func square(rgb: [UInt8], width: Int, height: Int, side: Int) throws(ImageDecoding.Problem) -> [UInt8] {
        try checkSize(width: width, height: height, side: side)
        precondition(rgb.count >= width * height * 3, "RGB bytes of the picture's size")
        let shorter = min(width, height)
        let left = (width - shorter) / 2, top = (height - shorter) / 2
        let stride = width * 3
        if shorter == side {
            var result = [UInt8](repeating: 0, count: side * side * 3)
            for y in 0..<side {
                let start = (top + y) * stride + left * 3
                result.replaceSubrange(y * side * 3 ..< (y + 1) * side * 3, with: rgb[start ..< start + side * 3])
            }
            return result
        }
        var result = [UInt8](repeating: 0, count: side * side * 3)
        let status = rgb.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                // Box filter: each output pixel averages the area it covers; in linear light
                // (sRGB decoded), so that reducing does not darken edges.
                stbir_resize_uint8_generic(
                    source.baseAddress! + top * stride + left * 3, Int32(shorter), Int32(shorter), Int32(stride),
                    target.baseAddress!, Int32(side), Int32(side), Int32(side * 3),
                    3, STBIR_ALPHA_CHANNEL_NONE, 0, STBIR_EDGE_CLAMP, STBIR_FILTER_BOX, STBIR_COLORSPACE_SRGB, nil)
            }
        }
        guard status != 0 else { throw ImageDecoding.Problem("could not be resized") }
        return result
    }

    /// RGB with every pixel's alpha blended over `background`.
    static func composite(_ picture: ImageDecoding.Picture, on background: Background) -> [UInt8] {
        var pixels = picture.rgba
        pixels.withUnsafeMutableBufferPointer { flatten($0.baseAddress!, pixels: picture.width * picture.height, on: background) }
        pixels.removeLast(picture.width * picture.height)
        return pixels
    }

    /// RGBA bytes flattened over `background` into RGB, in place: pixel i's three bytes go
    /// where its four began, after all four were read.
    static func flatten(_ bytes: UnsafeMutablePointer<UInt8>, pixels: Int, on background: Background) {
        let level = background.level
        for i in 0..<pixels {
            let r = bytes[4 * i], g = bytes[4 * i + 1], b = bytes[4 * i + 2], a = bytes[4 * i + 3]
            let alpha = Float(a) / 255
            bytes[3 * i] = UInt8((Float(r) * alpha + level * (1 - alpha)).rounded())
            bytes[3 * i + 1] = UInt8((Float(g) * alpha + level * (1 - alpha)).rounded())
            bytes[3 * i + 2] = UInt8((Float(b) * alpha + level * (1 - alpha)).rounded())
        }
    }

    /// Grey levels from RGB with the ITU-R BT.601 weights (as PIL's "L" mode and most tools).
    public static func grey(fromRGB rgb: some RandomAccessCollection<UInt8>) -> [UInt8] {
        precondition(rgb.count % 3 == 0, "RGB bytes come in threes")
        return [UInt8](unsafeUninitializedCapacity: rgb.count / 3) { grey, initialized in
            var i = 0, source = rgb.startIndex
            while i < grey.count {
                let r = Float(rgb[source]), g = Float(rgb[rgb.index(source, offsetBy: 1)]), b = Float(rgb[rgb.index(source, offsetBy: 2)])
                grey[i] = UInt8(min(255, (0.299 * r + 0.587 * g + 0.114 * b).rounded()))
                source = rgb.index(source, offsetBy: 3)
                i += 1
            }
            initialized = grey.count
        }
    }
}
