import Foundation
import KubeModel

/// Optional persistence of the store to `<dataDirectory>/state.json`, so objects survive a restart.
extension ServerCore {
    static let stateFile = "state.json"

    /// The stored objects and the global revision as one JSON document.
    func snapshot() -> JSONValue {
        let objects: [JSONValue] = store.all().sorted { ($0.0, KubeObject($0.1).key) < ($1.0, KubeObject($1.1).key) }
            .map { ["resource": .string($0.0), "object": .object($0.1)] }
        return ["revision": .int(store.revision), "objects": .array(objects)]
    }

    /// Replaces the store's content with a snapshot and re-registers the CRDs in it.
    func restore(_ snapshot: JSONValue) throws(APIError) {
        guard let revision = snapshot["revision"]?.intValue, let entries = snapshot["objects"]?.arrayValue else {
            throw APIError.internalError("the saved state is not a snapshot")
        }
        var objects: [(String, JSONObject)] = []
        for entry in entries {
            guard let id = entry["resource"]?.stringValue, case .object(let object)? = entry["object"] else {
                throw APIError.internalError("the saved state has a malformed entry")
            }
            objects.append((id, object))
        }
        store.restore(objects, revision: revision)
        for crd in store.list(Self.crdID) { establish(crd) }
        savedRevision = store.revision
    }

    /// Loads `<directory>/state.json` when it exists.
    func load(from directory: String) throws {
        dataDirectory = directory
        let path = directory + "/" + Self.stateFile
        guard FileManager.default.fileExists(atPath: path) else { return }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try restore(try JSON.decode(Array(bytes)))
    }

    /// Writes the snapshot when something changed since the last save (callers hold the lock).
    func persistIfChanged() {
        guard let directory = dataDirectory, store.revision != savedRevision else { return }
        let bytes = JSON.encodeToBytes(snapshot())
        let url = URL(fileURLWithPath: directory + "/" + Self.stateFile)
        do {
            try Data(bytes).write(to: url, options: .atomic)
            savedRevision = store.revision
        } catch {
            // Keep serving; the next write tries again.
        }
    }
}
