import Storage
import Datasets
import Foundation
import NumericCore
import Testing
import TestSupport

/// Decoding, converting and gathering pictures, and every kind of bad file a real folder holds.
@Suite struct ImageFolderTests {
    func write(_ data: Data, _ name: String, in folder: URL) throws {
        let url = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    func png(_ side: Int, channels: Int, seed: Int = 0) -> Data {
        PictureFiles.encode(PictureFiles.pixels(width: side, height: side, channels: channels, seed: seed),
                            width: side, height: side, channels: channels, as: .png)
    }

    @Test func everyFormatAndColourTypeDecodesToRGBA() throws {
        let side = 12
        let grey = PictureFiles.pixels(width: side, height: side, channels: 1)
        let decodedGrey = try ImageDecoding.decode(PictureFiles.encode(grey, width: side, height: side, channels: 1, as: .png))
        #expect(decodedGrey.width == side && decodedGrey.rgba.count == side * side * 4)
        #expect(decodedGrey.rgba[4 * 5] == grey[5] && decodedGrey.rgba[4 * 5 + 2] == grey[5] && decodedGrey.rgba[4 * 5 + 3] == 255)
        for channels in [3, 4] {
            let pixels = PictureFiles.pixels(width: side, height: side, channels: channels)
            let decoded = try ImageDecoding.decode(PictureFiles.encode(pixels, width: side, height: side, channels: channels, as: .png))
            #expect(decoded.rgba[4 * 7 + 1] == pixels[channels * 7 + 1], "channel values survive a PNG round trip")
        }
        let palette = try ImageDecoding.decode(PictureFiles.palettePNG(width: 10, height: 6, palette: [(255, 0, 0), (0, 0, 255)]))
        #expect(palette.width == 10 && palette.height == 6)
        #expect(Array(palette.rgba[0..<8]) == [255, 0, 0, 255, 0, 0, 255, 255])
        let jpeg = try ImageDecoding.decode(PictureFiles.encode(PictureFiles.pixels(width: 16, height: 8, channels: 3),
                                                                width: 16, height: 8, channels: 3, as: .jpeg))
        #expect(jpeg.width == 16 && jpeg.height == 8)
        let bmp = try ImageDecoding.decode(PictureFiles.encode(PictureFiles.pixels(width: 5, height: 7, channels: 3),
                                                               width: 5, height: 7, channels: 3, as: .bmp))
        #expect(bmp.width == 5 && bmp.rgba[4 * 6] == PictureFiles.pixels(width: 5, height: 7, channels: 3)[3 * 6])
        let gif = try ImageDecoding.decode(PictureFiles.onePixelGIF)
        #expect(gif.width == 1 && gif.rgba[3] == 0, "the GIF's one pixel is transparent")
    }

    @Test func transparencyIsFlattenedOnTheBackground() throws {
        // Alpha falls from 255 at the left edge to 0 at the right edge.
        let pixels = PictureFiles.pixels(width: 8, height: 8, channels: 4)
        let picture = try ImageDecoding.decode(PictureFiles.encode(pixels, width: 8, height: 8, channels: 4, as: .png))
        let onWhite = try ImageConversion.square(picture, side: 8, background: .white)
        let onBlack = try ImageConversion.square(picture, side: 8, background: .black)
        #expect(onWhite[3 * 7] == 255 && onBlack[3 * 7] == 0, "a transparent pixel is the background")
        #expect(onWhite[0] == pixels[0] && onBlack[0] == pixels[0], "an opaque pixel keeps its colour")
    }

    @Test func picturesAreCentreCroppedAndReducedByArea() throws {
        // 60 × 30: red bands of 15 columns either side of a blue 30 × 30 square.
        var rgb = [UInt8](repeating: 0, count: 60 * 30 * 3)
        for y in 0..<30 {
            for x in 0..<60 { rgb[(y * 60 + x) * 3 + ((15..<45).contains(x) ? 2 : 0)] = 200 }
        }
        let picture = try ImageDecoding.decode(PictureFiles.encode(rgb, width: 60, height: 30, channels: 3, as: .png))
        for side in [30, 10] {
            let square = try ImageConversion.square(picture, side: side, background: .white)
            #expect(square.count == side * side * 3)
            for pixel in 0..<side * side {
                #expect(Array(square[3 * pixel ..< 3 * pixel + 3]) == [0, 0, 200], "only the blue centre is kept, at \(side)")
            }
        }
        #expect(throws: ImageDecoding.Problem.self) { try ImageConversion.square(picture, side: 31, background: .white) }
        #expect(ImageConversion.grey(fromRGB: [255, 0, 0, 0, 255, 0, 0, 0, 255, 90, 90, 90]) == [76, 150, 29, 90])
    }

    /// A folder of good pictures mixed with every kind of bad file.
    func makeMixedFolder() throws -> URL {
        let folder = IDXFiles.temporaryFolder("pictures")
        try write(png(16, channels: 3, seed: 1), "shirts/rgb.png", in: folder)
        try write(png(20, channels: 4, seed: 2), "shirts/rgba.png", in: folder)
        try write(png(16, channels: 1, seed: 3), "shoes/grey.png", in: folder)
        try write(PictureFiles.palettePNG(width: 18, height: 16, palette: [(9, 200, 9), (200, 9, 9), (9, 9, 200)]), "shoes/palette.PNG", in: folder)
        try write(PictureFiles.encode(PictureFiles.pixels(width: 24, height: 24, channels: 3), width: 24, height: 24,
                                      channels: 3, as: .jpeg), "shoes/photo.jpeg", in: folder)
        try write(png(16, channels: 3, seed: 4), "shoes/really-a-png.jpg", in: folder)
        try write(Data(), "bad/empty.png", in: folder)
        let whole = png(16, channels: 3, seed: 5)
        try write(whole.prefix(whole.count / 2), "bad/truncated.png", in: folder)
        try write(Data((0..<500).map { UInt8(truncatingIfNeeded: $0 &* 37) }), "bad/noise.jpg", in: folder)
        try write(Data("not a picture at all\n".utf8), "bad/text.png", in: folder)
        try write(PictureFiles.pngHeaderOnly(width: 20_000, height: 20_000), "bad/huge.png", in: folder)
        try write(png(8, channels: 3), "bad/small.png", in: folder)
        try write(Data("notes".utf8), "README.txt", in: folder)
        try write(png(16, channels: 3), ".hidden/ignored.png", in: folder)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("shirts/loop").path,
                                                   withDestinationPath: folder.path)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("bad/dangling.png").path,
                                                   withDestinationPath: "/nonexistent/picture.png")
        return folder
    }

    @Test func badFilesAreSkippedWithTheirReasonAndGoodOnesKept() throws {
        let folder = try makeMixedFolder()
        let cache = ImageCache(directory: IDXFiles.temporaryFolder("cache"))
        let (collection, fromCache) = try ImageFolder.load(folder, side: 16, background: .white, cache: cache)
        #expect(!fromCache)
        #expect(collection.names == ["shirts/rgb.png", "shirts/rgba.png", "shoes/grey.png", "shoes/palette.PNG",
                                     "shoes/photo.jpeg", "shoes/really-a-png.jpg"])
        #expect(collection.classes == ["shirts", "shoes"])
        #expect((0..<6).map { collection.images.label($0) } == [0, 0, 1, 1, 1, 1])
        #expect(collection.images.height == 16 && collection.images.channels == 3 && collection.hasColour)
        func reason(_ name: String) -> String? {
            collection.skipped.first { $0.path.hasSuffix(name) }?.problem
        }
        #expect(reason("bad/empty.png") == "the file is empty")
        #expect(reason("bad/truncated.png")?.hasPrefix("a corrupt PNG file") == true)
        #expect(reason("bad/noise.jpg") == "not PNG/JPEG/BMP/GIF by its content")
        #expect(reason("bad/text.png") == "not PNG/JPEG/BMP/GIF by its content")
        #expect(reason("bad/huge.png")?.contains("declares 20000×20000 pixels, more than its data can hold") == true)
        #expect(reason("bad/small.png")?.contains("smaller than the 16×16") == true)
        #expect(reason("bad/dangling.png")?.hasPrefix("cannot be read") == true)
        #expect(reason("shirts/loop")?.contains("already read") == true)
        #expect(collection.skipped.count == 8)
    }

    @Test func theCacheServesTheSecondLoadAndNoticesChanges() throws {
        let folder = try makeMixedFolder()
        let cache = ImageCache(directory: IDXFiles.temporaryFolder("cache"))
        let (first, _) = try ImageFolder.load(folder, side: 16, background: .black, cache: cache)
        let (second, fromCache) = try ImageFolder.load(folder, side: 16, background: .black, cache: cache)
        #expect(fromCache)
        // Both read their images from the cache's file: decoded ones are freed once written.
        #expect(first.images.isMapped && second.images.isMapped)
        #expect(second.images.bytes == first.images.bytes && second.names == first.names)
        #expect(second.skipped == first.skipped && second.classes == first.classes)
        #expect(second.images.labelBytes == first.images.labelBytes)

        // Another size, another background, or a changed file is decoded anew.
        #expect(try !ImageFolder.load(folder, side: 12, background: .black, cache: cache).fromCache)
        #expect(try !ImageFolder.load(folder, side: 16, background: .white, cache: cache).fromCache)
        try write(png(16, channels: 3, seed: 9), "shirts/rgb.png", in: folder)
        let (changed, changedFromCache) = try ImageFolder.load(folder, side: 16, background: .black, cache: cache)
        #expect(!changedFromCache && changed.images.bytes != first.images.bytes)

        // A damaged cache entry is ignored, not trusted.
        let entries = try FileManager.default.contentsOfDirectory(at: cache.directory, includingPropertiesForKeys: nil)
        for entry in entries {
            let images = entry.appendingPathComponent("images.idx")
            let bytes = try Data(contentsOf: images)
            try bytes.prefix(bytes.count - 1).write(to: images)
        }
        #expect(try !ImageFolder.load(folder, side: 16, background: .black, cache: cache).fromCache)
    }

    @Test func aFolderWithNothingUsableIsAClearError() throws {
        let empty = IDXFiles.temporaryFolder("empty")
        #expect(throws: FileError(path: empty.path, problem: "holds no PNG, JPEG, BMP or GIF files")) {
            try ImageFolder.load(empty, side: 8, background: .white, cache: nil)
        }
        let broken = IDXFiles.temporaryFolder("broken")
        try write(Data(), "a.png", in: broken)
        try write(Data("text".utf8), "b.gif", in: broken)
        #expect(throws: FileError(path: broken.path, problem: "none of its 2 picture files could be used")) {
            try ImageFolder.load(broken, side: 8, background: .white, cache: nil)
        }
        #expect(throws: FileError.self) {
            try ImageFolder.load(empty.appendingPathComponent("missing"), side: 8, background: .white, cache: nil)
        }
    }

    @Test func greyConversionKeepsLabelsAndSelectionKeepsOrder() throws {
        let folder = try makeMixedFolder()
        let (collection, _) = try ImageFolder.load(folder, side: 16, background: .white, cache: nil)
        let grey = collection.converted(toChannels: 1)
        #expect(grey.images.channels == 1 && grey.images.count == collection.images.count)
        #expect(grey.images.labelBytes == collection.images.labelBytes)
        let chosen = collection.selecting([4, 0])
        #expect(chosen.names == ["shoes/photo.jpeg", "shirts/rgb.png"])
        #expect(chosen.images.bytes == collection.images.subset(4..<5).bytes + collection.images.subset(0..<1).bytes)
    }
}

extension ImageFolderTests {
    /// Rearranging a dataset in place gives what copying the images in that order gives,
    /// labels included, and a subset that shares its storage leaves the rest untouched.
    @Test func reorderingInPlaceMatchesSelecting() {
        let pixels = (0..<(9 * 12)).map { UInt8($0 % 251) }
        let labels: [UInt8] = [0, 1, 2, 0, 1, 2, 0, 1, 2]
        let whole = ImageDataset(pixels: pixels, labels: labels, height: 2, width: 2, channels: 3)
        let order = [4, 0, 8, 2, 7, 1, 3, 6, 5]
        var reordered = ImageDataset(pixels: pixels, labels: labels, height: 2, width: 2, channels: 3)
        reordered.reorder(order)
        #expect(reordered.bytes == whole.selecting(order).bytes)
        #expect(reordered.labelBytes == whole.selecting(order).labelBytes)
        var part = whole.subset(2..<5)
        part.reorder([2, 0, 1])
        #expect(part.bytes == whole.selecting([4, 2, 3]).bytes)
        #expect(whole.bytes == pixels)
    }
}
