import Foundation
public import KubeAPI
import KubeModel
public import StageSetAPI
public import StageSetCore

/// The pipeline's render step: the kustomize build of the stage's `path` in the extracted artifact,
/// the stage's patches, then postBuild substitution with variables read as the stage's identity.
public struct RenderStep: StageStep {
    public var phase: PipelinePhase { .render }

    public init() {}

    public func run(_ work: inout StageWork, context: StageContext) async throws {
        guard let artifact = work.artifact else {
            throw StageSetError(.stageFailed, "render ran before the artifact was fetched", retry: .terminal)
        }
        let path = work.stage.path.flatMap { $0.isEmpty ? nil : $0 } ?? "./"
        let source = ClientSubstitutionSource(client: context.client, namespace: work.stageSetKey.namespace)
        do {
            let objects = try await StageRender.render(
                root: artifact.root, path: path, patches: work.stage.patches ?? [], postBuild: work.stage.postBuild,
                source: source)
            work.objects = try objects.map { json in
                guard let object = KubeObject(json: json) else {
                    throw StageSetError(.stageFailed, "the build produced a non-object document", retry: .terminal)
                }
                return object
            }
        } catch let error as StageSetError {
            throw error
        } catch {
            throw StageSetError(
                .stageFailed, "building path \"\(path)\" of revision \(work.source.artifact.revision): \(error)",
                retry: .terminal)
        }
    }
}

/// Reads postBuild `substituteFrom` ConfigMaps and Secrets through a client (the tenant's identity).
public struct ClientSubstitutionSource: SubstitutionSource {
    public let client: any KubernetesClient
    public let namespace: String

    public init(client: any KubernetesClient, namespace: String) {
        self.client = client
        self.namespace = namespace
    }

    public func values(kind: SubstituteKind, name: String, optional: Bool) async throws -> [String: String] {
        let gvk = GroupVersionKind(group: "", version: "v1", kind: kind.rawValue)
        guard let object = try await client.getIfExists(gvk, namespace: namespace, name: name) else {
            if optional { return [:] }
            throw StageSetError(
                .stageFailed, "postBuild.substituteFrom: \(kind.rawValue) \(namespace)/\(name) not found",
                retry: .backoff)
        }
        var values: [String: String] = [:]
        for (key, value) in object.json["data"]?.objectValue ?? [:] {
            guard let text = value.stringValue else { continue }
            if kind == .secret {
                guard let decoded = Data(base64Encoded: text), let string = String(data: decoded, encoding: .utf8) else {
                    throw StageSetError(
                        .stageFailed, "postBuild.substituteFrom: Secret \(namespace)/\(name) key \(key) is not valid base64 UTF-8",
                        retry: .terminal)
                }
                values[key] = string
            } else {
                values[key] = text
            }
        }
        return values
    }
}
