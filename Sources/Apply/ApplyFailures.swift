import KubeAPI
import KubeModel
import StageSetAPI
import StageSetCore

/// Turns what the API server or the REST mapper reported about one object into a ``StageSetError`` in the
/// user's terms (CTL-49).
enum ApplyFailures {
    /// Why applying the object named `object` (e.g. `Deployment apps/web`) failed. Cancellation passes through.
    static func failure(_ error: any Error, applying object: String) -> any Error {
        switch error {
        case is CancellationError, is StageSetError:
            return error
        case let error as KubeClientError where error.code == .noKindMatch:
            return StageSetError.unknownKind(object)
        case let error as KubeError where error.isForbidden:
            return StageSetError.rbacDenied("applying \(object)", error)
        case let error as KubeError where error.isInvalid || error.isBadRequest:
            return StageSetError(.stageFailed, "applying \(object) failed: \(error.message)", retry: .terminal)
        default:
            return StageSetError(.stageFailed, "applying \(object) failed: \(error)", retry: .backoff)
        }
    }
}

extension Duration {
    /// Go's `time.Duration` text (`1m0s`, `250ms`), as the spec writes durations.
    var goText: String {
        let (seconds, attoseconds) = components
        let nanoseconds = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !nanoseconds.overflow else { return "\(seconds)s" }
        return GoDuration(nanoseconds: nanoseconds.partialValue &+ attoseconds / 1_000_000_000).description
    }
}
