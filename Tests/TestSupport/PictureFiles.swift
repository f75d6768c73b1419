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

    public enum Format { case png, jpeg, bmp, tga }

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
            case .tga: stbi_write_tga_to_func(appendToSink, context, w, h, c, raw.baseAddress)
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

    /// An Adam7-interlaced RGBA PNG of `pixels`, which stb_image_write cannot make: each of
    /// the seven passes' rows written by hand (filter none), compressed with zlib.
    public static func interlacedPNG(_ pixels: [UInt8], width: Int, height: Int) -> Data {
        precondition(pixels.count == width * height * 4, "RGBA pixels")
        let passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
        var rows: [UInt8] = []
        for (x0, y0, dx, dy) in passes where x0 < width && y0 < height {
            for y in stride(from: y0, to: height, by: dy) {
                rows.append(0)
                for x in stride(from: x0, to: width, by: dx) { rows += pixels[((y * width + x) * 4)..<((y * width + x) * 4 + 4)] }
            }
        }
        var compressedSize = compressBound(uLong(rows.count))
        var compressed = [UInt8](repeating: 0, count: Int(compressedSize))
        precondition(compress(&compressed, &compressedSize, rows, uLong(rows.count)) == Z_OK, "zlib failed")
        var header: [UInt8] = []
        for value in [width, height] { header += bigEndian(UInt32(value)) }
        header += [8, 6, 0, 0, 1]  // 8 bits, RGBA, deflate, adaptive filters, Adam7
        return pngFile([("IHDR", header), ("IDAT", Array(compressed[..<Int(compressedSize)])), ("IEND", [])])
    }

    /// A PNG of `side` × `side` grey pixels whose compressed data is whole (a zlib stream
    /// with its end and checksum) but holds only the first half of the rows.
    public static func pngWithHalfItsRows(side: Int) -> Data {
        let rows = [UInt8](repeating: 0, count: (side / 2) * (side + 1))
        var compressedSize = compressBound(uLong(rows.count))
        var compressed = [UInt8](repeating: 0, count: Int(compressedSize))
        precondition(compress(&compressed, &compressedSize, rows, uLong(rows.count)) == Z_OK, "zlib failed")
        var header: [UInt8] = []
        for value in [side, side] { header += bigEndian(UInt32(value)) }
        header += [8, 0, 0, 0, 0]
        return pngFile([("IHDR", header), ("IDAT", Array(compressed[..<Int(compressedSize)])), ("IEND", [])])
    }

    /// A PNG whose header declares `width` × `height` pixels, followed by no image data:
    /// enough for a decoder that checks the size before it allocates.
    public static func pngHeaderOnly(width: Int, height: Int) -> Data {
        var header: [UInt8] = []
        for value in [width, height] { header += bigEndian(UInt32(value)) }
        header += [8, 0, 0, 0, 0]
        return pngFile([("IHDR", header), ("IEND", [])])
    }

    /// A Radiance HDR file of `side` × `side` grey pixels, which stb_image would decode.
    public static func radianceHDR(side: Int) -> Data {
        let sink = Sink()
        let values = [Float](repeating: 0.5, count: side * side * 3)
        let status = values.withUnsafeBufferPointer {
            stbi_write_hdr_to_func(appendToSink, Unmanaged.passUnretained(sink).toOpaque(), Int32(side), Int32(side), 3, $0.baseAddress)
        }
        precondition(status != 0, "stb_image_write failed")
        return sink.data
    }

    /// A binary PNM (P6) file of `side` × `side` RGB pixels.
    public static func pnm(side: Int) -> Data {
        Data("P6\n\(side) \(side)\n255\n".utf8) + Data(pixels(width: side, height: side, channels: 3))
    }

    /// A PNG that declares `side` × `side` RGBA pixels and whose image data inflates to
    /// `inflatedBytes` zeros, far more than those pixels need: a decompression bomb of
    /// about a thousandth of that size. The deflate stream repeats one fully flushed
    /// segment (a flush resets the history, so every copy decodes alone), which makes a
    /// bomb of gigabytes in a moment.
    public static func pngBomb(side: Int, inflatedBytes: Int) -> Data {
        let chunk = 1 << 20
        let zeros = [UInt8](repeating: 0, count: chunk)
        var stream = z_stream()
        precondition(deflateInit_(&stream, 9, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK, "zlib failed")
        defer { deflateEnd(&stream) }
        func deflated(_ input: [UInt8], _ flush: Int32) -> [UInt8] {
            var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 64)
            var input = input
            let produced = input.withUnsafeMutableBufferPointer { source in
                output.withUnsafeMutableBufferPointer { target in
                    stream.next_in = source.baseAddress
                    stream.avail_in = uInt(source.count)
                    stream.next_out = target.baseAddress
                    stream.avail_out = uInt(target.count)
                    precondition(deflate(&stream, flush) != Z_STREAM_ERROR, "zlib failed")
                    return target.count - Int(stream.avail_out)
                }
            }
            return Array(output[..<produced])
        }
        let first = deflated(zeros, Z_FULL_FLUSH)  // with the zlib header
        let segment = deflated(zeros, Z_FULL_FLUSH)
        let copies = max(2, inflatedBytes / chunk)
        var body = first
        body.reserveCapacity(first.count + segment.count * (copies - 1) + 16)
        for _ in 1..<copies { body += segment }
        var end = deflated([], Z_FINISH)
        // The trailer's Adler-32 of n zeros is (n mod 65521) << 16 | 1.
        let total = UInt32((copies * chunk) % 65521) << 16 | 1
        end.replaceSubrange((end.count - 4)..., with: bigEndian(total))
        body += end
        var header: [UInt8] = []
        for value in [side, side] { header += bigEndian(UInt32(value)) }
        header += [8, 6, 0, 0, 0]  // 8 bits, RGBA, deflate, adaptive filters, no interlace
        // In IDAT chunks of 8 KiB, as encoders write them: no chunk is larger than an image's.
        let data = stride(from: 0, to: body.count, by: 8192).map { ("IDAT", Array(body[$0..<min($0 + 8192, body.count)])) }
        return pngFile([("IHDR", header)] + data + [("IEND", [])])
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
