import Foundation

/// The safetensors format, which numpy, PyTorch and most of the field read: an 8-byte
/// little-endian header length, a JSON header naming each tensor's dtype, shape and byte
/// range, then the raw little-endian data. Only float32 tensors are written or read here.
public enum SafeTensors {
    /// One named tensor: its shape and its values in row-major order.
    public struct Tensor: Equatable, Sendable {
        public var shape: [Int]
        public var values: [Float]

        public init(shape: [Int], values: [Float]) {
            precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not hold \(values.count) values")
            self.shape = shape
            self.values = values
        }
    }

    /// The header may not be larger than this; a hostile file cannot make us allocate more.
    public static let maximumHeaderSize = 100 * 1024 * 1024

    /// The bytes of a safetensors file holding `tensors` (written in name order).
    public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) throws -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let tensor = tensors[name]!
            let size = tensor.values.count * MemoryLayout<Float>.size
            header[name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + size]] as [String: Any]
            offset += size
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad with spaces so the data starts on an 8-byte boundary, as the format recommends.
        while (json.count + 8) % 8 != 0 { json.append(0x20) }
        var data = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        for name in names {
            tensors[name]!.values.withUnsafeBufferPointer { values in
                // Float's in-memory layout is little-endian on every platform Swift runs on here.
                data.append(UnsafeBufferPointer(start: UnsafeRawPointer(values.baseAddress!)
                    .assumingMemoryBound(to: UInt8.self), count: values.count * 4))
            }
        }
        return data
    }

    /// Writes `tensors` to `url` atomically.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws {
        try AtomicFile.write(encode(tensors, metadata: metadata), to: url)
    }

    /// Reads and checks a safetensors file: every size, offset and type is validated
    /// before any tensor is built.
    public static func read(_ url: URL) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        try decode(readFile(url), path: url.path)
    }

    /// Parses the bytes of a safetensors file; `path` names it in errors.
    public static func decode(_ data: Data, path: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        do {
            return try decode(data)
        } catch let problem as DecodingProblem {
            throw FileError(path: path, problem: "not a valid safetensors file: \(problem.message)")
        }
    }

    struct DecodingProblem: Error { let message: String }

    static func decode(_ data: Data) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        func fail(_ message: String) -> DecodingProblem { DecodingProblem(message: message) }
        guard data.count >= 8 else { throw fail("\(data.count) bytes, shorter than the 8-byte header length") }
        let headerLength = data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian }
        guard headerLength <= UInt64(data.count - 8), headerLength <= UInt64(maximumHeaderSize) else {
            throw fail("the header claims \(headerLength) bytes but the file holds \(data.count - 8) after the length")
        }
        let headerStart = data.startIndex + 8
        let dataStart = headerStart + Int(headerLength)
        let headerBytes = data[headerStart..<dataStart]
        guard let object = try? JSONSerialization.jsonObject(with: headerBytes),
              let header = object as? [String: Any] else {
            throw fail("the header is not a JSON object")
        }
        let dataSize = data.count - 8 - Int(headerLength)
        var metadata: [String: String] = [:]
        var ranges: [(name: String, start: Int, end: Int, shape: [Int])] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let map = value as? [String: String] else { throw fail("__metadata__ is not a map of strings") }
                metadata = map
                continue
            }
            guard let entry = value as? [String: Any] else { throw fail("entry \(name) is not an object") }
            guard let dtype = entry["dtype"] as? String else { throw fail("\(name) has no dtype") }
            guard dtype == "F32" else { throw fail("\(name) is \(dtype); only F32 is supported") }
            guard let shape = entry["shape"] as? [Int], shape.allSatisfy({ $0 >= 0 }) else {
                throw fail("\(name) has no valid shape")
            }
            guard let offsets = entry["data_offsets"] as? [Int], offsets.count == 2,
                  offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataSize else {
                throw fail("\(name) has byte offsets outside the \(dataSize) data bytes")
            }
            var elements = 1
            for dimension in shape {
                let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
                guard !overflow, product <= dataSize / 4 else { throw fail("\(name)'s shape \(shape) is larger than the file") }
                elements = product
            }
            guard offsets[1] - offsets[0] == elements * 4 else {
                throw fail("\(name) has shape \(shape) but \(offsets[1] - offsets[0]) bytes")
            }
            ranges.append((name, offsets[0], offsets[1], shape))
        }
        ranges.sort { ($0.start, $0.end) < ($1.start, $1.end) }
        for (previous, next) in zip(ranges, ranges.dropFirst()) where next.start < previous.end {
            throw fail("\(previous.name) and \(next.name) overlap")
        }
        var tensors: [String: Tensor] = [:]
        for range in ranges {
            let count = (range.end - range.start) / 4
            let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                data.withUnsafeBytes { raw in
                    let source = UnsafeRawBufferPointer(rebasing: raw[(8 + Int(headerLength) + range.start)...].prefix(count * 4))
                    for i in 0..<count {
                        buffer[i] = Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
                    }
                }
                initialized = count
            }
            tensors[range.name] = Tensor(shape: range.shape, values: values)
        }
        return (tensors, metadata)
    }
}
