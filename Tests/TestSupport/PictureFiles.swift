import CStb
import CZlib
import Foundation

/// Picture files made in memory, so the image-folder tests need no fixtures: PNG (grey,
/// RGB, RGBA and palette), JPEG and BMP, plus hand-made broken ones.
public enum PictureFiles {
    /// A gradient picture whose colour depends on `seed`: `channels` 1 (grey), 3 (RGB) or 4 (RGBA).
    public static func pixels(width: Int, height: Int, channels: Int, seed: Int = 0) -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<channels {
                    let value = c == 3 ? 255 - (x * 255 / max(width - 1, 1)) : (x * 7 + y * 3 + c * 50 + seed * 31) % 256
                    pixels[(y * width + x) * channels + c] = UInt8(value)
                }
            }
        }
        return pixels
    }

    public enum Format { case png, jpeg, bmp }

    /// The file bytes of `pixels` in `format`, through stb_image_write.
    public static func encode(_ pixels: [UInt8], width: Int, height: Int, channels: Int, as format: Format) -> Data {
        let sink = Sink()
        let context = Unmanaged.passUnretained(sink).toOpaque()
        let (w, h, c) = (Int32(width), Int32(height), Int32(channels))
        let status = pixels.withUnsafeBytes { raw in
            switch format {
            case .png: stbi_write_png_to_func(appendToSink, context, w, h, c, raw.baseAddress, w * c)
            case .jpeg: stbi_write_jpg_to_func(appendToSink, context, w, h, c, raw.baseAddress, 95)
            case .bmp: stbi_write_bmp_to_func(appendToSink, context, w, h, c, raw.baseAddress)
            }
        }
        precondition(status != 0, "stb_image_write failed")
        return sink.data
    }

    /// A PNG of `width` × `height` pixels in palette mode (colour type 3), which
    /// stb_image_write cannot make: chunks written by hand, compressed with zlib.
    public static func palettePNG(width: Int, height: Int, palette: [(UInt8, UInt8, UInt8)]) -> Data {
        var rows: [UInt8] = []
        for y in 0..<height {
            rows.append(0)  // filter: none
            for x in 0..<width { rows.append(UInt8((x + y) % palette.count)) }
        }
        var compressedSize = compressBound(uLong(rows.count))
        var compressed = [UInt8](repeating: 0, count: Int(compressedSize))
        precondition(compress(&compressed, &compressedSize, rows, uLong(rows.count)) == Z_OK, "zlib failed")
        var header: [UInt8] = []
        for value in [width, height] { header += bigEndian(UInt32(value)) }
        header += [8, 3, 0, 0, 0]  // 8 bits, palette, deflate, adaptive filters, no interlace
        return pngFile([("IHDR", header), ("PLTE", palette.flatMap { [$0.0, $0.1, $0.2] }),
                        ("IDAT", Array(compressed[..<Int(compressedSize)])), ("IEND", [])])
    }

    /// A PNG whose header declares `width` × `height` pixels, followed by no image data:
    /// enough for a decoder that checks the size before it allocates.
    public static func pngHeaderOnly(width: Int, height: Int) -> Data {
        var header: [UInt8] = []
        for value in [width, height] { header += bigEndian(UInt32(value)) }
        header += [8, 0, 0, 0, 0]
        return pngFile([("IHDR", header), ("IEND", [])])
    }

    /// The smallest GIF: one transparent pixel.
    public static let onePixelGIF = Data(base64Encoded: "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")!

    private static func pngFile(_ chunks: [(String, [UInt8])]) -> Data {
        var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        for (type, body) in chunks {
            let typed = Array(type.utf8) + body
            file += bigEndian(UInt32(body.count)) + typed
            file += bigEndian(UInt32(crc32(0, typed, uInt(typed.count))))
        }
        return Data(file)
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 255), UInt8(value >> 8 & 255), UInt8(value & 255)]
    }
}

/// Where stb_image_write's callback puts the bytes it writes.
private final class Sink { var data = Data() }

private func appendToSink(_ context: UnsafeMutableRawPointer?, _ bytes: UnsafeMutableRawPointer?, _ size: Int32) {
    Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue().data
        .append(bytes!.assumingMemoryBound(to: UInt8.self), count: Int(size))
}
