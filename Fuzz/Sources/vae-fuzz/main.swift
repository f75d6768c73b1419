import Storage
import Datasets
import Foundation
import NumericCore
import Runs
import VAE

/// One input for one reader, chosen by `VAE_FUZZ_TARGET` (idx, safetensors or config).
/// Any outcome but a value or a thrown error (a crash, a sanitizer report, running out of
/// memory) is a finding.
func fuzz(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes else { return 0 }
    let data = Data(bytes: bytes, count: count)
    switch target {
    case "idx":
        _ = try? IDXReader.read(data, path: "input.gz")
        _ = try? IDXReader.read(data, path: "input")
    case "safetensors":
        _ = try? SafeTensors.decode(data, path: "input.safetensors")
    case "config":
        if let configuration = try? RunConfiguration.decode(data, path: "config.json") {
            // A configuration that passes its checks must describe a model that can be built.
            _ = configuration.model.parameterCount!
        }
    default:
        fatalError("set VAE_FUZZ_TARGET to idx, safetensors or config")
    }
    return 0
}

let target = ProcessInfo.processInfo.environment["VAE_FUZZ_TARGET"] ?? ""

/// libFuzzer's driver, called from our own `main` (the package manager owns `main`).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzer(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
               _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(runFuzzer(&argc, &argv) { fuzz($0, $1) })
