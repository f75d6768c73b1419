import CStb
import Datasets
import Foundation
import Testing
import TestSupport

/// Pictures from anywhere: every file goes to the decoder of the format its first bytes
/// declare, other formats are refused by content, and a file cannot make a decoder
/// allocate or inflate beyond what its header's dimensions need.
@Suite struct UntrustedPictureTests {
    func folder(_ files: [String: Data]) throws -> URL {
        let folder = IDXFiles.temporaryFolder("untrusted")
        for (name, data) in files { try data.write(to: folder.appendingPathComponent(name)) }
        return folder
    }

    func good(_ seed: Int) -> Data {
        PictureFiles.encode(PictureFiles.pixels(width: 16, height: 16, channels: 3, seed: seed),
                            width: 16, height: 16, channels: 3, as: .png)
    }

    @Test func otherFormatsNamedAsPicturesAreRefusedByTheirContent() throws {
        let tga = PictureFiles.encode(PictureFiles.pixels(width: 16, height: 16, channels: 3), width: 16, height: 16,
                                      channels: 3, as: .tga)
        let data = try folder(["a.png": tga, "b.gif": PictureFiles.radianceHDR(side: 16), "c.jpg": PictureFiles.pnm(side: 16),
                               "good.png": good(1)])
        let (collection, _) = try ImageFolder.load(data, side: 16, background: .white, cache: nil)
        #expect(collection.names == ["good.png"])
        func reason(_ name: String) -> String { collection.skipped.first { $0.path.hasSuffix("/" + name) }?.problem ?? "kept" }
        #expect(reason("a.png").hasPrefix("not PNG/JPEG/BMP/GIF"), "\(reason("a.png"))")
        #expect(reason("b.gif") == "not PNG/JPEG/BMP/GIF: a Radiance HDR file")
        #expect(reason("c.jpg") == "not PNG/JPEG/BMP/GIF: a PNM file")
        // The system's stb_image, the decoder before these, would have read all three.
        for bytes in [tga, PictureFiles.radianceHDR(side: 16), PictureFiles.pnm(side: 16)] {
            var width: Int32 = 0, height: Int32 = 0, components: Int32 = 0
            let known = bytes.withUnsafeBytes {
                stbi_info_from_memory($0.bindMemory(to: UInt8.self).baseAddress, Int32($0.count), &width, &height, &components)
            }
            #expect(known != 0 && width == 16)
        }
    }

