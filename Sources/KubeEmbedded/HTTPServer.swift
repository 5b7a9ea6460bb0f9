import KubeModel
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// Reads whole requests, hands them to the core, writes full answers or watch streams.
final class HTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let core: ServerCore
    /// Events a watcher may have queued but not yet handed to the socket before it counts as too slow
    /// and is dropped (its connection closed; the client re-watches or relists).
    private let watchBufferLimit: Int
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var tooLarge = false
    private var watchHandle: WatchHandle?
    private var streaming = false
    private let pending = NIOLockedValueBox(0)

    init(core: ServerCore, watchBufferLimit: Int) {
        self.core = core
        self.watchBufferLimit = watchBufferLimit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body = []
            tooLarge = false
            if requestHead.headers["expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                context.writeAndFlush(
                    wrapOutboundOut(.head(HTTPResponseHead(version: requestHead.version, status: .continue))), promise: nil)
            }
        case .body(var buffer):
            if tooLarge { return }
            if body.count + buffer.readableBytes > core.maxBodyBytes {
                tooLarge = true
                body = []
            } else {
                body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
            }
        case .end:
            guard let requestHead = head, !streaming else { return }
            head = nil
            if tooLarge {
                let error = APIError.tooLarge("Request entity too large: limit is \(core.maxBodyBytes)")
                writeFull(context, requestHead, status: error.code, headers: [("Content-Type", "application/json")],
                          body: JSON.encodeToBytes(error.status))
                return
            }
            let request = APIRequest(
                method: requestHead.method.rawValue, uri: requestHead.uri,
                headers: requestHead.headers.map { (name: $0.name, value: $0.value) }, body: body)
            body = []
            let latency = core.lock.withLock { core.faults.latency.timeAmount }
            if latency > .zero {
                let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: latency) {
                    let (handler, context) = bound.value
                    handler.respond(context, requestHead, request)
                }
            } else {
                respond(context, requestHead, request)
            }
        }
    }

    private func respond(_ context: ChannelHandlerContext, _ requestHead: HTTPRequestHead, _ request: APIRequest) {
        switch core.handle(request) {
        case .full(let status, let headers, let bytes):
            writeFull(context, requestHead, status: status, headers: headers, body: request.method == "HEAD" ? [] : bytes)
        case .watch(let headers, let start):
            startWatch(context, requestHead, headers: headers, start: start)
        }
    }

    private func writeFull(_ context: ChannelHandlerContext, _ requestHead: HTTPRequestHead, status: Int,
                           headers: [(String, String)], body: [UInt8]) {
        var responseHeaders = HTTPHeaders(headers)
        responseHeaders.replaceOrAdd(name: "Content-Length", value: String(body.count))
        responseHeaders.replaceOrAdd(name: "Cache-Control", value: "no-cache, private")
        let keepAlive = requestHead.isKeepAlive
        if !keepAlive { responseHeaders.replaceOrAdd(name: "Connection", value: "close") }
        let responseHead = HTTPResponseHead(
            version: requestHead.version, status: HTTPResponseStatus(statusCode: status), headers: responseHeaders)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: body.count)
        buffer.writeBytes(body)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    private func startWatch(_ context: ChannelHandlerContext, _ requestHead: HTTPRequestHead, headers: [(String, String)],
                            start: @Sendable (_ sink: @escaping @Sendable (WatchOutput) -> Bool) -> WatchHandle) {
        var responseHeaders = HTTPHeaders(headers)
        responseHeaders.replaceOrAdd(name: "Cache-Control", value: "no-cache, private")
        responseHeaders.replaceOrAdd(name: "Transfer-Encoding", value: "chunked")
        context.writeAndFlush(
            wrapOutboundOut(.head(HTTPResponseHead(version: requestHead.version, status: .ok, headers: responseHeaders))),
            promise: nil)
        streaming = true
        let loop = context.eventLoop
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: loop)
        let pending = self.pending
        let channel = context.channel
        let limit = watchBufferLimit
        let sink: @Sendable (WatchOutput) -> Bool = { output in
            let count = pending.withLockedValue { value -> Int in
                value += 1
                return value
            }
            if count > limit {
                // Never close inline: the caller holds the core lock and the close would re-enter it.
                loop.execute { channel.close(promise: nil) }
                return false
            }
            loop.execute {
                let (handler, context) = bound.value
                if let written = handler.emit(context, output) {
                    written.whenComplete { _ in pending.withLockedValue { $0 -= 1 } }
                } else {
                    pending.withLockedValue { $0 -= 1 }
                }
            }
            return true
        }
        let handle = start(sink)
        watchHandle = handle
        if let seconds = handle.timeoutSeconds {
            loop.scheduleTask(in: .seconds(seconds)) {
                let (handler, context) = bound.value
                handler.emit(context, .end)
            }
        }
    }

    /// Writes one watch line or the end of the stream; returns the write's future for events.
    @discardableResult
    private func emit(_ context: ChannelHandlerContext, _ output: WatchOutput) -> EventLoopFuture<Void>? {
        guard streaming else { return nil }
        switch output {
        case .event(let type, let object):
            var bytes = JSON.encodeToBytes(["type": .string(type), "object": object])
            bytes.append(UInt8(ascii: "\n"))
            var buffer = context.channel.allocator.buffer(capacity: bytes.count)
            buffer.writeBytes(bytes)
            return context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))))
        case .end:
            streaming = false
            watchHandle?.cancel()
            watchHandle = nil
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            return nil
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        streaming = false
        watchHandle?.cancel()
        watchHandle = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
