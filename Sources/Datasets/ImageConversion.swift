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
        let shorter = min(picture.width, picture.height)
        guard shorter >= side else {
            throw ImageDecoding.Problem("\(picture.width)×\(picture.height) is smaller than the \(side)×\(side) images asked for")
        }
        let rgb = composite(picture, on: background)
        let left = (picture.width - shorter) / 2, top = (picture.height - shorter) / 2
        let stride = picture.width * 3
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
        let pixels = picture.width * picture.height
        let level = background.level
        var rgb = [UInt8](repeating: 0, count: pixels * 3)
        picture.rgba.withUnsafeBufferPointer { rgba in
            rgb.withUnsafeMutableBufferPointer { rgb in
                for i in 0..<pixels {
                    let alpha = Float(rgba[4 * i + 3]) / 255
                    for c in 0..<3 {
                        let value = Float(rgba[4 * i + c]) * alpha + level * (1 - alpha)
                        rgb[3 * i + c] = UInt8(value.rounded())
                    }
                }
            }
        }
        return rgb
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
