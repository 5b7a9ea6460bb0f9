public import KubeModel
public import StageSetAPI
import YAML

/// Writes the `apiextensions.k8s.io/v1` CustomResourceDefinitions of the `stages.metio.wtf`
/// kinds from the Swift API types (our controller-gen).
///
/// The schemas are derived, not written: ``SchemaBuilder`` walks the types, the action union
/// comes from the ``ActionOperationRegistry`` (so an extension's registry yields a CRD with its
/// operation keys), and descriptions are the types' doc comments.
public struct CRDGenerator: Sendable {
    /// One generated file.
    public struct File: Sendable, Equatable {
        /// File name under `deploy/crds/`.
        public let name: String
        /// YAML text.
        public let content: String
    }

    public static let group = "stages.metio.wtf"

    private let registry: ActionOperationRegistry
    private let docs: DocCommentIndex

    /// - Parameters:
    ///   - registry: the action operations the `Action` union offers.
    ///   - sources: the Swift source texts whose doc comments become descriptions.
    public init(registry: ActionOperationRegistry = .builtIn, sources: [String]) {
        self.registry = registry
        self.docs = DocCommentIndex(sources: sources)
    }

    /// The CRD files, plus the `kustomization.yaml` listing them.
    public func generate() throws -> [File] {
        let builder = try makeBuilder()
        let crds: [(plural: String, JSONValue)] = [
            ("stagesets", try stageSet(builder)),
            ("stageinventories", try stageInventory(builder)),
            ("stageledgers", try stageLedger(builder)),
        ]
        var files = crds.map { plural, crd in
            File(name: "\(Self.group)_\(plural).yaml", content: "---\n" + YAML.encode(crd))
        }
        let kustomization: JSONValue = [
            "apiVersion": "kustomize.config.k8s.io/v1beta1",
            "kind": "Kustomization",
            "resources": .array(files.map { .string($0.name) }),
        ]
        files.append(File(name: "kustomization.yaml", content: YAML.encode(kustomization)))
        return files
    }

    private func makeBuilder() throws -> SchemaBuilder {
        var builder = SchemaBuilder(docs: docs)
        builder.describe(
            GoDuration.self,
            as: ["type": "string", "pattern": "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$"],
            placeholder: "0s")
        builder.describe(Timestamp.self, as: ["type": "string", "format": "date-time"], placeholder: "1970-01-01T00:00:00Z")
        builder.describe(JSONValue.self, as: ["x-kubernetes-preserve-unknown-fields": true])
        builder.describe(StringMap.self, as: ["type": "object", "additionalProperties": ["type": "string"]])
        builder.describe(ObjectMeta.self, as: ["type": "object"])
        builder.describe(Condition.self, as: Self.conditionSchema)
        // The action union: every registered operation is an optional property; validation
        // (admission and reconciler) enforces "exactly one".
        let operations = try registry.registrations.map { registration -> (String, JSONValue) in
            var schema = try builder.schema(for: registration.specType)
            schema = SchemaBuilder.withDescription(schema, registration.specType.summary)
            return (registration.kind.name, schema)
        }
        let operationNames = registry.kinds.map(\.name).joined(separator: ", ")
        builder.customizers[ObjectIdentifier(Action.self)] = { object in
            var properties = object["properties"]?.objectValue ?? [:]
            for (name, schema) in operations { properties[name] = schema }
            object["properties"] = .object(properties)
            let base = object["description"]?.stringValue.map { $0 + "\n\n" } ?? ""
            object["description"] = .string(base + "Exactly one of \(operationNames) must be set.")
        }
        return builder
    }

    private func stageSet(_ builder: SchemaBuilder) throws -> JSONValue {
        let readyStatus = ".status.conditions[?(@.type==\"Ready\")].status"
        let readyReason = ".status.conditions[?(@.type==\"Ready\")].reason"
        let readyMessage = ".status.conditions[?(@.type==\"Ready\")].message"
        return try crd(
            kind: "StageSet", plural: "stagesets", shortNames: [],
            root: builder.schema(for: StageSet.self), statusSubresource: true,
            columns: [
                column("Ready", "string", readyStatus),
                column("Reason", "string", readyReason),
                column("Stages", "string", ".spec.stages[*].name"),
                column("Status", "string", readyMessage, priority: 1),
                column("Age", "date", ".metadata.creationTimestamp"),
            ])
    }

