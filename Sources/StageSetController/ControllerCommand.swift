import ArgumentParser
import Dispatch
import Foundation
import KubeAPI
import KubeClient
import KubeModel
import Logging
import StageSetAPI
import StageSetCore
import StageSetRuntime

/// `stageset-controller`: reconciles StageSets in the cluster of the kubeconfig (or in-cluster); with
/// neither, starts the embedded Kubernetes-compatible API server in-process.
public struct ControllerCommand: AsyncParsableCommand, Sendable {
    public static let configuration = CommandConfiguration(
        commandName: "stageset-controller",
        abstract: "Roll out StageSets: ordered, gated, multi-stage delivery from Flux sources.",
        discussion: """
            Talks to the cluster of --kubeconfig, $KUBECONFIG, ~/.kube/config or the in-cluster \
            ServiceAccount, in that order. With none of them it starts the embedded Kubernetes-compatible \
            API server in-process (for trials and tests, never production) and says so in its first log line. \
            --quickstart (embedded only) also serves examples/quickstart through the embedded artifact server \
            and applies its StageSet; --once exits when that StageSet is Ready.
            """
    )

    @Option(help: "Path to a kubeconfig (default: $KUBECONFIG, ~/.kube/config, in-cluster).")
    var kubeconfig: String?

    @Option(help: "The kubeconfig context to use.")
    var context: String?

    @Option(name: .customLong("watch-namespaces"), help: "Watch only this namespace (empty: all namespaces).")
    var watchNamespaces = ""

    @Option(name: .customLong("default-interval"), help: "Re-apply interval of StageSets without spec.interval.")
    var defaultInterval = "10m"

    @Flag(name: .customLong("no-cross-namespace-refs"), help: "Deny sourceRefs to other namespaces.")
    var noCrossNamespaceRefs = false

    @Flag(name: .customLong("allow-loopback-artifacts"),
          help: "Allow artifact URLs on loopback addresses (always on with the embedded API server).")
    var allowLoopbackArtifacts = false

    @Option(name: .customLong("health-probe-bind-address"),
            help: "Where /healthz and /readyz listen (host:port or :port; 0 disables).")
    var healthProbeBindAddress = ":8081"

    @Option(name: .customLong("log-level"), help: "debug, info, warn or error.")
    var logLevel = "info"

    @Option(name: .customLong("log-format"), help: "json or text (default: json; text with --quickstart).")
    var logFormat: String?

    @Flag(help: "Start the embedded API server even when a kubeconfig exists.")
    var embedded = false

    @Option(name: .customLong("embedded-kubeconfig-out"), help: "Where to write the embedded server's kubeconfig.")
    var embeddedKubeconfigOut = "stageset-embedded.kubeconfig"

    @Flag(help: "Serve and apply the bundled quickstart (embedded API server only).")
    var quickstart = false

    @Option(name: .customLong("quickstart-dir"), help: "The quickstart directory.")
    var quickstartDirectory = "examples/quickstart"

    @Flag(help: "With --quickstart: exit 0 once its StageSet is Ready, non-zero if it fails or times out.")
    var once = false

    @Option(name: .customLong("once-timeout"), help: "With --once: how long to wait for Ready.")
    var onceTimeout = "3m"

    public init() {}

    public func validate() throws {
        for (flag, value) in [("--default-interval", defaultInterval), ("--once-timeout", onceTimeout)] {
            guard let duration = try? GoDuration(parsing: value), duration.nanoseconds > 0 else {
                throw ValidationError("\(flag) must be a positive duration such as 10m, got \"\(value)\"")
            }
        }
        guard Logger.Level(flag: logLevel) != nil else {
            throw ValidationError("--log-level must be one of debug, info, warn, error")
        }
        if let logFormat, LogFormat(rawValue: logFormat) == nil {
            throw ValidationError("--log-format must be json or text")
        }
        if watchNamespaces.contains(",") {
            throw ValidationError("--watch-namespaces: watching several namespaces is not supported yet; give one or none")
        }
        if once && !quickstart { throw ValidationError("--once needs --quickstart") }
        if healthProbeBindAddress != "0" && HealthProbes.parse(healthProbeBindAddress) == nil {
            throw ValidationError("--health-probe-bind-address must be host:port, :port or 0, got \"\(healthProbeBindAddress)\"")
        }
    }

