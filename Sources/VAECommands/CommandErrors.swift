import ArgumentParser
import Runs
import VAE

/// A failure as the command line words it: one line, naming its own options.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
}

/// Library errors carry values (which setting, which value, why); here they become
/// sentences that name the option a user types.
enum CommandErrors {
    static func translating<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ConfigurationError {
            throw CommandFailure(description: error.sentence(naming: error.setting.map(flag) ?? ""))
        } catch RunFolderError.holdsRun(let path) {
            throw CommandFailure(description: "\(path): already holds a run; pass --overwrite to replace it, or choose another --out")
        } catch RunFolderError.holdsOtherFiles(let path, let example) {
            throw CommandFailure(description: "\(path): holds files that are not a run's (such as \(example)); choose an empty or new folder for --out")
        }
    }

    /// The option that sets `setting`.
    static func flag(_ setting: ConfigurationError.Setting) -> String {
        switch setting {
        case .validationCount: "--validation"
        case .testCount: "--test"
        case .klWarmUp: "--kl-warmup"
        case .codeDimension: "--code-dim"
        case .imageShape: "the image shape"
        default: "--" + setting.rawValue.reduce(into: "") { name, character in
            name += character.isUppercase ? "-" + character.lowercased() : String(character)
        }
        }
    }
}