    /// 32 × 32 pixels need 4,128 bytes of inflated data; this file holds 256 MiB of it. The
    /// decoder inflates the image's rows, finds more, and refuses the file.
    @Test func compressedDataBeyondTheImageRefusesTheFile() throws {
        let bomb = PictureFiles.pngBomb(side: 32, inflatedBytes: 256 << 20)
        #expect(bomb.count < 400_000)
        let header = try ImageDecoding.header(bomb)
        #expect(header.format == .png && header.width == 32 && header.height == 32)
        #expect {
            _ = try ImageDecoding.decode(bomb)
        } throws: { error in
            "\(error)" == "a PNG file with more or less compressed data than its 32×32 pixels need (libpng: Extra compressed data in IDAT)"
        }
    }

    /// The decoders changed from stb_image to libpng and the package's own GIF and BMP
    /// build: every PNG colour type, GIF and BMP give the bytes stb_image gave; JPEG, from
    /// libjpeg-turbo, differs by a few levels (its inverse DCT and chroma upsampling).
    @Test func pixelsAreThoseTheEarlierDecoderGave() throws {
        func stb(_ data: Data) -> [UInt8] {
            data.withUnsafeBytes { raw -> [UInt8] in
                var width: Int32 = 0, height: Int32 = 0, components: Int32 = 0
                let pixels = stbi_load_from_memory(raw.bindMemory(to: UInt8.self).baseAddress, Int32(raw.count),
                                                   &width, &height, &components, 4)!
                defer { stbi_image_free(pixels) }
                return Array(UnsafeBufferPointer(start: pixels, count: Int(width * height * 4)))
            }
        }
        var exact: [Data] = [PictureFiles.palettePNG(width: 13, height: 7, palette: [(255, 0, 0), (0, 255, 0), (9, 9, 9)]),
                             PictureFiles.onePixelGIF]
        for channels in 1...4 {
            let pixels = PictureFiles.pixels(width: 19, height: 11, channels: channels, seed: channels)
            exact.append(PictureFiles.encode(pixels, width: 19, height: 11, channels: channels, as: .png))
            if channels != 2 { exact.append(PictureFiles.encode(pixels, width: 19, height: 11, channels: channels, as: .bmp)) }
        }
        for (width, height) in [(19, 11), (1, 1), (2, 7), (9, 1)] {
            let pixels = PictureFiles.pixels(width: width, height: height, channels: 4, seed: width)
            let file = PictureFiles.interlacedPNG(pixels, width: width, height: height)
            #expect(try ImageDecoding.decode(file).rgba == pixels, "\(width)×\(height) interlaced")
            exact.append(file)
        }
        // A BMP stored top-down (a negative height): the same file with its rows the other way.
        var topDown = PictureFiles.encode(PictureFiles.pixels(width: 7, height: 5, channels: 3, seed: 9), width: 7, height: 5,
                                          channels: 3, as: .bmp)
        topDown.replaceSubrange(22..<26, with: withUnsafeBytes(of: Int32(-5).littleEndian) { Array($0) })
        exact.append(topDown)
        for file in exact {
            #expect(try ImageDecoding.decode(file).rgba == stb(file))
        }
        for channels in [1, 3] {
            let pixels = PictureFiles.pixels(width: 40, height: 24, channels: channels, seed: 5)
            let jpeg = PictureFiles.encode(pixels, width: 40, height: 24, channels: channels, as: .jpeg)
            let ours = try ImageDecoding.decode(jpeg).rgba, theirs = stb(jpeg)
            let differences = zip(ours, theirs).map { abs(Int($0) - Int($1)) }
            #expect(differences.max()! <= 12, "largest difference \(differences.max()!)")
            #expect(Double(differences.reduce(0, +)) / Double(differences.count) <= 1.5)
        }
    }

    /// A few bytes that declare millions of pixels are refused from the header, before a
    /// buffer of that size is taken: a PNG whose data could not inflate to its rows (deflate
    /// gives at most 1032 bytes for one), an uncompressed BMP shorter than its rows, a GIF
    /// of fewer than a byte per 4096 pixels (and none above 16 megapixels), a JPEG of fewer than a byte
    /// per 4096.
    @Test func headersThatPromiseMoreThanTheFileHoldsAreRefused() throws {
        #expect {
            _ = try ImageDecoding.header(PictureFiles.pngHeaderOnly(width: 4000, height: 4000))
        } throws: { "\($0)".contains("declares 4000×4000 pixels, more than its data can hold") }
        var bmp = PictureFiles.encode(PictureFiles.pixels(width: 8, height: 8, channels: 3), width: 8, height: 8, channels: 3, as: .bmp)
        bmp.replaceSubrange(22..<26, with: [0x00, 0x10, 0x00, 0x00])  // 4096 rows
        #expect {
            _ = try ImageDecoding.header(bmp)
        } throws: { "\($0)".contains("cut short: its header declares 8×4096 pixels") }
        var gif = PictureFiles.onePixelGIF
        gif.replaceSubrange(6..<10, with: [0xE8, 0x03, 0xE8, 0x03])  // a screen of 1000 × 1000
        #expect {
            _ = try ImageDecoding.header(gif)
        } throws: { "\($0)".contains("declares 1000×1000 pixels, more than its data can hold") }
        gif.replaceSubrange(6..<10, with: [0x01, 0x08, 0xFF, 0x2E])  // 2049 × 12031
        #expect {
            _ = try ImageDecoding.header(gif)
        } throws: { "\($0)".contains("GIFs above 16 megapixels are not read") }
        var jpeg = PictureFiles.encode(PictureFiles.pixels(width: 8, height: 8, channels: 3), width: 8, height: 8,
                                       channels: 3, as: .jpeg)
        let frame = try #require(jpeg.indices.first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        jpeg.replaceSubrange((frame + 5)..<(frame + 9), with: [0x1F, 0x40, 0x1F, 0x40])  // 8000 × 8000
        #expect(jpeg.count * 4096 < 8000 * 8000)
        #expect {
            _ = try ImageDecoding.header(jpeg)
        } throws: { "\($0)".contains("declares 8000×8000 pixels, more than its data can hold") }
    }

    @Test func truncatedAndDamagedFilesGiveTheirDecodersReason() throws {
        let png = good(2)
        #expect {
            _ = try ImageDecoding.decode(png.prefix(png.count - 30))
        } throws: { "\($0)".hasPrefix("a corrupt PNG file (libpng: ") }
        let jpeg = PictureFiles.encode(PictureFiles.pixels(width: 32, height: 32, channels: 3), width: 32, height: 32,
                                       channels: 3, as: .jpeg)
        #expect {
            _ = try ImageDecoding.decode(jpeg.prefix(jpeg.count * 2 / 3))
        } throws: { "\($0)" == "a JPEG file cut short (no end marker after its image data)" }
        // Whole compressed data that ends before the last row, then the end chunk.
        #expect {
            _ = try ImageDecoding.decode(PictureFiles.pngWithHalfItsRows(side: 16))
        } throws: { "\($0)".contains("compressed data that ends before the image's last row") }
        // An OS/2 BMP header of 26 bytes declaring 65535 × 1024 pixels.
        var os2 = Data("BM".utf8) + Data([26, 0, 0, 0, 0, 0, 0, 0, 26, 0, 0, 0, 12, 0, 0, 0])
        os2 += Data([0xFF, 0xFF, 0x00, 0x04, 1, 0, 24, 0])
        #expect(throws: ImageDecoding.Problem.self) { try ImageDecoding.header(os2) }
        // A BMP whose compression code is none the decoder reads (it would read the rows as
        // uncompressed, zeros past the end).
        var unknown = PictureFiles.encode(PictureFiles.pixels(width: 8, height: 8, channels: 3), width: 8, height: 8,
                                          channels: 3, as: .bmp)
        unknown.replaceSubrange(30..<34, with: [0xD9, 0x5D, 0x00, 0xFF])
        #expect {
            _ = try ImageDecoding.header(unknown)
        } throws: { "\($0)".hasPrefix("a BMP file compressed in a way this program does not read") }
        #expect(throws: ImageDecoding.Problem.self) { try ImageDecoding.header(Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 16])) }
        #expect(throws: ImageDecoding.Problem.self) { try ImageDecoding.header(PictureFiles.onePixelGIF.prefix(8)) }
    }
}
