import ArgumentParser
import CEL
import Foundation
import Health
import KubeModel
import YAML

/// `stagesetctl eval EXPR [-f OBJECT]` and `stagesetctl eval --health -f OBJECT`: try a readiness
/// expression (or kstatus) on an object before committing it to a StageSet.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a CEL expression, or kstatus, against an object.",
        discussion: """
            With -f, the object's top-level fields (apiVersion, kind, metadata, spec, status, …) are bound \
            as variables, as readyChecks.exprs and wait actions bind them. The result is printed as JSON; \
            an error is printed with its position and the exit code is 1. With --health, the object's \
            kstatus result and message are printed instead.
            """
    )

    @Argument(help: "The CEL expression (omit with --health).")
    var expression: String?

    @Option(name: [.short, .customLong("filename")], help: "The object: a YAML or JSON file, or - for standard input.")
    var file: String?

    @Flag(help: "Print the object's kstatus result (Current, InProgress, Failed, …) and message.")
    var health = false

    func validate() throws {
        if health {
            guard file != nil else { throw ValidationError("--health needs -f OBJECT") }
            guard expression == nil else { throw ValidationError("--health takes no expression") }
        } else if expression == nil {
            throw ValidationError("an expression is required (or --health -f OBJECT)")
        }
    }

    func run() async throws {
        let object = try file.map(Self.readObject) ?? .object([:])
        if health {
            let result = KStatusComputer.compute(object)
            print("\(result.status.rawValue): \(result.message)")
            return
        }
        let bindings = object.objectValue.map { Dictionary(uniqueKeysWithValues: $0.map { ($0.key, $0.value) }) } ?? [:]
        switch Self.evaluate(expression ?? "", bindings) {
        case .success(let value):
            print(JSON.encode(value.jsonValue, pretty: true))
        case .failure(let error):
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    private static func evaluate(_ source: String, _ bindings: [String: JSONValue]) -> Result<CELValue, CELError> {
        Result { () throws(CELError) in try CELExpression(parsing: source).evaluate(json: bindings) }
    }

    /// The single object in `path` (YAML or JSON; `-` reads standard input).
    static func readObject(_ path: String) throws -> JSONValue {
        let input = try ManifestInputs.expand([path])
        guard input.count == 1, let first = input.first else {
            throw CLIFailure(message: "\(path): expected one file")
        }
        let documents: [JSONValue]
        do {
            documents = first.isJSON ? [try JSON.decode(first.bytes)] : try YAML.decodeAll(first.bytes)
        } catch {
            throw CLIFailure(message: "\(first.name): \(error)", exitCode: 1)
        }
        guard documents.count == 1, let object = documents.first, object.objectValue != nil else {
            throw CLIFailure(message: "\(first.name): expected exactly one object, found \(documents.count) document(s)", exitCode: 1)
        }
        return object
    }
}
