/// A setting that cannot be used, with its value and the reason: a value a program can act
/// on (a command line names its own option for `setting`, a form highlights its field).
public struct ConfigurationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The settings of a model, a training and its data that are checked.
    public enum Setting: String, Sendable, CaseIterable {
        case epochs, batchSize, learningRate, optimizer, seed, klWarmUp
        case validationCount, testCount, limit
        case codingSize, hidden, activation, architecture, filters, likelihood, beta, noise
        case imageShape, imageSize, channels, background
        case data, components, covariance, prior
        case samples, importanceSamples, subset
        case weights, run
        case model, codebookSize, codeDimension, commitment, priorChannels, priorBlocks, priorEpochs, secondStageHidden
        case perceptual

        /// The words for it in a sentence.
        public var phrase: String {
            switch self {
            case .batchSize: "the batch size"
            case .learningRate: "the learning rate"
            case .klWarmUp: "the KL warm-up"
            case .validationCount: "the validation images"
            case .testCount: "the test images"
            case .limit: "the training image limit"
            case .codingSize: "the coding size"
            case .hidden: "hidden layer sizes"
            case .filters: "the convolutions' filters"
            case .imageShape: "the image shape"
            case .imageSize: "the picture size"
            case .beta: "β"
            case .data: "the dataset"
            case .samples: "the number of generated images"
            case .importanceSamples: "the importance samples per image"
            case .subset: "the number of test images"
            case .model: "the model family"
            case .codebookSize: "the codebook size"
            case .codeDimension: "the codes' dimension"
            case .commitment: "the commitment weight"
            case .priorChannels: "the code prior's channels"
            case .priorBlocks: "the code prior's blocks"
            case .priorEpochs: "the prior's epochs"
            case .secondStageHidden: "the second stage's hidden layer sizes"
            case .perceptual: "the perceptual term's weight"
            default: "the " + rawValue
            }
        }
    }

    /// Which setting; nil when the problem lies between several.
    public let setting: Setting?
    /// The value refused, as text ("" when there is no single value).
    public let value: String
    /// What is wrong, as a predicate: "must be at least 1".
    public let reason: String

    public init(_ setting: Setting?, _ value: some CustomStringConvertible, _ reason: String) {
        self.setting = setting
        self.value = value.description
        self.reason = reason
    }

    /// A problem with no single setting to blame.
    public init(_ reason: String) {
        self.init(nil, "", reason)
    }

    /// The sentence, with `name` standing for the setting ("--epochs must be at least 1, not 0").
    public func sentence(naming name: String) -> String {
        guard setting != nil else { return reason }
        return value.isEmpty ? "\(name) \(reason)" : "\(name) \(reason), not \(value)"
    }

    public var description: String { sentence(naming: setting?.phrase ?? "") }
}
