import Foundation
import Storage
import Testing
import TestSupport

/// Whole-file reads: an empty file is empty, a folder or a named pipe is an error at once.
@Suite struct FileReadingTests {
    @Test func emptyFilesFoldersAndPipes() throws {
        let folder = IDXFiles.temporaryFolder("reading")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let empty = folder.appendingPathComponent("empty")
        try Data().write(to: empty)
        #expect(try readFile(empty).isEmpty && readBytes(empty).isEmpty)
        let text = folder.appendingPathComponent("text")
        try Data("some bytes".utf8).write(to: text)
        #expect(try readFile(text) == Data("some bytes".utf8) && readBytes(text) == Array("some bytes".utf8))
        #expect { try readFile(folder) } throws: { "\($0)".hasSuffix("is a folder, not a file") }
        let pipe = folder.appendingPathComponent("pipe")
        #expect(mkfifo(pipe.path, 0o600) == 0)
        #expect { try readFile(pipe) } throws: { "\($0)".hasSuffix("is not a plain file") }
        #expect { try readBytes(folder.appendingPathComponent("missing")) } throws: { "\($0)".hasSuffix("no such file") }
    }
}
