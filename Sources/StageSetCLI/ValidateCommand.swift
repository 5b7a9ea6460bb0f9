import ArgumentParser
import Foundation
import KubeModel
import StageSetAPI
import YAML

/// `stagesetctl validate -f FILE|DIR …`: admission checks without a cluster.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate StageSet manifests without a cluster.",
        discussion: """
            Decodes every StageSet document in the given files (directories are walked for .yaml, .yml \
            and .json files), applies defaults and runs the admission rules. Every problem is printed \
            with its file, document index and field path. Other kinds are skipped. Exit code 0 when \
            every StageSet is valid, 1 otherwise, 3 when an input cannot be read.
            """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case json, yaml
    }

    @Option(name: [.short, .customLong("filename")], help: "A file, a directory, or - for standard input (repeatable).")
    var files: [String] = []

    @Option(name: [.short, .long], help: "Print the defaulted StageSets: json or yaml.")
    var output: OutputFormat?

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("at least one -f FILE|DIR is required") }
    }

    func run() async throws {
        let inputs = try ManifestInputs.expand(files)
        var report = ValidationReport()
        for input in inputs {
            report.check(input)
        }
        if let output {
            let objects = report.valid.map(\.defaulted)
            let value: JSONValue = objects.count == 1 ? objects[0] : ["apiVersion": "v1", "kind": "List", "items": .array(objects)]
            switch output {
            case .json: print(JSON.encode(value, pretty: true))
            case .yaml: print(YAML.encode(value), terminator: "")
            }
        }
        let problemStream = output == nil ? FileHandle.standardOutput : FileHandle.standardError
        for line in report.lines {
            problemStream.write(Data((line + "\n").utf8))
        }
        problemStream.write(Data((report.summary + "\n").utf8))
        if !report.problems.isEmpty { throw ExitCode(1) }
    }
}

/// One readable input: its display name and bytes.
struct ManifestInput {
    let name: String
    let bytes: [UInt8]

    var isJSON: Bool { name.hasSuffix(".json") }
}

enum ManifestInputs {
    static let extensions = [".yaml", ".yml", ".json"]

    /// Reads every named file, walking directories (sorted, recursively) for manifest files.
    static func expand(_ names: [String]) throws -> [ManifestInput] {
        var inputs: [ManifestInput] = []
        let files = FileManager.default
        for name in names {
            if name == "-" {
                inputs.append(ManifestInput(name: "<stdin>", bytes: Array(FileHandle.standardInput.readDataToEndOfFile())))
                continue
            }
            var isDirectory: ObjCBool = false
            guard files.fileExists(atPath: name, isDirectory: &isDirectory) else {
                throw CLIFailure(message: "\(name): no such file or directory")
            }
            let paths: [String]
            if isDirectory.boolValue {
                guard let walker = files.enumerator(atPath: name) else {
                    throw CLIFailure(message: "\(name): cannot read directory")
                }
                paths = walker.compactMap { $0 as? String }
                    .filter { path in extensions.contains { path.hasSuffix($0) } }
                    .sorted()
                    .map { (name.hasSuffix("/") ? name : name + "/") + $0 }
            } else {
                paths = [name]
            }
            for path in paths {
                guard let data = files.contents(atPath: path) else {
                    throw CLIFailure(message: "\(path): cannot read file")
                }
                inputs.append(ManifestInput(name: path, bytes: Array(data)))
            }
        }
        return inputs
    }
}

/// Accumulates the outcome of validating many documents.
struct ValidationReport {
    struct Valid {
        let defaulted: JSONValue
    }

    private(set) var valid: [Valid] = []
    private(set) var problems: [String] = []
    private(set) var lines: [String] = []
    private(set) var skipped = 0
    private(set) var invalid = 0
    let registry: ActionOperationRegistry

    init(registry: ActionOperationRegistry = .builtIn) {
        self.registry = registry
    }

    var summary: String {
        var text = "\(valid.count) StageSet(s) valid, \(invalid) document(s) invalid"
        if skipped > 0 { text += ", \(skipped) other document(s) skipped" }
        return text
    }

    mutating func check(_ input: ManifestInput) {
        let documents: [JSONValue]
        do {
            documents = input.isJSON ? [try JSON.decode(input.bytes)] : try YAML.decodeAll(input.bytes)
        } catch {
            report("\(input.name)", "\(error)")
            return
        }
        for (index, document) in documents.enumerated() {
            let location = documents.count > 1 ? "\(input.name) (document \(index + 1))" : input.name
            check(document, at: location)
        }
    }

    private mutating func check(_ document: JSONValue, at location: String) {
        guard document["kind"]?.stringValue == StageSet.kind,
            document["apiVersion"]?.stringValue == StageSet.apiVersion
        else {
            skipped += 1
            return
        }
        let name = Self.displayName(document)
        switch StageSet.decodeAndValidate(document, registry: registry) {
        case .success(let stageSet):
            do {
                valid.append(Valid(defaulted: try JSONValueEncoder().encode(stageSet.defaulted())))
                lines.append("\(location): StageSet \(name) is valid")
            } catch {
                report("\(location): StageSet \(name)", "\(error)")
            }
        case .failure(let errors):
            invalid += 1
            for error in errors.errors {
                let line = "\(location): StageSet \(name): \(error.description)"
                problems.append(line)
                lines.append(line)
            }
        }
    }

    private mutating func report(_ subject: String, _ message: String) {
        invalid += 1
        let line = "\(subject): \(message)"
        problems.append(line)
        lines.append(line)
    }

    private static func displayName(_ document: JSONValue) -> String {
        let name = document[path: "metadata", "name"]?.stringValue ?? "<unnamed>"
        guard let namespace = document[path: "metadata", "namespace"]?.stringValue else { return name }
        return "\(namespace)/\(name)"
    }
}
