import ArgumentParser
import Datasets
import Foundation
import Runs

/// `vae classifier`: trains, once per dataset, the classifier in whose feature space
/// `vae evaluate` compares generated images with real ones.
struct Classifier: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the image classifier that `vae evaluate` judges samples with.",
        discussion: """
        A small CNN (two stride-2 convolutions, 128 features, one logit per class) trained with \
        Adam on a labelled IDX dataset, Fashion-MNIST by default. It is kept where `vae evaluate` \
        looks for it: \(ClassifierLocation.directory.path)/<dataset>-<hash>.safetensors.
        """)

    @Option(help: "A labelled dataset in MNIST's IDX layout.") var data = MNISTFormat.fashionMNISTDirectory
    @Option(help: "Passes over the training images.") var epochs = 10
    @Option(help: "Train on the first N training images only, for quick tries.") var limit: Int?
    @Option(help: "The seed of the initial weights and the image order.") var seed: UInt64 = 42
    @Option(help: "Where to write the weights (default: where `vae evaluate` looks for this dataset's).") var out: String?

    func run() throws {
        try CommandErrors.translating {
            let (url, accuracy) = try DatasetClassifier.train(data: data, epochs: epochs, limit: limit, seed: seed,
                                                              to: out.map { URL(fileURLWithPath: $0) },
                                                              observer: ConsoleObserver())
            Console.line(String(format: "Test accuracy %.4f. Wrote %@", accuracy, url.path))
        }
    }
}
