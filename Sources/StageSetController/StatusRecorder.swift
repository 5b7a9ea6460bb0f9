import KubeAPI
import KubeModel
import Logging
import StageSetAPI

/// Holds one StageSet's status during a reconcile and writes it through the status subresource when it
/// changed. Each write goes on top of the object the previous write returned; only a conflict (someone
/// else changed the StageSet) costs a fresh read.
actor StatusRecorder {
    private let client: any KubernetesClient
    private let key: ObjectKey
    private let logger: Logger
    private(set) var status: StageSetStatus
    private var written: StageSetStatus
    /// The StageSet as last read or written; `nil` after a conflict.
    private var latest: KubeObject?

    /// - Parameter object: the StageSet as the reconcile read it; `status` is its decoded status.
    init(client: any KubernetesClient, object: KubeObject, status: StageSetStatus, logger: Logger) {
        self.client = client
        self.key = object.key
        self.latest = object
        self.status = status
        self.written = status
        self.logger = logger
    }

    /// Changes the status and writes it when anything changed.
    func update(_ change: @Sendable (inout StageSetStatus) -> Void) async {
        change(&status)
        await flush()
    }

    /// Writes the status if it differs from the last written one. Failures are logged; the next write
    /// (or the next reconcile) carries the change.
    func flush() async {
        guard status != written else { return }
        let encoded: JSONValue
        do {
            encoded = try JSONValueEncoder().encode(status)
        } catch {
            logger.error("encoding status failed", metadata: ["error": "\(error)"])
            return
        }
        for _ in 0..<5 {
            do {
                var object: KubeObject
                if let latest {
                    object = latest
                } else {
                    object = try await client.get(Reconciler.gvk, namespace: key.namespace, name: key.name)
                }
                object.object["status"] = encoded
                latest = try await client.updateStatus(object)
                written = status
                return
            } catch let error as KubeError where error.isConflict {
                latest = nil
                continue
            } catch let error as KubeError where error.isNotFound {
                return
            } catch {
                logger.warning("writing status failed", metadata: ["stageset": "\(key)", "error": "\(error)"])
                return
            }
        }
        logger.warning("writing status failed: conflicts persisted", metadata: ["stageset": "\(key)"])
    }
}

extension StageSetStatus {
    /// Sets (or replaces) the condition of `type`, keeping its transition time while its status holds.
    mutating func set(_ type: String, _ status: ConditionStatus, reason: String, message: String, generation: Int64) {
        var list = conditions ?? []
        list.setCondition(Condition(type: type, status: status, reason: reason, message: message,
                                    observedGeneration: generation))
        // Ready first, then the others in a stable order (as Flux's conditions helper sorts them).
        conditions = list.sorted { lhs, rhs in
            if lhs.type == "Ready" || rhs.type == "Ready" { return lhs.type == "Ready" && rhs.type != "Ready" }
            return lhs.type < rhs.type
        }
    }

    /// Removes the condition of `type`.
    mutating func remove(_ type: String) {
        conditions?.removeAll { $0.type == type }
        if conditions?.isEmpty == true { conditions = nil }
    }

    /// The record of `stage`, created in spec order when missing.
    mutating func withStage(_ name: String, order: [String], _ change: (inout StageStatus) -> Void) {
        var list = stages ?? []
        if let index = list.firstIndex(where: { $0.name == name }) {
            change(&list[index])
        } else {
            var record = StageStatus(name: name)
            change(&record)
            list.append(record)
        }
        let position = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        stages = list.filter { position[$0.name] != nil }.sorted { (position[$0.name] ?? 0) < (position[$1.name] ?? 0) }
    }
}
