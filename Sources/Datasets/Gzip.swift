import CZlib
import Foundation

/// Decompresses gzip data with zlib: into memory, or a piece at a time to wherever the
/// pieces go (a file), with the output's size bounded either way.
enum Gzip {
    static func isCompressed(_ bytes: some RandomAccessCollection<UInt8>) -> Bool {
        bytes.count >= 2 && bytes.first == 0x1F && bytes[bytes.index(after: bytes.startIndex)] == 0x8B
    }

    /// The decompressed bytes, or a plain description of why there are none.
    /// `limit` bounds the output, so a hostile file cannot exhaust memory.
    static func decompress(_ data: Data, limit: Int = 1 << 31) throws(Problem) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(min(max(data.count * 2, 1 << 16), limit))
        do {
            try data.withUnsafeBytes { input in
                try decompress(input, limit: limit) { output.append(contentsOf: $0) }
            }
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem("\(error)")
        }
        return output
    }

    /// Decompresses `input`, handing the output to `output` a piece at a time (at most a
    /// MiB each), so memory stays bounded whatever the data's size; the total is bounded by
    /// `limit`. Errors that `output` throws are thrown on.
    static func decompress(_ input: UnsafeRawBufferPointer, limit: Int,
                           into output: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let base = input.baseAddress, input.count > 0 else { throw Problem("the gzip stream is empty") }
        var stream = z_stream()
        // 15 window bits + 16 selects the gzip wrapper.
        guard inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Problem("zlib could not start")
        }
        defer { inflateEnd(&stream) }
        let capacity = 1 << 20
        let buffer = UnsafeMutablePointer<Bytef>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var consumed = 0, produced = 0
        var status: Int32 = Z_OK
        while status != Z_STREAM_END {
            if stream.avail_in == 0 && consumed < input.count {
                // zlib counts its input in 32 bits: a larger file is fed a GiB at a time.
                let piece = min(input.count - consumed, 1 << 30)
                stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self) + consumed)
                stream.avail_in = uInt(piece)
                consumed += piece
            }
            stream.next_out = buffer
            stream.avail_out = uInt(capacity)
            status = inflate(&stream, Z_NO_FLUSH)
            let made = capacity - Int(stream.avail_out)
            if made > 0 {
                guard made <= limit - produced else { throw Problem("decompresses to more than \(limit) bytes") }
                produced += made
                try output(UnsafeRawBufferPointer(start: buffer, count: made))
            }
            switch status {
            case Z_OK, Z_STREAM_END:
                continue
            case Z_BUF_ERROR where stream.avail_in == 0 && consumed == input.count:
                throw Problem("the gzip stream is truncated (\(produced) bytes decompressed before it ended)")
            case Z_BUF_ERROR:
                continue
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                throw Problem("corrupt gzip data: \(message)")
            }
        }
    }

    struct Problem: Error, CustomStringConvertible {
        let message: String
        init(_ message: String) { self.message = message }
        var description: String { message }
    }
}
