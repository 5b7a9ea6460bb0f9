import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// One answer of a ``PlainHTTPServer`` route.
public struct PlainHTTPResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]
    /// Extra headers, e.g. `Allow`.
    public var headers: [(name: String, value: String)]

    public init(status: Int, contentType: String = "text/plain; charset=utf-8", body: [UInt8] = [],
                headers: [(name: String, value: String)] = []) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.headers = headers
    }

    /// `404 page not found`, as Go's servers answer.
    public static let notFound = PlainHTTPResponse(status: 404, body: Array("404 page not found\n".utf8))
}

/// A small plain-HTTP/1.1 server (swift-nio) answering GET and HEAD from one routing closure: the embedded
/// artifact server and the controller's health probes. Request bodies are ignored; HEAD gets the headers only.
public final class PlainHTTPServer: Sendable {
    /// Maps a request path (query removed) to its answer.
    public typealias Route = @Sendable (_ path: String) -> PlainHTTPResponse

    private struct State {
        var channel: (any Channel)?
        var children: [ObjectIdentifier: any Channel] = [:]
    }

    private let route: Route
    private let state = NIOLockedValueBox(State())

    public init(route: @escaping Route) {
        self.route = route
    }

    /// Listens on `host:port` (0 picks an ephemeral port).
    public func start(host: String, port: Int) async throws {
        let state = self.state
        let route = self.route
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let id = ObjectIdentifier(channel)
                state.withLockedValue { $0.children[id] = channel }
                channel.closeFuture.whenComplete { _ in state.withLockedValue { _ = $0.children.removeValue(forKey: id) } }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(RouteHandler(route: route))
                }
            }
        let channel = try await bootstrap.bind(host: host, port: port).get()
        state.withLockedValue { $0.channel = channel }
    }

    /// The bound address as `host:port`, with IPv6 hosts in brackets; `nil` before ``start(host:port:)``.
    public var address: (host: String, port: Int)? {
        state.withLockedValue { value in
            guard let address = value.channel?.localAddress, let port = address.port else { return nil }
            return (address.ipAddress ?? "127.0.0.1", port)
        }
    }

    /// Closes the listener and every connection.
    public func shutdown() async {
        let (listener, children) = state.withLockedValue { value in
            let result = (value.channel, Array(value.children.values))
            value.channel = nil
            return result
        }
        try? await listener?.close().get()
        for child in children { try? await child.close().get() }
    }
}

private final class RouteHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let route: PlainHTTPServer.Route
    private var head: HTTPRequestHead?

    init(route: @escaping PlainHTTPServer.Route) {
        self.route = route
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request): head = request
        case .body: break
        case .end:
            guard let request = head else { return }
            head = nil
            let path = String(request.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            var response: PlainHTTPResponse
            if request.method != .GET && request.method != .HEAD {
                response = PlainHTTPResponse(status: 405, headers: [("Allow", "GET, HEAD")])
            } else {
                response = route(path)
            }
            var headers = HTTPHeaders()
            for header in response.headers { headers.add(name: header.name, value: header.value) }
            if !response.body.isEmpty || response.status == 200 { headers.add(name: "Content-Type", value: response.contentType) }
            headers.add(name: "Content-Length", value: String(response.body.count))
            if !request.isKeepAlive { headers.add(name: "Connection", value: "close") }
            let status = HTTPResponseStatus(statusCode: response.status)
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))),
                          promise: nil)
            if request.method != .HEAD, !response.body.isEmpty {
                var buffer = context.channel.allocator.buffer(capacity: response.body.count)
                buffer.writeBytes(response.body)
                context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            }
            let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
            if !request.isKeepAlive {
                let channel = context.channel
                done.whenComplete { _ in channel.close(promise: nil) }
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
