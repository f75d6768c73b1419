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

    @Test func mappingsHoldTheFileAsItWasMapped() throws {
        let folder = IDXFiles.temporaryFolder("mapping")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent("file")
        try AtomicFile.write(Data("first version".utf8), to: url)
        let mapping = try FileMapping(url)
        #expect(mapping.withBytes { Array($0) } == Array("first version".utf8))
        // Replaced the way this program replaces files: the mapping keeps what it mapped.
        try AtomicFile.write(Data("second".utf8), to: url)
        #expect(mapping.withBytes { Array($0) } == Array("first version".utf8))
        #expect(try FileMapping(url).withBytes { Array($0) } == Array("second".utf8))
        let empty = folder.appendingPathComponent("empty")
        try Data().write(to: empty)
        #expect { try FileMapping(empty) } throws: { "\($0)".hasSuffix("the file is empty") }
        #expect { try FileMapping(folder) } throws: { "\($0)".hasSuffix("is a folder, not a file") }
    }

    /// A file written a piece at a time: what the producer throws leaves the earlier version
    /// whole and no temporary file behind.
    @Test func aFileWrittenInPiecesIsAllOrNothing() throws {
        let folder = IDXFiles.temporaryFolder("pieces")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent("file")
        try AtomicFile.write(to: url) { append in
            for piece in ["one ", "two ", "three"] { try Data(piece.utf8).withUnsafeBytes { try append($0) } }
        }
        #expect(try readFile(url) == Data("one two three".utf8))
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try AtomicFile.write(to: url) { append in
                try Data("partial".utf8).withUnsafeBytes { try append($0) }
                throw Stop()
            }
        }
        #expect(try readFile(url) == Data("one two three".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["file"])
    }
}
