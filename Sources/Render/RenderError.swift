/// Why a render failed: the file (relative to the artifact root) and the field involved, when known.
///
/// A failed render returns no objects at all; nothing half-rendered escapes.
public struct RenderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file the problem is in, relative to the artifact root (`kustomization.yaml`, `base/app.yaml`).
    public let file: String?
    /// The field of that file, in dotted form with indices (`patches[1].target`, `resources[0]`).
    public let field: String?
    /// What went wrong.
    public let message: String

    public init(file: String? = nil, field: String? = nil, _ message: String) {
        self.file = file
        self.field = field
        self.message = message
    }

    public var description: String {
        switch (file, field) {
        case (let file?, let field?): "\(file): \(field): \(message)"
        case (let file?, nil): "\(file): \(message)"
        case (nil, let field?): "\(field): \(message)"
        case (nil, nil): message
        }
    }
}
