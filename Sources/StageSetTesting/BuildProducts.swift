import Foundation

/// The executables SwiftPM built beside the running test bundle (`stagesetctl`, `stageset-controller`).
public enum BuildProducts {
    /// The executable `name` from the test bundle's products directory, else from `.build/debug` under
    /// `repository`; `nil` when neither exists.
    public static func executable(_ name: String, repository: URL) -> URL? {
        let products = Bundle.main.bundleURL.lastPathComponent.hasSuffix(".xctest")
            ? Bundle.main.bundleURL.deletingLastPathComponent() : Bundle.main.bundleURL
        return [products, repository.appending(path: ".build/debug")]
            .map { $0.appending(path: name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }
}
