import Storage
import Foundation
import NumericCore
import Testing
import TestSupport

@Suite struct SafeTensorsTests {
    let directory = TemporaryFolders.make("safetensors")

    @Test func writesAndReadsBack() throws {
        let tensors = [
            "a.kernel": SafeTensors.Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, -6.5]),
            "a.bias": SafeTensors.Tensor(shape: [3], values: [0.25, 0, .infinity]),
            "step": SafeTensors.Tensor(shape: [], values: [7]),
        ]
        let url = directory.appendingPathComponent("t.safetensors")
        try SafeTensors.write(tensors, metadata: ["epoch": "3"], to: url)
        let (read, metadata) = try SafeTensors.read(url)
        #expect(read == tensors)
        #expect(metadata == ["epoch": "3"])
        // The header is padded so the data starts on an 8-byte boundary.
        let data = try Data(contentsOf: url)
        let headerLength = data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        #expect((8 + headerLength) % 8 == 0)
    }

    /// A file with the given header JSON and data bytes.
    func file(header: String, dataBytes: Int, declaredLength: UInt64? = nil) -> URL {
        var data = Data()
        withUnsafeBytes(of: (declaredLength ?? UInt64(header.utf8.count)).littleEndian) { data.append(contentsOf: $0) }
        data.append(Data(header.utf8))
        data.append(Data(count: dataBytes))
        let url = directory.appendingPathComponent(UUID().uuidString + ".safetensors")
        try! data.write(to: url)
        return url
    }

    @Test(arguments: [
        ("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4, nil, "outside"),          // truncated data
        ("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, UInt64(1) << 40, "header claims"), // huge header length
        ("not json at all", 0, nil, "not a JSON object"),
        ("{\"x\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4, nil, "only F32"),
        ("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8, nil, "has shape"),
        ("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"y\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, nil, "overlap"),
        ("{\"x\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", 8, nil, "larger than the file"),
        ("{\"x\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,8]}}", 8, nil, "no valid shape"),
    ] as [(String, Int, UInt64?, String)])
    func rejectsBadFilesWithAClearMessage(header: String, dataBytes: Int, declaredLength: UInt64?, expected: String) {
        let url = file(header: header, dataBytes: dataBytes, declaredLength: declaredLength)
        do {
            _ = try SafeTensors.read(url)
            Issue.record("read a bad file without complaint")
        } catch {
            let message = "\(error)"
            #expect(message.contains(url.path) && message.contains(expected), "\(message)")
        }
    }

    @Test func rejectsAFileShorterThanItsLength() throws {
        let url = directory.appendingPathComponent("short.safetensors")
        try Data([1, 2, 3]).write(to: url)
        #expect(throws: FileError.self) { try SafeTensors.read(url) }
        #expect(throws: FileError.self) { try SafeTensors.read(directory.appendingPathComponent("missing")) }
    }
}

@Suite struct AtomicFileTests {
    @Test func replacesTheFileAndLeavesNoTemporary() throws {
        let directory = TemporaryFolders.make("atomic")
        let url = directory.appendingPathComponent("a.txt")
        try AtomicFile.write("first", to: url)
        try AtomicFile.write("second", to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "second")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["a.txt"])
    }

    @Test func reportsAnUnwritableFolder() {
        let url = URL(fileURLWithPath: "/proc/no-such-folder/a.txt")
        #expect(throws: FileError.self) { try AtomicFile.write("x", to: url) }
    }
}
