import CImageDecoders
import Foundation

/// Decodes PNG, JPEG, BMP and GIF bytes, each with a decoder made for files from anywhere
/// (`CImageDecoders`): the format is told by the file's first bytes, never by its name, and
/// every other format is refused by its content, with the format named when it is known.
///
/// The dimensions are read from the header before anything is decoded: a picture beyond
/// `maximumPixels` is refused without allocating for it, and a decoder writes the pixels
/// straight into one buffer of the header's size, so memory stays bounded whatever a
/// folder holds.
public enum ImageDecoding {
    /// 64 megapixels (256 MB as RGBA): larger than any photograph a camera takes.
    public static let maximumPixels = 64 << 20

    /// Changes whenever the pixels a file decodes to could change (the image cache keys on it).
    public static var version: Int { Int(vae_picture_decoders_version()) }

    /// A decoded picture: 8-bit RGBA, row-major, whatever the file's own channels were.
    public struct Picture: Sendable {
        public let width: Int
        public let height: Int
        public let rgba: [UInt8]
    }

    /// What a file's header declares, read without decoding.
    public struct Header: Sendable, Equatable {
        public enum Format: String, Sendable { case png = "PNG", jpeg = "JPEG", gif = "GIF", bmp = "BMP" }
        public let format: Format
        public let width: Int
        public let height: Int
    }

    /// Why a file could not be used, in words for the user.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// The format and dimensions of `data`, from its header alone.
    public static func header(_ data: Data) throws(Problem) -> Header {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Result<Header, Problem> in
            Result { () throws(Problem) -> Header in
                var header = vae_picture_header()
                try readHeader(raw, into: &header)
                return try Header(header)
            }
        }.get()
    }

    public static func decode(_ data: Data) throws(Problem) -> Picture {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Result<Picture, Problem> in
            Result { () throws(Problem) -> Picture in try decode(raw, flattenedOn: nil, accepting: { _ in }) }
        }.get()
    }

    /// The picture as RGB, its transparency flattened over `background` in the buffer it
    /// was decoded into: one buffer of the picture's size, not two. `accept` sees the header
    /// first and may refuse the picture before anything is decoded.
    public static func decodeRGB(_ data: Data, on background: Background,
                                 accepting accept: (Header) throws(Problem) -> Void = { _ in })
        throws(Problem) -> (width: Int, height: Int, rgb: [UInt8]) {
        let picture = try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Result<Picture, Problem> in
            Result { () throws(Problem) -> Picture in try decode(raw, flattenedOn: background, accepting: accept) }
        }.get()
        return (picture.width, picture.height, picture.rgba)
    }

    private static func decode(_ raw: UnsafeRawBufferPointer, flattenedOn background: Background?,
                               accepting accept: (Header) throws(Problem) -> Void) throws(Problem) -> Picture {
        var header = vae_picture_header()
        try readHeader(raw, into: &header)
        let declared = try Header(header)
        try accept(declared)
        let count = declared.width * declared.height * 4
        var failed = false
        let rgba = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            // A failed decode may have written part of the buffer: it is dropped, unread.
            if vae_picture_decode(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), raw.count, &header,
                                  buffer.baseAddress!) != 0 {
                failed = true
                initialized = 0
                return
            }
            initialized = count
            if let background {
                ImageConversion.flatten(buffer.baseAddress!, pixels: count / 4, on: background)
                initialized = count / 4 * 3
            }
        }
        if failed { throw Problem(problem(of: header)) }
        return Picture(width: declared.width, height: declared.height, rgba: rgba)
    }

    private static func readHeader(_ raw: UnsafeRawBufferPointer, into header: inout vae_picture_header) throws(Problem) {
        guard let base = raw.baseAddress, raw.count > 0 else { throw Problem("the file is empty") }
        guard vae_picture_read_header(base.assumingMemoryBound(to: UInt8.self), raw.count, &header) == 0 else {
            throw Problem(problem(of: header))
        }
        let pixels = Int(header.width) * Int(header.height)
        guard pixels <= maximumPixels else {
            throw Problem("\(header.width)×\(header.height) pixels is beyond the \(maximumPixels >> 20)-megapixel limit")
        }
    }

    private static func problem(of header: vae_picture_header) -> String {
        withUnsafeBytes(of: header.problem) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}

extension ImageDecoding.Header {
    init(_ header: vae_picture_header) throws(ImageDecoding.Problem) {
        switch header.format {
        case VAE_PICTURE_PNG: format = .png
        case VAE_PICTURE_JPEG: format = .jpeg
        case VAE_PICTURE_GIF: format = .gif
        case VAE_PICTURE_BMP: format = .bmp
        default: throw ImageDecoding.Problem("not PNG/JPEG/BMP/GIF by its content")
        }
        width = Int(header.width)
        height = Int(header.height)
    }
}
