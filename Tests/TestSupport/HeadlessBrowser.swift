import Foundation
import Visualization

/// Chromium without a window, to see a page as a reader's browser draws it.
public enum HeadlessBrowser {
    /// The browser's program, found on the PATH (Debian's package is `chromium`).
    public static let executable: String? = {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for name in ["chromium", "chromium-browser"] {
            for folder in folders where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                return "\(folder)/\(name)"
            }
        }
        return nil
    }()

    /// On a continuous-integration machine (CI set) a missing browser is a failure, not a skip.
    public static let required = ProcessInfo.processInfo.environment["CI"] != nil

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The page at `page` drawn in a window of `width` × `height` CSS pixels, at one device
    /// pixel per CSS pixel, decoded. The browser's profile and log stay in `folder`.
    public static func screenshot(of page: URL, width: Int, height: Int, folder: URL, timeout: TimeInterval = 120) throws
        -> (pixels: [UInt8], width: Int, height: Int, channels: Int) {
        guard let executable else { throw Failure(description: "no chromium on the PATH") }
        let picture = folder.appendingPathComponent("screenshot.png")
        let log = folder.appendingPathComponent("browser.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: log)
        defer { try? logHandle.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--force-device-scale-factor=1", "--user-data-dir=\(folder.appendingPathComponent("profile").path)",
            "--screenshot=\(picture.path)", "--window-size=\(width),\(height)", page.absoluteString,
        ]
        process.standardOutput = logHandle
        process.standardError = logHandle
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw Failure(description: "chromium took more than \(Int(timeout)) s; its log is in \(log.path)")
        }
        guard let data = try? Data(contentsOf: picture), let decoded = PNG.decode(data) else {
            let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw Failure(description: "chromium (status \(process.terminationStatus)) wrote no screenshot:\n\(output.suffix(2000))")
        }
        return decoded
    }

    /// How many distinct colours a screenshot holds, and how many of its pixels are not
    /// (near) white: a page that failed to draw has few of both.
    public static func ink(of shot: (pixels: [UInt8], width: Int, height: Int, channels: Int)) -> (colours: Int, inked: Int) {
        var colours = Set<UInt32>(), inked = 0
        for i in stride(from: 0, to: shot.pixels.count, by: shot.channels) {
            let (r, g, b) = (shot.pixels[i], shot.pixels[i + 1], shot.pixels[i + 2])
            colours.insert(UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b))
            if r < 240 || g < 240 || b < 240 { inked += 1 }
        }
        return (colours.count, inked)
    }
}
