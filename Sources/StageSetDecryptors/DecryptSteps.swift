import Foundation
import KubeAPI
import KubeModel
public import StageSetCore

/// The pipeline's decrypt step (when `spec.decryption` is set): a private copy of the extracted artifact
/// with every SOPS-encrypted file replaced by its plaintext, using the keys of `spec.decryption.secretRef`
/// and the decryptors in the registry. All or nothing; the status says only "decryption failed" and the
/// log carries the detail (no key material either way).
public struct DecryptStep: StageStep {
    public var phase: PipelinePhase { .decrypt }

    public init() {}

    public func run(_ work: inout StageWork, context: StageContext) async throws {
        guard let artifact = work.artifact, work.stageSet.spec.decryption != nil else { return }
        let keys = try await DecryptionKeys.forStage(work, context: context)
        let copy: String
        do {
            copy = try await SOPS.decryptedCopy(of: artifact.root, keys: keys, registry: context.registry)
        } catch {
            context.logger.error("decryption failed", metadata: ["stage": "\(work.stage.name)", "error": "\(error.message)"])
            throw StageSetError(.stageFailed, "decryption failed", retry: .backoff)
        }
        artifact.remove()
        work.artifact = ExtractedArtifact(root: copy, fileCount: artifact.fileCount)
    }
}

/// After the build: Secrets whose `data` values are whole SOPS documents are decrypted (Flux's nested form).
public struct SecretDataDecryptStep: StageStep {
    public var phase: PipelinePhase { .decrypt }

    public init() {}

    public func run(_ work: inout StageWork, context: StageContext) async throws {
        // The keys are read only when some Secret actually carries a SOPS document.
        let holders = work.objects.indices.filter { !SOPS.nestedDocuments(in: work.objects[$0]).isEmpty }
        guard work.stageSet.spec.decryption != nil, !holders.isEmpty else { return }
        let keys = try await DecryptionKeys.forStage(work, context: context)
        for index in holders {
            do {
                work.objects[index] = try await SOPS.decryptingSecretData(
                    work.objects[index], keys: keys, registry: context.registry)
            } catch {
                context.logger.error(
                    "decryption failed", metadata: ["stage": "\(work.stage.name)", "error": "\(error.message)"])
                throw StageSetError(.stageFailed, "decryption failed", retry: .backoff)
            }
        }
    }
}

extension DecryptionKeys {
    /// The keys of `spec.decryption.secretRef` (none when unset: KMS decryptors use ambient credentials).
    static func forStage(_ work: StageWork, context: StageContext) async throws -> DecryptionKeys {
        guard let name = work.stageSet.spec.decryption?.secretRef?.name else { return DecryptionKeys() }
        let namespace = work.stageSetKey.namespace
        let secret: KubeObject
        do {
            secret = try await context.client.get(
                GroupVersionKind(group: "", version: "v1", kind: "Secret"), namespace: namespace, name: name)
        } catch let error as KubeError where error.isNotFound {
            throw StageSetError(
                .stageFailed, "decryption Secret \(namespace)/\(name) not found (spec.decryption.secretRef)",
                retry: .backoff)
        } catch let error as KubeError where error.isForbidden {
            throw StageSetError.rbacDenied("reading Secret \(namespace)/\(name)", error)
        }
        var data: [String: [UInt8]] = [:]
        for (key, value) in secret.json["data"]?.objectValue ?? [:] {
            if let text = value.stringValue, let bytes = Data(base64Encoded: text) { data[key] = Array(bytes) }
        }
        return DecryptionKeys(secretData: data)
    }
}
