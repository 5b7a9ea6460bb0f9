import CCurl
import Foundation
import Synchronization

/// Owns one `CURLM *` multi handle (and with it the connection cache); frees it in `deinit`.
final class MultiHandle {
    let raw: UnsafeMutableRawPointer

    init() throws(CurlError) {
        guard CurlGlobal.initialised, let handle = curl_multi_init() else {
            throw CurlError.usage("curl_multi_init failed")
        }
        raw = handle
        // HTTP/2 streams share one connection when the server offers it.
        _ = CCurl_multi_setopt_long(raw, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
    }

    deinit { curl_multi_cleanup(raw) }
}

/// Runs a multi handle on one dedicated thread. Other threads only enqueue commands and wake it.
final class MultiDriver: @unchecked Sendable {
    private struct Commands {
        var additions: [Transfer] = []
        var cancellations: [Int] = []
        var resumptions: [Int] = []
        var shutdown = false
    }

    private let multi: MultiHandle
    private let commands = Mutex(Commands())
    /// Transfers attached to the multi handle; touched only on the driver thread.
    private var active: [UnsafeMutableRawPointer: Transfer] = [:]

    init(name: String) throws(CurlError) {
        multi = try MultiHandle()
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    func add(_ transfer: Transfer) {
        commands.withLock { $0.additions.append(transfer) }
        curl_multi_wakeup(multi.raw)
    }

    func cancel(_ transfer: Transfer) {
        transfer.cancelRequested.withLock { $0 = true }
        commands.withLock { $0.cancellations.append(transfer.id) }
        curl_multi_wakeup(multi.raw)
    }

    /// Resumes receiving for a paused streaming transfer.
    func resume(_ transfer: Transfer) {
        commands.withLock { $0.resumptions.append(transfer.id) }
        curl_multi_wakeup(multi.raw)
    }

    /// Stops the thread; transfers still running fail with `CancellationError`.
    func shutdown() {
        commands.withLock { $0.shutdown = true }
        curl_multi_wakeup(multi.raw)
    }

    private func run() {
        while true {
            let next = commands.withLock { state in
                defer { state.additions = []; state.cancellations = []; state.resumptions = [] }
                return state
            }
            for transfer in next.additions {
                if transfer.cancelRequested.withLock({ $0 }) || next.shutdown {
                    transfer.finish(error: CancellationError())
                    continue
                }
                let code = curl_multi_add_handle(multi.raw, transfer.easy.raw)
                if code != CURLM_OK {
                    transfer.finish(error: CurlError(multiCode: code))
                } else {
                    active[transfer.easy.raw] = transfer
                }
            }
            for id in next.cancellations {
                if let (key, transfer) = active.first(where: { $0.value.id == id }) {
                    detach(key)
                    transfer.finish(error: CancellationError())
                }
            }
            for id in next.resumptions {
                // Delivers the held chunk from inside the call; the callback may pause again.
                if let transfer = active.values.first(where: { $0.id == id }) {
                    curl_easy_pause(transfer.easy.raw, 0)  // CURLPAUSE_CONT
                }
            }
            if next.shutdown {
                for (key, transfer) in active {
                    detach(key)
                    transfer.finish(error: CancellationError())
                }
                return
            }

            var running: Int32 = 0
            let performed = curl_multi_perform(multi.raw, &running)
            if performed != CURLM_OK {
                for (key, transfer) in active {
                    detach(key)
                    transfer.finish(error: CurlError(multiCode: performed))
                }
            }
            var remaining: Int32 = 0
            while let message = curl_multi_info_read(multi.raw, &remaining) {
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
                let result = message.pointee.data.result
                guard let transfer = active[handle] else { continue }
                detach(handle)
                if result == CURLE_OK {
                    transfer.finish(error: nil)
                } else if transfer.overflowed {
                    transfer.finish(error: CurlError.usage("response body larger than \(transfer.bodyLimit) bytes"))
                } else {
                    transfer.finish(error: CurlError(code: result, detail: transfer.easy.errorDetail))
                }
            }
            curl_multi_poll(multi.raw, nil, 0, 1000, nil)
        }
    }

    private func detach(_ key: UnsafeMutableRawPointer) {
        curl_multi_remove_handle(multi.raw, key)
        active[key] = nil
    }
}
