public import KubeModel

/// The labels stamped on every object a stage applies: the owning StageSet (ANN-14) and the stage (ANN-15).
/// Prune and inventory reconstruction find a stage's objects by them.
public enum StageObjectLabels {
    /// The owning StageSet's name.
    public static let name = "stages.metio.wtf/name"
    /// The owning StageSet's namespace.
    public static let namespace = "stages.metio.wtf/namespace"
    /// The stage's name.
    public static let stage = "stages.metio.wtf/stage"

    /// The three labels for `stage` of the StageSet `owner`.
    public static func labels(owner: ObjectKey, stage: String) -> [String: String] {
        [name: owner.name, namespace: owner.namespace, stage: stage]
    }

    /// `object` with the three labels set (other labels kept).
    public static func stamped(_ object: KubeObject, owner: ObjectKey, stage: String) -> KubeObject {
        var object = object
        object.setLabel(name, owner.name)
        object.setLabel(namespace, owner.namespace)
        object.setLabel(Self.stage, stage)
        return object
    }
}

extension ObjectIdentity {
    /// How messages name an object: `Deployment apps/web`, or `Namespace apps` when cluster-scoped.
    var displayName: String {
        namespace.isEmpty ? "\(kind) \(name)" : "\(kind) \(namespace)/\(name)"
    }
}
