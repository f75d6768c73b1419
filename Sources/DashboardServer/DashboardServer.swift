import Explorer
import Foundation
import Hummingbird
import HTTPTypes
import Logging
import ServiceLifecycle

/// `vae serve`: the dashboard over HTTP, on Hummingbird. Everything it answers comes from
/// `DashboardAPI`; this file adds the transport, the live stream of run changes
/// (server-sent events) and the bound on how much work runs at once.
public struct DashboardServer: Sendable {
    public var runs: URL
    public var host: String
    public var port: Int

    public init(runs: URL, host: String = "127.0.0.1", port: Int = 8080) {
        self.runs = runs
        self.host = host
        self.port = port
    }

    /// Serves until the process is interrupted; `ready` is called with the bound port
    /// (useful with port 0, which asks the system for a free one).
    public func run(ready: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let api = DashboardAPI(catalog: try RunCatalog(root: runs))
        let limiter = WorkLimiter(concurrent: max(ProcessInfo.processInfo.activeProcessorCount, 1), queued: 256)
        let streams = StreamCounter(limit: 32)
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            guard request.method == .get || request.method == .head else {
                return Self.response(.refusal(405, "only GET is answered here"))
            }
            if request.uri.path == "/api/events" {
                return streams.take() ? Self.events(api.catalog, release: streams) : Self.response(.refusal(503, "too many live pages are open"))
            }
            let query = Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) },
                                   uniquingKeysWith: { first, _ in first })
            let dashboardRequest = DashboardRequest(path: request.uri.path, query: query)
            guard let answer = await limiter.run({ api.respond(to: dashboardRequest) }) else {
                return Self.response(.refusal(503, "the server is busy; try again"))
            }
            return Self.response(answer)
        }
        let app = Application(responder: responder,
                              configuration: .init(address: .hostname(host, port: port), serverName: "vae serve"),
                              onServerRunning: { channel in ready(channel.localAddress?.port ?? port) },
                              logger: Self.quietLogger())
        try await app.runService()
    }

    static func response(_ answer: DashboardResponse) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = answer.contentType
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        if answer.contentType.hasPrefix("text/html") {
            headers[HTTPField.Name("Content-Security-Policy")!] =
                "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; connect-src 'self'"
        }
        return Response(status: .init(code: answer.status), headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }

    /// The stream of run changes: every run at once, then what changes, looked for every
    /// `RunWatch.interval`, with a comment line every 15 s so idle connections stay open.
    /// It ends when the server shuts down, so an open page does not hold the server up.
    static func events(_ catalog: RunCatalog, release: StreamCounter) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-store"
        let body = ResponseBody { writer in
            defer { release.give() }
            var watch = RunWatch()
            var quiet = Duration.zero
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                let changes = watch.changes(in: catalog)
                if !changes.isEmpty || quiet >= .seconds(15) {
                    try await writer.write(ByteBuffer(bytes: changes.isEmpty ? Data(": still here\n\n".utf8) : changes))
                    quiet = .zero
                }
                try await Task.sleep(for: RunWatch.interval)
                quiet += RunWatch.interval
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    static func quietLogger() -> Logger {
        var logger = Logger(label: "vae-serve")
        logger.logLevel = .warning
        return logger
    }
}
