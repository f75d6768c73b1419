import CZlib
import Foundation

/// Decompresses gzip data in memory with zlib.
enum Gzip {
    static func isCompressed(_ bytes: some RandomAccessCollection<UInt8>) -> Bool {
        bytes.count >= 2 && bytes.first == 0x1F && bytes[bytes.index(after: bytes.startIndex)] == 0x8B
    }

    /// The decompressed bytes, or a plain description of why there are none.
    /// `limit` bounds the output, so a hostile file cannot exhaust memory.
    static func decompress(_ data: Data, limit: Int = 1 << 31) throws(Problem) -> [UInt8] {
        var stream = z_stream()
        // 15 window bits + 16 selects the gzip wrapper.
        guard inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Problem("zlib could not start")
        }
        defer { inflateEnd(&stream) }
        guard data.count < Int(UInt32.max) else { throw Problem("a compressed file of \(data.count) bytes is too large") }
        var output = [UInt8](repeating: 0, count: min(max(data.count * 2, 1 << 16), limit))
        var produced = 0
        var status: Int32 = Z_OK
        data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(input.count)
            while status == Z_OK {
                if produced == output.count {
                    guard output.count < limit else { status = Z_MEM_ERROR; return }
                    output.append(contentsOf: repeatElement(0, count: min(output.count, limit - output.count)))
                }
                output.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress! + produced
                    stream.avail_out = uInt(buffer.count - produced)
                    status = inflate(&stream, Z_NO_FLUSH)
                    produced = buffer.count - Int(stream.avail_out)
                }
                if status == Z_BUF_ERROR && stream.avail_in == 0 { break }
                if status == Z_BUF_ERROR { status = Z_OK }
            }
        }
        switch status {
        case Z_STREAM_END:
            output.removeSubrange(produced...)
            return output
        case Z_OK, Z_BUF_ERROR:
            throw Problem("the gzip stream is truncated (\(produced) bytes decompressed before it ended)")
        case Z_MEM_ERROR:
            throw Problem("decompresses to more than \(limit) bytes")
        default:
            let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
            throw Problem("corrupt gzip data: \(message)")
        }
    }

    struct Problem: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }
}
