import ArgumentParser
import Foundation
import KubeModel
import Render
import StageSetAPI
import StageSetCore
import StageSetDecryptorPGP
import StageSetDecryptors
import YAML

/// `stagesetctl build`: renders a StageSet's stages (or a bare directory) offline.
struct BuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Render a StageSet's stages, or a directory, without a cluster.",
        discussion: """
            With -f, every stage (or those named by --stage) is built from its --source-dir: the \
            stage's path inside that directory is built like `kustomize build` (a directory without a \
            kustomization file as Flux does), the stage's patches are applied and postBuild.substitute \
            variables substituted. substituteFrom needs the cluster and fails unless optional. \
            With --path, the directory is built as is. Secret values are shown as *** unless \
            --show-secrets. YAML goes to standard output. Exit code 0 on success, 2 on usage \
            errors, 3 when rendering fails.
            """
    )

    @Option(name: [.short, .customLong("filename")], help: "The StageSet manifest.")
    var file: String?

    @Option(name: .customLong("source-dir"), help: "[STAGE=]PATH: the artifact contents for a stage, or for every stage (repeatable).")
    var sourceDirs: [String] = []

    @Option(name: .customLong("stage"), help: "Render only this stage (repeatable).")
    var stages: [String] = []

    @Option(name: .customLong("path"), help: "Render this directory instead of a StageSet.")
    var path: String?

    @Flag(name: .customLong("show-secrets"), help: "Print Secret values instead of ***.")
    var showSecrets = false

    @Option(
        name: .customLong("decryption-key-file"),
        help: "An age identity file or an armoured PGP private key; SOPS-encrypted files are decrypted before the build (repeatable).")
    var decryptionKeyFiles: [String] = []

    @Flag(name: .customLong("strict-substitute"), help: "Fail on variables that are unset and have no default.")
    var strictSubstitute = false

    func validate() throws {
        switch (file, path) {
        case (nil, nil): throw ValidationError("either -f STAGESET.yaml or --path DIR is required")
        case (.some, .some): throw ValidationError("-f and --path cannot be combined")
        case (nil, .some):
            if !sourceDirs.isEmpty || !stages.isEmpty {
                throw ValidationError("--source-dir and --stage apply only with -f")
            }
        case (.some, nil):
            if sourceDirs.isEmpty { throw ValidationError("-f needs at least one --source-dir [STAGE=]PATH") }
        }
    }

    func run() async throws {
        var objects: [JSONValue] = []
        if let path {
            let root = try await decryptedRoot(path, try decryptionSetup())
            defer { if root != path { try? FileManager.default.removeItem(atPath: root) } }
            do {
                objects = try Kustomize.build(root: root)
            } catch {
                throw CLIFailure(message: "\(error)")
            }
        } else if let file {
            objects = try await renderStageSet(file)
        }
        if !showSecrets { objects = objects.map(Self.masked) }
        print(YAML.encodeAll(objects), terminator: "")
    }

    private func renderStageSet(_ file: String) async throws -> [JSONValue] {
        let decryption = try decryptionSetup()
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CLIFailure(message: "\(file): cannot read file")
        }
        let documents: [JSONValue]
        do {
            documents = try YAML.decodeAll(Array(data))
        } catch {
            throw CLIFailure(message: "\(file): \(error)")
        }
        let candidates = documents.filter {
            $0["kind"]?.stringValue == StageSet.kind && $0["apiVersion"]?.stringValue == StageSet.apiVersion
        }
        guard candidates.count == 1, let document = candidates.first else {
            throw CLIFailure(message: "\(file): expected exactly one StageSet, found \(candidates.count)")
        }
        let stageSet: StageSet
        switch StageSet.decodeAndValidate(document) {
        case .success(let value): stageSet = value
        case .failure(let errors):
            throw CLIFailure(message: "\(file): " + errors.errors.map(\.description).joined(separator: "; "))
        }
        var shared: String?
        var perStage: [String: String] = [:]
        for entry in sourceDirs {
            if let equals = entry.firstIndex(of: "="), !entry[..<equals].contains("/"), equals != entry.startIndex {
                perStage[String(entry[..<equals])] = String(entry[entry.index(after: equals)...])
            } else {
                shared = entry
            }
        }
        let names = Set(stageSet.spec.stages.map(\.name))
        for name in stages where !names.contains(name) {
            throw ValidationError("unknown stage \(name); the StageSet has \(stageSet.spec.stages.map(\.name).joined(separator: ", "))")
        }
        for name in perStage.keys where !names.contains(name) {
            throw ValidationError("--source-dir names unknown stage \(name)")
        }
        var objects: [JSONValue] = []
        for stage in stageSet.spec.stages where stages.isEmpty || stages.contains(stage.name) {
            guard let root = perStage[stage.name] ?? shared else {
                throw CLIFailure(message: "stage \(stage.name): no --source-dir given for it")
            }
            do {
                let buildRoot = try await decryptedRoot(root, decryption)
                defer { if buildRoot != root { try? FileManager.default.removeItem(atPath: buildRoot) } }
                objects += try await StageRender.render(
                    root: buildRoot, path: stage.path ?? "./", patches: stage.patches ?? [], postBuild: stage.postBuild,
                    source: nil, strict: strictSubstitute)
            } catch {
                throw CLIFailure(message: "stage \(stage.name): \(error)")
            }
        }
        return objects
    }

    /// The keys and decryptors `--decryption-key-file` asks for, or nil when no key was given.
    private func decryptionSetup() throws -> (keys: DecryptionKeys, registry: PluginRegistry)? {
        guard !decryptionKeyFiles.isEmpty else { return nil }
        do {
            let keys = try DecryptionKeys(files: decryptionKeyFiles)
            var registry = PluginRegistry.withBuiltInDecryptors()
            try registry.register(PGPDecryptor())
            return (keys, registry)
        } catch {
            throw CLIFailure(message: "\(error)")
        }
    }

    /// `root`, or a private copy with its SOPS-encrypted files decrypted when keys were given.
    private func decryptedRoot(
        _ root: String, _ decryption: (keys: DecryptionKeys, registry: PluginRegistry)?
    ) async throws -> String {
        guard let decryption else { return root }
        do {
            return try await SOPS.decryptedCopy(of: root, keys: decryption.keys, registry: decryption.registry)
        } catch {
            throw CLIFailure(message: "decryption failed: \(error.message)")
        }
    }

    /// A Secret with every `data` and `stringData` value replaced by `***`.
    static func masked(_ object: JSONValue) -> JSONValue {
        guard object["kind"]?.stringValue == "Secret", object["apiVersion"]?.stringValue == "v1" else { return object }
        var result = object
        for key in ["data", "stringData"] {
            guard case .object(let map)? = object[key] else { continue }
            var hidden = JSONObject()
            for name in map.keys { hidden[name] = "***" }
            result[key] = .object(hidden)
        }
        return result
    }
}
