import Foundation
import Runs
import Storage

/// A request as the dashboard sees it: a path and its decoded query parameters.
public struct DashboardRequest: Sendable {
    public var path: String
    public var query: [String: String]
    public init(path: String, query: [String: String] = [:]) {
        self.path = path
        self.query = query
    }
}

/// An answer: a status, a media type and the bytes.
public struct DashboardResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: Data

    public init(status: Int = 200, contentType: String, body: Data) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// A refusal: the status and a one-line reason.
    public static func refusal(_ status: Int, _ reason: String) -> DashboardResponse {
        let line = reason.replacingOccurrences(of: "\n", with: " ")
        return DashboardResponse(status: status, contentType: "text/plain; charset=utf-8", body: Data((line + "\n").utf8))
    }

    static func json(_ value: some Encodable) -> DashboardResponse {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do { return DashboardResponse(contentType: "application/json", body: try encoder.encode(value)) } catch {
            return .refusal(500, "could not encode the answer: \(error)")
        }
    }

    static func png(_ data: Data) -> DashboardResponse { DashboardResponse(contentType: "image/png", body: data) }
}

/// Everything the dashboard answers except its live stream, independent of any HTTP
/// server: the pages, the runs and their files, and the latent explorer. Every request
/// is answered, a bad one with a 4xx and a one-line reason; nothing is written.
public struct DashboardAPI: Sendable {
    public let catalog: RunCatalog
    public let explorers: ExplorerCache

    /// The run files the dashboard serves, with their media types.
    static let servedFiles = [
        "samples.png": "image/png", "reconstructions.png": "image/png", "interpolation.png": "image/png",
        "between.png": "image/png", "curves.svg": "image/svg+xml", "evaluation.json": "application/json",
        "config.json": "application/json", "history.csv": "text/csv; charset=utf-8",
    ]

    public init(catalog: RunCatalog) {
        self.catalog = catalog
        explorers = ExplorerCache(catalog: catalog)
    }

    public func respond(to request: DashboardRequest) -> DashboardResponse {
        do {
            return try route(request)
        } catch let error as CatalogError {
            switch error {
            case .invalidName: return .refusal(400, error.description)
            case .notFound: return .refusal(404, error.description)
            }
        } catch let error as ExplorerError {
            switch error {
            case .invalid: return .refusal(400, error.description)
            case .notApplicable: return .refusal(422, error.description)
            case .notReady: return .refusal(503, error.description)
            case .failed: return .refusal(500, error.description)
            }
        } catch let error as RequestError {
            return .refusal(400, error.reason)
        } catch {
            return .refusal(500, "\(error)")
        }
    }

    private func route(_ request: DashboardRequest) throws -> DashboardResponse {
        let query = QueryReader(request.query)
        switch request.path {
        case "/", "/index.html": return DashboardPages.page(.runs)
        case "/run": return DashboardPages.page(.run)
        case "/explore": return DashboardPages.page(.explorer)
        case "/dashboard.js": return DashboardPages.script
        case "/dashboard.css": return DashboardPages.styles
        case "/api/runs":
            return .json(catalog.names().compactMap { name in
                (try? catalog.folder(named: name)).flatMap { try? RunSummary.read(name, folder: $0, catalog: catalog) }
            })
        case "/api/run":
            let name = try query.text("name")
            return .json(try RunSummary.read(name, folder: try catalog.folder(named: name), catalog: catalog))
        case "/api/file":
            let folder = try catalog.folder(named: try query.text("run"))
            let file = try query.text("name")
            guard let type = Self.servedFiles[file] else {
                throw RequestError(reason: "'\(file.prefix(40))' is not a file the dashboard serves (\(Self.servedFiles.keys.sorted().joined(separator: ", ")))")
            }
            guard let url = catalog.file(file, of: folder) else { return .refusal(404, "the run has no \(file)") }
            return DashboardResponse(contentType: type, body: try readFile(url))
        case "/api/explorer": return .json(try explorer(query).layout)
        case "/api/decode":
            return .png(try explorer(query).decode(try query.numbers("z", limit: 4096)))
        case "/api/test-image": return .png(try explorer(query).testImage(try query.integer("index")))
        case "/api/interpolate":
            return .png(try explorer(query).interpolation(from: try query.integer("from"), to: try query.integer("to"),
                                                          steps: try query.integer("steps", default: 7)))
        case "/api/samples":
            return .png(try explorer(query).samples(prior: try query.text("prior"), count: try query.integer("count", default: 16),
                                                    seed: try query.seed()))
        case "/api/redraw":
            return .png(try explorer(query).redrawn(index: try query.integer("index"), top: try query.integer("top"),
                                                    left: try query.integer("left"), height: try query.integer("height"),
                                                    width: try query.integer("width"), seed: try query.seed()))
        default: return .refusal(404, "no page or API at \(request.path.prefix(80))")
        }
    }

    private func explorer(_ query: QueryReader) throws -> LatentExplorer {
        try explorers.explorer(for: try query.text("run"))
    }
}

/// A malformed request.
struct RequestError: Error {
    var reason: String
}

/// Query parameters, each read as what it must be.
struct QueryReader {
    let values: [String: String]
    init(_ values: [String: String]) { self.values = values }

    func text(_ name: String) throws -> String {
        guard let value = values[name], !value.isEmpty else { throw RequestError(reason: "the parameter '\(name)' is missing") }
        guard value.utf8.count <= 300 else { throw RequestError(reason: "the parameter '\(name)' is too long") }
        return value
    }

    func integer(_ name: String, default fallback: Int? = nil) throws -> Int {
        guard let value = values[name] else {
            if let fallback { return fallback }
            throw RequestError(reason: "the parameter '\(name)' is missing")
        }
        guard let number = Int(value), abs(number) < 1 << 31 else {
            throw RequestError(reason: "the parameter '\(name)' must be a whole number, not '\(value.prefix(40))'")
        }
        return number
    }

    func seed() throws -> UInt64 {
        guard let value = values["seed"] else { return 0 }
        guard let seed = UInt64(value) else { throw RequestError(reason: "the parameter 'seed' must be a whole number from 0 to 2⁶⁴ − 1") }
        return seed
    }

    /// Comma-separated finite numbers, at most `limit` of them.
    func numbers(_ name: String, limit: Int) throws -> [Float] {
        guard let value = values[name], !value.isEmpty else { throw RequestError(reason: "the parameter '\(name)' is missing") }
        let parts = value.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count <= limit else { throw RequestError(reason: "the parameter '\(name)' has more than \(limit) numbers") }
        return try parts.map { part in
            guard part.utf8.count <= 32, let number = Float(part), number.isFinite else {
                throw RequestError(reason: "the parameter '\(name)' holds '\(part.prefix(32))', not a finite number")
            }
            return number
        }
    }
}
