// swift-tools-version: 6.1
import Foundation
import PackageDescription

let package = Package(
    name: "VariationalAutoencoders",
    // `Synchronization` (the command line's interruption flag) needs macOS 15.
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vae", targets: ["vae"]),
        // The dashboard server that `vae serve` runs: a program of its own, so that `vae`
        // and the library build without the web framework.
        .executable(name: "vae-serve", targets: ["vae-serve"]),
        .library(name: "VAE", targets: ["VAE", "Runs", "Study", "Datasets", "Storage", "NumericCore", "NeuralNetwork",
                                        "Optimizers", "Visualization", "Evaluation", "Cluster", "Explorer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
    ],
    targets: [
        // C libraries from Debian packages (installed by `make deps`).
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CStb", pkgConfig: "stb", providers: [.apt(["libstb-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),

        // Processor-level kernels: matrix products for AVX-512 and AVX2 processors, the Nadam
        // and Adam updates and pixel scaling, split between the cores by a small pool of
        // threads; the floating-point mode set around the work that needs it. No settings of
        // its own, so the package can be depended on by version: each file turns contraction
        // off itself, and the kernels call no libm function that sets errno.
        .target(name: "CKernels"),
        // Decoders for pictures from anywhere, each chosen by the file's first bytes: PNG
        // through libpng, JPEG through libjpeg-turbo (both maintained by Debian for
        // security), GIF and BMP through stb_image compiled here for those two alone.
        .target(name: "CImageDecoders", linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("turbojpeg")]),
        // Open MPI, loaded at run time when `mpirun` started the program: nothing to link.
        .target(name: "CProcessGroup"),
        // File formats below everything that reads or writes files: safetensors, atomic
        // writes, reading whole files, fingerprints.
        .target(name: "Storage"),
        // The maths: matrices over BLAS and the own kernels, work split between the cores,
        // random numbers, Gaussian fits and eigen-decompositions.
        // On Apple platforms the system BLAS is Accelerate's, imported directly.
        .target(name: "NumericCore", dependencies: [.target(name: "CBLAS", condition: .when(platforms: [.linux])), "CKernels"]),
        // Layers with their gradients.
        .target(name: "NeuralNetwork", dependencies: ["NumericCore"]),
        // Gradient-descent optimizers (Keras's Nadam and friends).
        .target(name: "Optimizers", dependencies: ["NumericCore", "NeuralNetwork", "Storage", "CKernels"]),
        // Datasets: IDX files (MNIST family), folders of PNG/JPEG/BMP/GIF pictures, batching.
        .target(name: "Datasets", dependencies: ["NumericCore", "Storage", "CZlib", "CStb", "CImageDecoders", "CKernels"]),
        // The variational autoencoder: model, losses, priors, the trainer and its shards.
        .target(name: "VAE", dependencies: ["NumericCore", "NeuralNetwork", "Optimizers", "Datasets", "Storage"]),
        // Measures of generated images: a classifier's features and predictions, Fréchet
        // distance, precision and recall, class coverage, sharpness.
        .target(name: "Evaluation", dependencies: ["NumericCore", "NeuralNetwork", "Optimizers", "Datasets", "Storage"]),
        // Pictures, charts and reports: PNG image grids, SVG line, scatter and bar charts,
        // principal components, self-contained HTML pages with a markdown twin.
        .target(name: "Visualization", dependencies: ["NumericCore", "Storage", "CStb", "CPNG"]),
        // One training over several processes or machines: the MPI process group.
        .target(name: "Cluster", dependencies: ["NumericCore", "CProcessGroup"]),
        // Runs and what they keep on disk: a training run with its checkpoint, best-weights
        // and history policy, the data policy, the mixture prior's cache, the evaluation report.
        .target(name: "Runs", dependencies: ["VAE", "Datasets", "Evaluation", "Visualization", "NumericCore", "Storage"]),
        // The study that answers the assignment's questions: typed plans, runs, report.
        .target(name: "Study", dependencies: ["Runs", "VAE", "Datasets", "Evaluation", "Visualization", "NumericCore", "Storage"]),
        // The dashboard without its transport: which runs there are, their summaries, and a
        // latent explorer per run (decode, interpolate, sample, redraw codes), every request
        // checked and bounded; the pages it serves.
        .target(name: "Explorer", dependencies: ["Runs", "VAE", "Datasets", "Visualization", "NumericCore", "Storage"]),
        // The dashboard over HTTP (Hummingbird), with its live stream; outside the library product.
        .target(name: "DashboardServer", dependencies: [
            "Explorer", .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .executableTarget(name: "vae-serve", dependencies: [
            "DashboardServer", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // The `vae` command line, as a library so tests can drive it: flags to library types,
        // errors to messages.
        .target(name: "VAECommands", dependencies: [
            "Runs", "Study", "VAE", "Datasets", "Evaluation", "Visualization", "Storage", "Cluster",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "vae", dependencies: ["VAECommands"]),
        // Speed and memory of training and decoding: `swift run -c release vae-bench`.
        // It makes its picture folder with the tests' picture files and measures children as they do.
        .executableTarget(name: "vae-bench", dependencies: [
            "VAE", "Datasets", "Storage", "TestSupport", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Helpers the tests share: finite differences, the Keras reference values.
        .target(name: "TestSupport", dependencies: ["NumericCore", "NeuralNetwork", "Datasets", "Visualization", "Storage", "CStb", "CZlib"], path: "Tests/TestSupport"),
        .testTarget(name: "NumericCoreTests", dependencies: ["NumericCore", "CKernels", "TestSupport"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "TestSupport"]),
        .testTarget(name: "RunsTests", dependencies: ["Runs", "VAE", "Optimizers", "TestSupport"]),
        .testTarget(name: "NeuralNetworkTests", dependencies: ["NeuralNetwork", "TestSupport"]),
        .testTarget(name: "OptimizersTests", dependencies: ["Optimizers", "Storage", "CKernels", "TestSupport"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "CStb", "TestSupport"]),
        .testTarget(name: "VAETests", dependencies: ["VAE", "Visualization", "Storage", "CKernels", "TestSupport"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Datasets", "Storage", "CKernels", "TestSupport"]),
        .testTarget(name: "VisualizationTests", dependencies: ["Visualization", "Storage", "CStb", "TestSupport"]),
        .testTarget(name: "StudyTests", dependencies: ["Study", "TestSupport"]),
        .testTarget(name: "ExplorerTests", dependencies: ["Explorer", "Runs", "VAE", "TestSupport"]),
        .testTarget(name: "VAECommandsTests", dependencies: ["VAECommands", "Runs", "CStb", "TestSupport"]),
    ]
)

// The fuzzing harness for the file readers, built only by `Fuzz/run.sh` (it needs the
// fuzzer sanitizer, which provides its own `main`).
if ProcessInfo.processInfo.environment["VAE_FUZZ"] != nil {
    package.targets.append(.executableTarget(
        name: "vae-fuzz", dependencies: ["VAE", "Runs", "Datasets", "NumericCore", "Storage", "TestSupport"],
        path: "Fuzz/Sources/vae-fuzz"))
}
