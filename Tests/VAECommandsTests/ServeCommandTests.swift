import Foundation
import Testing
import TestSupport

/// `vae serve` runs `vae-serve`, the program beside it, which checks its options first.
@Suite struct ServeCommandTests {
    @Test func refusesAMissingFolderAndABadPort() throws {
        let vae = try ChildProcess.builtProgram("vae")
        _ = try ChildProcess.builtProgram("vae-serve")
        let missing = try ChildProcess.run(vae, ["serve", "--runs", "/nonexistent/runs", "--port", "0"])
        #expect(missing.status != 0 && missing.output.contains("/nonexistent/runs: no such folder"), "\(missing.output)")
        let port = try ChildProcess.run(vae, ["serve", "--port", "70000"])
        #expect(port.status != 0 && port.output.contains("--port must be from 0 to 65535"), "\(port.output)")
        let help = try ChildProcess.run(vae, ["serve", "--help"])
        #expect(help.status == 0 && help.output.contains("--runs"), "\(help.output)")
    }
}
