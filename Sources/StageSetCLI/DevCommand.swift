import ArgumentParser
import Dispatch
import Foundation
import KubeEmbedded

/// `stagesetctl dev …`: tools for trying the controller without a cluster.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Development tools: an embedded Kubernetes-compatible API server.",
        subcommands: [APIServerCommand.self]
    )
}

/// `stagesetctl dev apiserver`: starts only the embedded API server, for people and scripts.
struct APIServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apiserver",
        abstract: "Run the embedded Kubernetes-compatible API server on loopback until interrupted.",
        discussion: """
            Serves HTTPS on 127.0.0.1 with a certificate authority it generates, writes a kubeconfig \
            (admin identity) that kubectl and stagesetctl can use, prints one line `ready <url>` once it \
            listens and runs until SIGINT or SIGTERM. With --data-dir its objects, CA and admin token \
            survive a restart. It is for trials and tests; it never pretends to be a production cluster.
            """
    )

    @Option(help: "The port to listen on (0 picks a free one).")
    var port = 0

    @Option(name: .customLong("kubeconfig-out"), help: "Where to write the kubeconfig.")
    var kubeconfigOut = "stageset-dev.kubeconfig"

    @Option(name: .customLong("data-dir"), help: "Keep the server's state in this directory across restarts.")
    var dataDirectory: String?

    @Flag(name: .customLong("no-simulator"), help: "Do not simulate workload status (Deployments, Jobs, Pods, PVCs).")
    var noSimulator = false

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
    }

    func run() async throws {
        var options = EmbeddedAPIServer.Options()
        options.dataDirectory = dataDirectory
        if noSimulator { options.simulator = .disabled }
        let server = try EmbeddedAPIServer(options: options)
        try await server.start(host: "127.0.0.1", port: port)
        try server.writeKubeconfig(to: kubeconfigOut)
        // Written unbuffered: scripts wait for this line.
        FileHandle.standardOutput.write(Data("ready \(server.url)\n".utf8))
        let serving = Task { try await server.runUntilCancelled() }
        let signals = [SIGINT, SIGTERM].map { signalNumber -> any DispatchSourceSignal in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { serving.cancel() }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }
        try await serving.value
    }
}