    public func run() async throws {
        let level = Logger.Level(flag: logLevel) ?? .info
        let format = logFormat.flatMap(LogFormat.init(rawValue:)) ?? (quickstart ? .text : .json)
        let logger = Logger(label: "stageset-controller") { label in
            switch format {
            case .json: JSONLogHandler(label: label, level: level)
            case .text: TextLogHandler(level: level)
            }
        }
        let useEmbedded = embedded || !Self.clusterConfigured(kubeconfig: kubeconfig)
        if quickstart && !useEmbedded {
            throw ValidationError("--quickstart runs only on the embedded API server (a kubeconfig was found; add --embedded)")
        }

        let task = Task {
            if useEmbedded {
                let environment = try await EmbeddedEnvironment.start(
                    kubeconfigOut: embeddedKubeconfigOut, logger: logger)
                defer { Task { await environment.shutdown() } }
                if quickstart {
                    try await environment.installQuickstart(directory: quickstartDirectory, logger: logger)
                }
                try await runController(client: environment.client, allowLoopback: true, logger: logger,
                                        stopWhenReady: once ? Quickstart.stageSetKey(in: quickstartDirectory) : nil)
                await environment.shutdown()
            } else {
                let configuration = try ClientConfiguration.load(kubeconfig: kubeconfig, context: context)
                let client = try KubeClient(configuration: configuration)
                logger.info("connected", metadata: ["server": "\(configuration.server)"])
                try await runController(client: client, allowLoopback: allowLoopbackArtifacts, logger: logger,
                                        stopWhenReady: nil)
            }
        }
        let signals = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { task.cancel() }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }
        do {
            try await task.value
        } catch is CancellationError {}
        logger.info("stopped")
    }

    /// Runs the controller until cancelled, or — with `stopWhenReady` — until that StageSet is Ready
    /// (throws when it fails terminally or the timeout passes).
    private func runController(client: KubeClient, allowLoopback: Bool, logger: Logger,
                               stopWhenReady: ObjectKey?) async throws {
        var options = ReconcilerOptions()
        options.defaultInterval = (try? GoDuration(parsing: defaultInterval))?.swiftDuration ?? .seconds(600)
        options.allowCrossNamespace = !noCrossNamespaceRefs
        let registry = try PluginRegistry.standard()
        let reconciler = Reconciler(
            client: client, registry: registry,
            pipeline: try .standard(allowLoopbackArtifacts: allowLoopback,
                                verifyPollInterval: stopWhenReady == nil ? .seconds(2) : .milliseconds(250)),
            options: options, logger: logger, identity: TenantClients(controller: client).client)
        let (results, continuation) = AsyncStream<(ObjectKey, ReconcileResult)>.makeStream()
        let controller = StageSetController(
            reconciler: reconciler, namespace: watchNamespaces.isEmpty ? nil : watchNamespaces,
            onReconciled: { key, result in continuation.yield((key, result)) })
        let probes = HealthProbes { controller.hasSynced }
        if let address = HealthProbes.parse(healthProbeBindAddress), healthProbeBindAddress != "0" {
            try await probes.start(host: address.host, port: address.port)
            logger.info("health probes listening", metadata: ["address": "\(probes.address)"])
        }
        defer { Task { await probes.shutdown() } }
        logger.info("controller started", metadata: [
            "namespace": "\(watchNamespaces.isEmpty ? "<all>" : watchNamespaces)",
            "sourceKinds": "\(registry.sourceKinds.joined(separator: ","))",
        ])
        guard let target = stopWhenReady else {
            continuation.finish()
            await controller.run()
            return
        }
        let running = Task { await controller.run() }
        defer { running.cancel() }
        let timeout = (try? GoDuration(parsing: onceTimeout))?.swiftDuration ?? .seconds(180)
        let outcome = try await withThrowingTaskGroup(of: StageSetReason?.self) { group in
            group.addTask {
                for await (key, result) in results where key == target {
                    guard let reason = result.reason else { continue }
                    if reason == .succeeded { return reason }
                    // A terminal failure will not clear by itself.
                    if result.requeueAfter == nil || [.invalidSpec, .rbacDenied].contains(reason) { return reason }
                }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        continuation.finish()
        switch outcome {
        case .succeeded?:
            logger.info("quickstart StageSet is Ready", metadata: ["stageset": "\(target)"])
        case let reason?:
            throw ExitFailure("StageSet \(target) failed: \(reason.rawValue) (see its status: kubectl get stageset -n \(target.namespace) \(target.name) -o yaml)")
        case nil:
            throw ExitFailure("StageSet \(target) was not Ready within \(onceTimeout)")
        }
    }

    /// Whether a kubeconfig or an in-cluster ServiceAccount is available.
    static func clusterConfigured(kubeconfig: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> Bool
    {
        // An explicit --kubeconfig always means a cluster (loading it reports a missing file).
        if let kubeconfig, !kubeconfig.isEmpty { return true }
        if let files = try? KubeConfig.files(explicit: nil, environment: environment), !files.isEmpty { return true }
        return !(environment["KUBERNETES_SERVICE_HOST"] ?? "").isEmpty
    }
}

/// A failure that ends the process with exit code 1 and one line on standard error.
struct ExitFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Logger.Level {
    /// The level of a `--log-level` value (`warn` is `warning`).
    init?(flag: String) {
        switch flag {
        case "debug": self = .debug
        case "info": self = .info
        case "warn", "warning": self = .warning
        case "error": self = .error
        default: return nil
        }
    }
}

extension ControllerCommand {
    /// Parses the process arguments, runs, and exits: 0 on success, 1 on a runtime failure, 2 on bad flags.
    public static func runMain() async -> Never {
        do {
            var command = try parseAsRoot()
            if let asyncCommand = command as? ControllerCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Self.exit()
        } catch let failure as ExitFailure {
            FileHandle.standardError.write(Data("Error: \(failure.description)\n".utf8))
            Self.exit(withError: ExitCode.failure)
        } catch {
            Self.exit(withError: error)
        }
    }
}
