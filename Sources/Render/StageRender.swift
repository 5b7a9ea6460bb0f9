public import KubeModel
public import StageSetAPI

/// A stage's render: the kustomize build of its path in the artifact with the stage's patches
/// (added to the build's top kustomization, as Flux does), then post-build substitution.
public enum StageRender {
    /// Renders `path` under `root` for a stage with `patches` and `postBuild`. `strict` fails on
    /// variables that are unset and have no default.
    public static func render(
        root: String, path: String, patches: [KustomizePatch] = [], postBuild: PostBuild? = nil,
        source: (any SubstitutionSource)? = nil, strict: Bool = false
    ) async throws -> [JSONValue] {
        let variables = try await Substitution.variables(for: postBuild, source: source)
        let built = try Kustomize.buildWithTemplates(root: root, path: path, patches: patches)
        return try Substitution.apply(
            to: built.objects, variables: variables, strict: strict, plainTemplates: built.plainTemplates)
    }
}
