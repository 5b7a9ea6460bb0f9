import Foundation
import KubeModel
import Render
import Testing
import YAML

/// Every fixture under `Tests/Fixtures/render/kustomize` renders to the same objects, in the same
/// order, as `kubectl kustomize` (client v1.32, kustomize v5.5).
@Suite(.enabled(if: Fixtures.kubectl != nil, "kubectl is not installed; the differential suite needs it"))
struct KustomizeDifferentialTests {
    @Test("same objects and order as kubectl kustomize", arguments: Fixtures.kustomizeCases)
    func matchesKubectl(_ name: String) throws {
        let directory = Fixtures.root + "/kustomize/" + name
        let expected = try Fixtures.kubectlKustomize(directory)
        let actual = try Kustomize.build(root: directory)
        #expect(actual.count == expected.count, "object count")
        for (index, (ours, theirs)) in zip(actual, expected).enumerated() {
            #expect(ours == theirs, "object \(index): ours\n\(YAML.encode(ours))\nkubectl\n\(YAML.encode(theirs))")
        }
    }

    @Test func atLeastFortyCases() {
        #expect(Fixtures.kustomizeCases.count >= 40)
    }
}
