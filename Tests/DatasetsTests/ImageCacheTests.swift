@testable import Datasets
import Foundation
import Storage
import Testing
import TestSupport

@Suite struct ImageCacheTests {
    /// A cache entry of 8 × 8 images is never served for a request of 16 × 16, even when
    /// its manifest's check is forged to match the request's.
    @Test func anEntryOfAnotherSideIsNotServedEvenWithAForgedCheck() throws {
        let folder = IDXFiles.temporaryFolder("cache-pictures")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for index in 0..<3 {
            let pixels = PictureFiles.pixels(width: 20, height: 20, channels: 3, seed: index)
            try PictureFiles.encode(pixels, width: 20, height: 20, channels: 3, as: .png)
                .write(to: folder.appendingPathComponent("\(index).png"))
        }
        let cache = ImageCache(directory: IDXFiles.temporaryFolder("cache"))
        _ = try ImageFolder.load(folder, side: 8, background: .white, cache: cache)
        let scan = try ImageFolderScan(folder)
        let small = ImageCache.Key(folder: folder, side: 8, background: .white, entries: scan.entries)
        let large = ImageCache.Key(folder: folder, side: 16, background: .white, entries: scan.entries)
        #expect(cache.read(small) != nil)

        // The 8 × 8 entry copied under the 16 × 16 key, its check made the request's.
        try FileManager.default.copyItem(at: cache.entry(small), to: cache.entry(large))
        let manifestURL = cache.entry(large).appendingPathComponent("manifest.json")
        var manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as? [String: Any])
        manifest["check"] = large.check
        try JSONSerialization.data(withJSONObject: manifest).write(to: manifestURL)
        #expect(cache.read(large) == nil)
        let (reloaded, fromCache) = try ImageFolder.load(folder, side: 16, background: .white, cache: cache)
        #expect(!fromCache && reloaded.images.height == 16)
    }
}
