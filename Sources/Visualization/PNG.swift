import CStb
import Foundation
import NumericCore

/// PNG encoding through stb_image_write, into memory, so the file can be written atomically.
public enum PNG {
    /// The PNG bytes of an 8-bit image with `channels` interleaved channels (1 grey, 3 RGB, 4 RGBA).
    public static func encode(pixels: [UInt8], width: Int, height: Int, channels: Int) throws -> Data {
        precondition(pixels.count == width * height * channels, "\(pixels.count) bytes for \(width)×\(height)×\(channels)")
        final class Sink { var data = Data() }
        let sink = Sink()
        let status = pixels.withUnsafeBytes { raw in
            stbi_write_png_to_func({ context, bytes, size in
                let sink = Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue()
                sink.data.append(bytes!.assumingMemoryBound(to: UInt8.self), count: Int(size))
            }, Unmanaged.passUnretained(sink).toOpaque(), Int32(width), Int32(height), Int32(channels),
            raw.baseAddress, Int32(width * channels))
        }
        guard status != 0 else { throw FileError(path: "PNG", problem: "stb_image_write could not encode a \(width)×\(height) image") }
        return sink.data
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
