import ArgumentParser
import Cluster
import Datasets
import Foundation
import NumericCore
import Optimizers
import Runs
import VAE

/// `vae train`: its defaults are the book's run.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a VAE; with no options, the book's model on Fashion-MNIST.",
        discussion: """
        --model rae trains the book's model with β = 0 and samples it through a Gaussian mixture fitted to \
        its codings. --model two-stage trains a VAE with a learned decoder variance, then a second VAE on its \
        codings for --prior-epochs epochs. --model vq-vae trains a VQ-VAE (convolutions down to a 7×7 grid \
        of codes for 28×28 images), then a PixelCNN prior over its codes for --prior-epochs epochs. \
        Both stages are kept in one run folder.
        """)

    @Option(help: "The model family: vae (the book's), rae (β = 0, a fitted mixture), two-stage (a second VAE on the codings), or vq-vae (discrete codes and a PixelCNN prior).")
    var model = ModelFamily.vae

    @Option(help: "Passes over the training images (default: 25, vq-vae 12; with --resume, the run's).") var epochs: Int?
    @Option(help: "Images per optimizer step.") var batchSize = 128
    @Option(help: "The optimizer's step size.") var learningRate: Float = 0.001
    @Option(help: "The optimizer: \(OptimizerKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var optimizer = OptimizerKind.nadam
    @Option(help: "The dimension of the latent codings (default 10; two-stage: 16).") var codingSize: Int?
    @Option(help: "Dense hidden layer sizes of the encoder, comma-separated, or none; the decoder mirrors them (default 150,100).")
    var hidden: LayerSizes?
    @Option(help: "dense (the book's) or conv (stride-2 convolutions before the dense layers).")
    var architecture = Architecture.dense
    @Option(help: "Filters of the convolutions, comma-separated (conv only; default 32,64).") var filters: LayerSizes?
    @Option(help: "Hidden activation: \(ActivationChoice.allCases.map(\.rawValue).joined(separator: ", ")).")
    var activation = ActivationChoice.relu
    @Option(help: "Reconstruction loss: mse (the book's), bernoulli (vq-vae's), gaussian (learned variance; two-stage's) or logistic (a location and scale per pixel, discretised to 256 levels).")
    var likelihood: Likelihood?
    @Option(help: "Vectors in a VQ-VAE's codebook.") var codebookSize = VectorQuantizerSettings().codebookSize
    @Option(help: "Values per vector of a VQ-VAE's codebook.") var codeDim = VectorQuantizerSettings().codeDimension
    @Option(help: "Weight β of a VQ-VAE's commitment loss.") var commitment = VectorQuantizerSettings().commitment
    @Option(help: "Epochs of the prior trained after the first model: vq-vae's code prior (default 20), two-stage's second VAE (default 30); 0 to skip it; with --resume, a new total.")
    var priorEpochs: Int?
    @Option(help: "Hidden layer sizes of a two-stage model's second VAE.") var secondStageHidden = LayerSizes(SecondStageSettings().hidden)
    @Option(help: "Feature maps of the code prior's layers.") var priorChannels = CodePriorSettings().channels
    @Option(help: "Residual blocks of the code prior.") var priorBlocks = CodePriorSettings().blocks
    @Flag(help: "With --resume: train the second model (vq-vae's code prior, two-stage's second VAE) again from the start.")
    var redoPrior = false
    @Option(help: "Weight of the latent loss: 1 is the book's VAE, 0 a plain autoencoder loss (rae: 0).") var beta: Float?
    @Option(help: "Weight of a feature-matching term on a fixed random convolutional network (not the evaluation classifier); 0 for none.")
    var perceptual: Float = 0
    @Option(help: "Epochs over which β grows linearly from 0 (KL warm-up); 0 for none.") var klWarmup = 0
    @Option(help: "The sampling layer's noise ε: gaussian (the book's), uniform (unit variance), or none (z = μ).")
    var noise = Noise.gaussian
    @Flag(help: "No sampling in the encoder: the same as --noise none.") var deterministic = false
    @Option(help: "Images held out for validation: from the end of an IDX training file (default 5000), or drawn from a folder of pictures (default 10%).")
    var validation: Int?
    @Option(help: "Images of a folder of pictures held out for testing (default 10%).") var test: Int?
    @Option(help: "Train on the first N training images only, for quick tries.") var limit: Int?
    @Option(help: "The seed that fixes initial weights, shuffling and noise.") var seed: UInt64 = 42
    @Option(help: "A folder in MNIST's IDX layout, or a folder of PNG, JPEG, BMP or GIF pictures (searched recursively; sub-folders name classes).")
    var data = MNISTFormat.fashionMNISTDirectory
    @Option(help: "Pictures are centre-cropped and reduced to this many pixels square (default 32).") var imageSize: Int?
    @Option(help: "1 (grey) or 3 (RGB) for pictures (default: 3 if any picture has colour).") var channels: Int?
    @Option(help: "What transparent parts of pictures become: white or black.") var background = Background.white
    @Option(help: "Where decoded pictures are cached (default: ~/.cache/vae/images).") var cache: String?
    @Option(help: "The run folder to write (default: runs/<date-time>).") var out: String?
    @Flag(help: "Replace a run already in --out.") var overwrite = false
    @Option(help: "Continue the run in this folder from its checkpoint; its options are kept.")
    var resume: String?

    func run() throws {
        // Started by mpirun: one training over all its processes.
        let group: MPIProcessGroup?
        do {
            group = try MPIProcessGroup.fromEnvironment()
        } catch {
            throw CommandFailure(description: "cannot train over MPI: \(error)")
        }
        guard let group else { return try train(group: nil) }
        do {
            try train(group: group)
            group.finish()
        } catch {
            // What one process cannot finish, none can: its reason, then every process stops.
            let reason = String(describing: error)
            FileHandle.standardError.write(Data("vae train, process \(group.rank) of \(group.size): \(reason)\n".utf8))
            group.abort(exitCode: 1)
        }
    }

    private func train(group: MPIProcessGroup?) throws {
        let start = Date()
        let observer = ConsoleObserver()
        // Over MPI the first process speaks for all; the others train silently.
        let shown: ConsoleObserver? = (group?.rank ?? 0) == 0 ? observer : nil
        // A new run's folder is made only once the options and the data have passed their checks.
        let run = try CommandErrors.translating {
            try resume.map {
                try TrainingRun.resume(RunFolder(path: $0), epochs: epochs, priorEpochs: priorEpochs, redoPrior: redoPrior,
                                       observer: shown, group: group)
            }
                ?? TrainingRun.start(request(), in: RunFolder(path: out ?? "runs/" + Self.timestamp()),
                                     overwrite: overwrite, observer: shown, group: group)
        }
        // Over MPI, Ctrl-C reaches mpirun, which ends every process: the last epoch's
        // checkpoint is whole, and `--resume` goes on from it. Stopping mid-epoch would need
        // every process to stop at the same step.
        if group == nil { Interruption.install() }
        defer { if group == nil { Interruption.uninstall() } }
        do {
            try run.train(observer: shown, shouldStop: group == nil ? { Interruption.wasRequested } : nil)
        } catch TrainingError.interrupted(let epoch, let step) {
            observer.abandonLine()
            Console.line("Interrupted at epoch \(epoch), step \(step); the checkpoint holds it. "
                + "Continue with: vae train --resume \(run.folder.url.path)")
            throw ExitCode(130)
        } catch let error as TrainingError {
            observer.abandonLine()
            let kept = run.epochsDone == 0 ? "No epoch was completed" : "The run folder keeps epoch \(run.epochsDone)"
            Console.line("Stopped: \(error). \(kept).")
            throw ExitCode.failure
        }
        guard run.writes else { return }
        // Resident memory counts a mapped dataset's pages, which are the page cache's; the
        // anonymous part is the program's own.
        let memory = (ProcessMemory.peakResidentBytes.map { String(format: ", peak memory %.0f MB", Double($0) / 1e6) } ?? "")
            + (observer.largestAnonymousBytes.map { String(format: " (anonymous at most %.1f MiB)", Double($0) / 1048576) } ?? "")
        Console.line(String(format: "Done in %.1fs", Date().timeIntervalSince(start)) + memory + ". "
            + "Pictures: " + run.folder.pictureURLs.map(\.path).joined(separator: ", "))
    }

    /// The new run the options describe.
    func request() throws -> RunRequest {
        if deterministic && noise != .gaussian && noise != .none {
            throw CommandFailure(description: "--deterministic turns the noise off; it cannot go with --noise \(noise.rawValue)")
        }
        let pictures = RunData.isPictureFolder(data)
        guard pictures || (imageSize == nil && channels == nil && test == nil) else {
            throw CommandFailure(description: "--image-size, --channels and --test apply to a folder of pictures; \(data) holds an IDX dataset")
        }
        if redoPrior { throw CommandFailure(description: "--redo-prior applies to a run continued with --resume") }
        let vq = model == .vqVAE, twoStage = model == .twoStage
        if vq {
            let ignored = [("--coding-size", codingSize != nil), ("--hidden", hidden != nil), ("--beta", beta != nil),
                           ("--kl-warmup", klWarmup != 0), ("--noise", noise != .gaussian), ("--deterministic", deterministic)]
            if let (flag, _) = ignored.first(where: { $0.1 }) {
                throw CommandFailure(description: "\(flag) applies to a VAE's continuous codings; a VQ-VAE has a grid of codes (--codebook-size, --code-dim)")
            }
        }
        let convolutional = vq || architecture == .conv
        let configuration = ModelConfiguration(
            codingSize: codingSize ?? (twoStage ? 16 : 10), hidden: vq ? [] : (hidden ?? LayerSizes([150, 100])).sizes, activation: activation,
            likelihood: likelihood ?? (vq ? .bernoulli : twoStage ? .gaussian : .mse), beta: beta ?? (model == .rae ? 0 : 1),
            architecture: convolutional ? .conv : architecture,
            filters: filters?.sizes ?? (convolutional ? [32, 64] : []), noise: deterministic ? .none : noise, family: model,
            quantizer: vq ? VectorQuantizerSettings(codebookSize: codebookSize, codeDimension: codeDim, commitment: commitment) : nil,
            codePrior: vq ? CodePriorSettings(channels: priorChannels, blocks: priorBlocks) : nil,
            secondStage: twoStage ? SecondStageSettings(hidden: secondStageHidden.sizes) : nil, perceptual: perceptual)
        if !model.needsPrior && priorEpochs != nil {
            throw CommandFailure(description: "--prior-epochs applies to --model vq-vae and --model two-stage")
        }
        let training = TrainingOptions(epochs: epochs ?? (vq ? 12 : 25), batchSize: batchSize, learningRate: learningRate,
                                       optimizer: optimizer, klWarmUp: klWarmup,
                                       priorEpochs: model.needsPrior ? priorEpochs ?? model.recommendedPriorEpochs : nil)
        return RunRequest(model: configuration, training: training, seed: seed, data: data, validationCount: validation,
                          limit: limit,
                          pictures: pictures ? PictureRequest(side: imageSize ?? 32, channels: channels, background: background,
                                                              validationCount: validation, testCount: test) : nil,
                          cache: cache.map { ImageCache(directory: URL(fileURLWithPath: $0)) } ?? .standard)
    }

    static func timestamp() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd'T'HH-mm-ss"
        return formatter.string(from: Date())
    }
}
