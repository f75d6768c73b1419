import Storage
import CPNG
import CStb
import Foundation
import NumericCore

/// PNG encoding through libpng, into memory, so the file can be written atomically;
/// decoding through stb_image.
public enum PNG {
    /// The PNG bytes of an 8-bit image with `channels` interleaved channels (1 grey, 3 RGB, 4 RGBA).
    ///
    /// Compressed for speed rather than size (zlib's fastest level): a grid of 10,000
    /// samples is 8 million pixels, which the default level takes seconds to write.
    public static func encode(pixels: [UInt8], width: Int, height: Int, channels: Int) throws -> Data {
        precondition(pixels.count == width * height * channels, "\(pixels.count) bytes for \(width)×\(height)×\(channels)")
        guard (1...4).contains(channels) else {
            throw FileError(path: "PNG", problem: "\(channels) channels cannot be written as PNG")
        }
        // Grey, grey + alpha, RGB, RGBA.
        let format = UInt32(channels >= 3 ? PNG_FORMAT_FLAG_COLOR : 0) | UInt32(channels % 2 == 0 ? PNG_FORMAT_FLAG_ALPHA : 0)
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = format
        image.flags = UInt32(PNG_IMAGE_FLAG_FAST)
        // Written through a stream in memory: libpng's simplified writer to memory would
        // compress twice, once to measure.
        var buffer: UnsafeMutablePointer<CChar>?
        var size = 0
        guard let stream = open_memstream(&buffer, &size) else {
            throw FileError(path: "PNG", problem: "no memory for a \(width)×\(height) image")
        }
        let written = pixels.withUnsafeBytes { raw in
            png_image_write_to_stdio(&image, stream, 0, raw.baseAddress, Int32(width * channels), nil)
        }
        fclose(stream)
        defer { free(buffer) }
        guard written != 0, let buffer else {
            let message = withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            png_image_free(&image)
            throw FileError(path: "PNG", problem: "libpng could not encode a \(width)×\(height) image: \(message)")
        }
        return Data(bytes: buffer, count: size)
    }

    /// Decodes PNG (or any format stb_image reads) into 8-bit pixels.
    public static func decode(_ data: Data) -> (pixels: [UInt8], width: Int, height: Int, channels: Int)? {
        var width: Int32 = 0, height: Int32 = 0, channels: Int32 = 0
        let decoded = data.withUnsafeBytes { raw in
            stbi_load_from_memory(raw.bindMemory(to: UInt8.self).baseAddress, Int32(raw.count), &width, &height, &channels, 0)
        }
        guard let decoded else { return nil }
        defer { stbi_image_free(decoded) }
        let count = Int(width) * Int(height) * Int(channels)
        return (Array(UnsafeBufferPointer(start: decoded, count: count)), Int(width), Int(height), Int(channels))
    }
}
