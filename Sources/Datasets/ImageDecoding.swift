import CStb
import Foundation

/// Decodes PNG, JPEG, BMP and GIF bytes with stb_image, which recognises the format from
/// the content, so a file whose extension lies is still read for what it is.
///
/// The dimensions are read from the header before anything is decoded: a picture beyond
/// `maximumPixels` is refused without allocating for it, which keeps memory bounded
/// whatever a folder holds.
public enum ImageDecoding {
    /// 64 megapixels (256 MB as RGBA): larger than any photograph a camera takes.
    public static let maximumPixels = 64 << 20

    /// A decoded picture: 8-bit RGBA, row-major, whatever the file's own channels were.
    public struct Picture: Sendable {
        public let width: Int
        public let height: Int
        public let rgba: [UInt8]
    }

    /// Why a file could not be used, in words for the user.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    public static func decode(_ data: Data) throws(Problem) -> Picture {
        guard !data.isEmpty else { throw Problem("the file is empty") }
        guard data.count <= Int(Int32.max) else { throw Problem("\(data.count) bytes is more than the decoder reads") }
        let result = data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Result<Picture, Problem> in
            let bytes = raw.bindMemory(to: UInt8.self).baseAddress!
            var width: Int32 = 0, height: Int32 = 0, components: Int32 = 0
            guard stbi_info_from_memory(bytes, Int32(raw.count), &width, &height, &components) != 0 else {
                return .failure(Problem("not a picture this tool reads (PNG, JPEG, BMP, GIF): \(failureReason())"))
            }
            let pixels = Int(width) * Int(height)
            guard pixels <= maximumPixels else {
                return .failure(Problem("\(width)×\(height) pixels is beyond the \(maximumPixels >> 20)-megapixel limit"))
            }
            guard let decoded = stbi_load_from_memory(bytes, Int32(raw.count), &width, &height, &components, 4) else {
                return .failure(Problem("corrupt or truncated: \(failureReason())"))
            }
            defer { stbi_image_free(decoded) }
            let count = Int(width) * Int(height) * 4
            return .success(Picture(width: Int(width), height: Int(height),
                                    rgba: Array(UnsafeBufferPointer(start: decoded, count: count))))
        }
        return try result.get()
    }

    /// stb_image's reason for its last failure on this thread.
    private static func failureReason() -> String {
        stbi_failure_reason().map { String(cString: $0) } ?? "unknown reason"
    }
}