    private func stageInventory(_ builder: SchemaBuilder) throws -> JSONValue {
        try crd(
            kind: "StageInventory", plural: "stageinventories", shortNames: [],
            root: builder.schema(for: StageInventory.self), statusSubresource: false,
            columns: [
                column("Stage", "string", ".metadata.labels.stages\\.metio\\.wtf/stage"),
                column("Age", "date", ".metadata.creationTimestamp"),
            ])
    }

    private func stageLedger(_ builder: SchemaBuilder) throws -> JSONValue {
        try crd(
            kind: "StageLedger", plural: "stageledgers", shortNames: ["sledger"],
            root: builder.schema(for: StageLedger.self), statusSubresource: true,
            columns: [column("Age", "date", ".metadata.creationTimestamp")])
    }

    private func column(_ name: String, _ type: String, _ path: String, priority: Int64 = 0) -> JSONValue {
        var object: JSONObject = ["jsonPath": .string(path), "name": .string(name), "type": .string(type)]
        if priority > 0 { object["priority"] = .int(priority) }
        return .object(object)
    }

    private func crd(
        kind: String, plural: String, shortNames: [String], root: JSONValue, statusSubresource: Bool,
        columns: [JSONValue]
    ) throws -> JSONValue {
        var schema = root
        var properties = schema["properties"]?.objectValue ?? [:]
        properties["apiVersion"] = [
            "description": "APIVersion defines the versioned schema of this representation of an object.",
            "type": "string",
        ]
        properties["kind"] = [
            "description": "Kind is a string value representing the REST resource this object represents.",
            "type": "string",
        ]
        properties["metadata"] = ["type": "object"]
        // apiVersion, kind, metadata first, as every CRD prints them.
        var ordered: JSONObject = [:]
        for key in ["apiVersion", "kind", "metadata"] { ordered[key] = properties[key] }
        for (key, value) in properties where ordered[key] == nil { ordered[key] = value }
        schema["properties"] = .object(ordered)
        schema["required"] = schema["required"].flatMap { required in
            let kept = (required.arrayValue ?? []).filter { !["apiVersion", "kind", "metadata"].contains($0.stringValue ?? "") }
            return kept.isEmpty ? nil : .array(kept)
        }
        var names: JSONObject = [
            "kind": .string(kind), "listKind": .string(kind + "List"), "plural": .string(plural),
        ]
        if !shortNames.isEmpty { names["shortNames"] = .array(shortNames.map { .string($0) }) }
        names["singular"] = .string(kind.lowercased())
        var version: JSONObject = [
            "name": "v1",
            "additionalPrinterColumns": .array(columns),
            "schema": ["openAPIV3Schema": schema],
            "served": true,
            "storage": true,
        ]
        if statusSubresource { version["subresources"] = ["status": [:]] }
        return [
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": [
                "name": .string("\(plural).\(Self.group)"),
                "annotations": ["stages.metio.wtf/generated-by": "stageset-crdgen"],
            ],
            "spec": [
                "group": .string(Self.group),
                "names": .object(names),
                "scope": "Namespaced",
                "versions": [.object(version)],
            ],
        ]
    }

    /// `metav1.Condition`, as every Kubernetes CRD declares it.
    static let conditionSchema: JSONValue = [
        "description": "Condition contains details for one aspect of the current state of this API Resource.",
        "type": "object",
        "properties": [
            "lastTransitionTime": [
                "description": "The last time the condition transitioned from one status to another.",
                "type": "string", "format": "date-time",
            ],
            "message": [
                "description": "A human readable message indicating details about the transition.",
                "type": "string", "maxLength": 32768,
            ],
            "observedGeneration": [
                "description": "The .metadata.generation that the condition was set based upon.",
                "type": "integer", "format": "int64", "minimum": 0,
            ],
            "reason": [
                "description": "A programmatic identifier indicating the reason for the condition's last transition.",
                "type": "string", "maxLength": 1024, "minLength": 1,
                "pattern": "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$",
            ],
            "status": [
                "description": "Status of the condition, one of True, False, Unknown.",
                "type": "string", "enum": ["True", "False", "Unknown"],
            ],
            "type": [
                "description": "Type of condition in CamelCase.",
                "type": "string", "maxLength": 316,
                "pattern": "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$",
            ],
        ],
        "required": ["lastTransitionTime", "message", "reason", "status", "type"],
    ]
}
