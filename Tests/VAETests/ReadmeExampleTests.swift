import Datasets
import Foundation
import NumericCore
import Testing
import TestSupport
import VAE
import Visualization

/// The README's library example, so that it keeps compiling and working.
@Suite struct ReadmeExampleTests {
    @Test func theLibraryExampleRuns() throws {
        let folder = RealData.available ? RealData.fashionMNIST : try IDXFiles.makeDataset(train: 600, test: 10, side: 28)
        let output = IDXFiles.temporaryFolder("readme").appendingPathComponent("samples.png")

        // --- README example (with a short run) ---
        let images = try MNISTFormat.load(.train, from: folder)
        var generator = SeededGenerator(seed: 42)
        let model = try VariationalAutoencoder(.book, generator: &generator)     // the book's encoder and decoder
        let trainer = try Trainer(model: model,
                              training: images.subset(0..<500),             // 0..<55_000 in the book
                              validation: images.subset(500..<600),         // 55_000..<60_000
                              options: .book, generator: generator)
        for _ in 0..<1 {                                                     // 25 epochs in the book
            let epoch = try trainer.trainEpoch()
            print(epoch.epoch, epoch.loss.total, epoch.validation!.total)
        }
        let codings = Codings.random(count: 21, size: 10, generator: &generator)
        let samples = model.decoded(codings)                                 // 21 images of 784 pixels
        try ImageGrid(imageHeight: 28, imageWidth: 28, columns: 7).write(samples, to: output)
        // --- end of the example ---

        #expect(FileManager.default.fileExists(atPath: output.path))
    }
}
