public import ArgumentParser
import Foundation

/// `stagesetctl`: preview and drive StageSets.
///
/// Exit codes follow the reference CLI: 0 success, 1 problems found (invalid documents, a diff),
/// 2 usage errors, 3 runtime errors (unreadable input, cluster errors).
public struct Stagesetctl: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "stagesetctl",
        abstract: "Preview and drive StageSets (stages.metio.wtf/v1).",
        subcommands: [ValidateCommand.self, BuildCommand.self, EvalCommand.self, DevCommand.self]
    )

    public init() {}

    /// Runs the command line `arguments` and returns the process exit code.
    public static func run(arguments: [String]) async -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch let exit as ExitCode {
            return exit.rawValue
        } catch let failure as CLIFailure {
            FileHandle.standardError.write(Data("error: \(failure.message)\n".utf8))
            return failure.exitCode
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                print(message)
                return 0
            }
            FileHandle.standardError.write(Data((message.isEmpty ? "\(error)" : message).utf8 + [10]))
            // Usage errors are exit 2, as kubectl plugins and the reference CLI use.
            return code == .validationFailure ? 2 : code.rawValue
        }
    }
}

/// A runtime failure with the exit code it maps to.
struct CLIFailure: Error {
    let message: String
    var exitCode: Int32 = 3
}
