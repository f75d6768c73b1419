import Foundation
import Storage
import VAE

/// What `config.json` holds: enough to rebuild the model and rerun the training.
public struct RunConfiguration: Codable, Equatable, Sendable {
    public var model: ModelConfiguration
    public var training: TrainingOptions
    /// Fixes the initial weights, the shuffling and the sampling noise of the run.
    public var seed: UInt64
    /// The images the run trains, validates and is tested on.
    public var data: DataSelection
    public var format = RunConfiguration.currentFormat

    static let currentFormat = "vae-run/2"

    public init(model: ModelConfiguration, training: TrainingOptions, seed: UInt64 = 42, data: DataSelection) {
        self.model = model
        self.training = training
        self.seed = seed
        self.data = data
    }

    enum CodingKeys: String, CodingKey { case model, training, seed, data, format }
    /// The first format kept the seed, validation count and limit with the training
    /// options, the folder as `data` and the picture settings as `images`.
    enum FirstFormatKeys: String, CodingKey { case seed, validationCount, limit, images }

    public init(from decoder: any Swift.Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decode(ModelConfiguration.self, forKey: .model)
        training = try container.decode(TrainingOptions.self, forKey: .training)
        if let folder = try? container.decode(String.self, forKey: .data) {
            let old = try decoder.container(keyedBy: FirstFormatKeys.self)
            let options = try container.nestedContainer(keyedBy: FirstFormatKeys.self, forKey: .training)
            seed = try options.decode(UInt64.self, forKey: .seed)
            data = DataSelection(folder: folder, validationCount: try options.decode(Int.self, forKey: .validationCount),
                                 limit: try options.decodeIfPresent(Int.self, forKey: .limit),
                                 pictures: try old.decodeIfPresent(ImageFolderSettings.self, forKey: .images))
        } else {
            seed = try container.decode(UInt64.self, forKey: .seed)
            data = try container.decode(DataSelection.self, forKey: .data)
        }
    }

    public func encode(to encoder: any Swift.Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model, forKey: .model)
        try container.encode(training, forKey: .training)
        try container.encode(seed, forKey: .seed)
        try container.encode(data, forKey: .data)
        try container.encode(Self.currentFormat, forKey: .format)
    }

    /// Every setting checked, and the model against the data it reads.
    public func validate() throws(ConfigurationError) {
        try model.validate()
        try training.validate()
        try data.validate()
        if let pictures = data.pictures,
           model.imageHeight != pictures.side || model.imageWidth != pictures.side || model.channels != pictures.channels {
            throw ConfigurationError(.imageShape, "\(model.imageHeight)×\(model.imageWidth)×\(model.channels)",
                                     "of the model does not match pictures of \(pictures.side)×\(pictures.side)×\(pictures.channels)")
        }
    }

    /// Parses and checks the bytes of a `config.json`; `path` names it in errors.
    public static func decode(_ data: Data, path: String) throws -> RunConfiguration {
        let configuration: RunConfiguration
        do {
            configuration = try JSONDecoder().decode(RunConfiguration.self, from: data)
        } catch {
            throw FileError(path: path, problem: "not a valid run configuration: \(describe(error))")
        }
        do {
            try configuration.validate()
        } catch {
            throw FileError(path: path, problem: error.description)
        }
        return configuration
    }

    /// The bytes of `config.json`: sorted keys, indented, for people and diffs.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

/// Which images a run uses: a dataset folder and how it is divided.
public struct DataSelection: Codable, Equatable, Sendable {
    /// A folder in MNIST's IDX layout, or a folder of pictures.
    public var folder: String
    /// Images held out to validate: the last ones of an IDX training file (the book: 5,000),
    /// or, for pictures, how many the run's `split.json` holds out.
    public var validationCount: Int
    /// Train on the first `limit` training images only, for quick tries.
    public var limit: Int?
    /// How images were made from a folder of picture files; nil for an IDX dataset.
    public var pictures: ImageFolderSettings?

    public init(folder: String, validationCount: Int = 5000, limit: Int? = nil, pictures: ImageFolderSettings? = nil) {
        self.folder = folder
        self.validationCount = validationCount
        self.limit = limit
        self.pictures = pictures
    }

    public func validate() throws(ConfigurationError) {
        if validationCount < 0 { throw ConfigurationError(.validationCount, validationCount, "must not be negative") }
        if let limit, limit <= 0 { throw ConfigurationError(.limit, limit, "must be at least 1") }
        try pictures?.validate()
    }
}

/// A JSON file a run keeps, decoded; a file that is missing or unreadable, or not `what`
/// it should be, is an error naming the file.
func readJSON<T: Decodable>(_ type: T.Type, from url: URL, what: String) throws -> T {
    let data = try readFile(url)
    do {
        return try JSONDecoder().decode(T.self, from: data)
    } catch {
        throw FileError(path: url.path, problem: "not a valid \(what): \(describe(error))")
    }
}

/// A decoding error as a short phrase: which key, which value.
func describe(_ error: Error) -> String {
    switch error {
    case DecodingError.keyNotFound(let key, _): "missing \(key.stringValue)"
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
        "bad value at \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
    case DecodingError.dataCorrupted(let context): context.debugDescription
    default: "\(error)"
    }
}
