import CCurl
import Synchronization

/// One request in flight: its easy handle and where its response goes.
///
/// Everything except ``cancelRequested`` is touched only on the driver's thread (from libcurl
/// callbacks and completion), which is what makes the `@unchecked Sendable` sound.
final class Transfer: @unchecked Sendable {
    enum Sink {
        case buffered(CheckedContinuation<HTTPResponse, any Error>)
        case streaming(
            head: CheckedContinuation<HTTPStreamingResponse, any Error>?,
            body: HTTPBody,
            continuation: AsyncThrowingStream<[UInt8], any Error>.Continuation
        )
    }

    let id: Int
    let easy: EasyHandle
    let bodyLimit: Int
    let cancelRequested = Mutex(false)
    /// Streaming only: bytes handed to the reader and not yet read, and whether receiving is paused.
    let backlog = Mutex((bytes: 0, paused: false))
    /// Streaming only: receiving pauses above this many unread bytes.
    var backlogLimit = Int.max
    private var sink: Sink?
    private var status = 0
    private var headers: [(name: String, value: String)] = []
    private var body: [UInt8] = []
    private var headerBlockDone = false
    private var finished = false
    private(set) var overflowed = false

    init(id: Int, easy: EasyHandle, bodyLimit: Int) throws(CurlError) {
        self.id = id
        self.easy = easy
        self.bodyLimit = bodyLimit
        let me = Unmanaged.passUnretained(self).toOpaque()
        try easy.setCallback(CURLOPT_HEADERFUNCTION, transferHeaderCallback)
        try easy.set(CURLOPT_HEADERDATA, pointer: me)
        try easy.setCallback(CURLOPT_WRITEFUNCTION, transferWriteCallback)
        try easy.set(CURLOPT_WRITEDATA, pointer: me)
    }

    func attach(_ sink: Sink) { self.sink = sink }

    private var httpVersion: Int {
        switch easy.infoLong(CURLINFO_HTTP_VERSION) {
        case Int(CURL_HTTP_VERSION_2_0): 2
        case Int(CURL_HTTP_VERSION_3): 3
        default: 1
        }
    }

    func receiveHeader(_ bytes: UnsafeRawBufferPointer) {
        var end = bytes.count
        while end > 0, bytes[end - 1] == UInt8(ascii: "\n") || bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let line = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[..<end]), as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            // A new response block (after 1xx interim responses or on HTTP/2).
            headers = []
            headerBlockDone = false
            let parts = line.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        } else if line.isEmpty {
            guard status >= 200 || status == 0 else { return }
            headerBlockDone = true
            deliverHead()
        } else if let colon = line.firstIndex(of: ":") {
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingSpaces()
            headers.append((name: name, value: value))
        }
    }

    enum BodyVerdict { case accepted, pause, abort }

    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> BodyVerdict {
        switch sink {
        case .buffered:
            guard body.count + bytes.count <= bodyLimit else {
                overflowed = true
                return .abort
            }
            body.append(contentsOf: bytes)
        case .streaming(_, _, let continuation):
            if !headerBlockDone {
                headerBlockDone = true
                deliverHead()
            }
            let admitted = backlog.withLock { state in
                if state.bytes > 0, state.bytes + bytes.count > backlogLimit {
                    state.paused = true
                    return false
                }
                state.bytes += bytes.count
                return true
            }
            // libcurl keeps the chunk and offers it again after curl_easy_pause(..., CURLPAUSE_CONT).
            guard admitted else { return .pause }
            continuation.yield(Array(bytes))
        case nil:
            break
        }
        return .accepted
    }

    /// The reader took `count` bytes; returns true when receiving should resume.
    func consumed(_ count: Int) -> Bool {
        backlog.withLock { state in
            state.bytes -= count
            guard state.paused, state.bytes <= backlogLimit / 2 else { return false }
            state.paused = false
            return true
        }
    }

    private func deliverHead() {
        guard case .streaming(let head?, let stream, let continuation) = sink else { return }
        if status == 0 { status = easy.infoLong(CURLINFO_RESPONSE_CODE) }
        sink = .streaming(head: nil, body: stream, continuation: continuation)
        head.resume(returning: HTTPStreamingResponse(status: status, headers: headers, httpVersion: httpVersion, body: stream))
    }

    /// Completes the transfer once: `error` nil means success.
    func finish(error: (any Error)?) {
        guard !finished else { return }
        finished = true
        switch sink {
        case .buffered(let continuation):
            if let error {
                continuation.resume(throwing: error)
            } else {
                let code = easy.infoLong(CURLINFO_RESPONSE_CODE)
                continuation.resume(
                    returning: HTTPResponse(status: code != 0 ? code : status, headers: headers, body: body,
                                            httpVersion: httpVersion))
            }
        case .streaming(let head, _, let continuation):
            if let head {
                if let error {
                    head.resume(throwing: error)
                    continuation.finish(throwing: error)
                    break
                }
                deliverHead()
            }
            if let error { continuation.finish(throwing: error) } else { continuation.finish() }
        case nil:
            break
        }
        sink = nil
    }
}

private let transferHeaderCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    buffer, size, count, context in
    guard let context else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
    transfer.receiveHeader(UnsafeRawBufferPointer(start: buffer, count: size * count))
    return size * count
}

private let transferWriteCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    buffer, size, count, context in
    guard let context else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
    switch transfer.receiveBody(UnsafeRawBufferPointer(start: buffer, count: size * count)) {
    case .accepted: return size * count
    case .pause: return Int(CURL_WRITEFUNC_PAUSE)
    case .abort: return 0
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        var view = self[...]
        while let first = view.first, first == " " || first == "\t" { view.removeFirst() }
        while let last = view.last, last == " " || last == "\t" { view.removeLast() }
        return String(view)
    }
}
