import StageSetAPI
import Testing
import Version

struct SemverConstraintTests {
    @Test(arguments: [
        ("1.2.3", Version(1, 2, 3)), ("v1.2.3", Version(1, 2, 3)), (" 1.2.3 ", Version(1, 2, 3)),
        ("1.2", Version(1, 2, 0)), ("v2", Version(2, 0, 0)),
        ("1.0.0-rc.1+build.5", Version(1, 0, 0, pre: ["rc", "1"], build: ["build", "5"])),
    ])
    func versionsParse(_ text: String, _ expected: Version) {
        #expect(Version(semver: text) == expected)
    }

    @Test(arguments: ["", "v", "latest", "1.2.3.4", "1..2", "1.x", "=1.2.3", "1.2.3-", "1.2.3-a..b", "1.2.3+", "-1.2.3", "+1.2.3", "1.2.3 beta"])
    func versionsReject(_ text: String) {
        #expect(Version(semver: text) == nil)
    }

    @Test(arguments: [
        (">=1.2.0 <2.0.0", "1.2.0", true), (">=1.2.0 <2.0.0", "2.0.0", false), (">=1.2.0, <2.0.0", "1.9.9", true),
        ("^1.2", "1.9.0", true), ("^1.2", "2.0.0", false), ("^1.2", "1.1.9", false),
        ("^0.2.3", "0.2.9", true), ("^0.2.3", "0.3.0", false), ("^0.0.3", "0.0.4", false), ("^0.0", "0.0.9", true),
        ("^0.0", "0.1.0", false), ("^0", "0.9.9", true), ("^0", "1.0.0", false),
        ("~1.2.3", "1.2.9", true), ("~1.2.3", "1.3.0", false), ("~1", "1.9.0", true), ("~1", "2.0.0", false),
        ("~2.3", "2.3.5", true), ("~2.3", "2.4.0", false), ("~>1.2.3", "1.2.4", true),
        ("1.x", "1.5.0", true), ("1.x", "2.0.0", false), ("1.2.x", "1.2.7", true), ("1.2.x", "1.3.0", false),
        ("*", "9.9.9", true), (">= 1.2.x", "1.2.0", true), ("<= 2.x", "2.9.9", true), ("<= 2.x", "3.0.0", false),
        ("> 1.2.x", "1.2.9", false), ("> 1.2.x", "1.3.0", true), ("< 1.2.x", "1.1.9", true), ("< 1.2.x", "1.2.0", false),
        ("=1.2.3", "1.2.3", true), ("=1.2.3", "1.2.4", false), ("!=1.2.3", "1.2.4", true), ("!=1.2.x", "1.2.4", false),
        ("1.2 - 1.4.5", "1.4.5", true), ("1.2 - 1.4.5", "1.4.6", false), ("1.2 - 1.4.5", "1.1.9", false),
        ("<1.0.0 || >=2.0.0", "0.5.0", true), ("<1.0.0 || >=2.0.0", "1.5.0", false), ("<1.0.0 || >=2.0.0", "2.1.0", true),
        (">=1.0.0", "1.5.0-rc.1", false), (">=1.0.0-0", "1.5.0-rc.1", true), ("=>1.0.0", "1.0.0", true), ("=<1.0.0", "1.0.0", true),
        ("v1.x", "1.0.1", true),
    ])
    func constraintsMatch(_ constraint: String, _ version: String, _ expected: Bool) throws {
        let parsed = try SemverConstraint(parsing: constraint)
        let candidate = try #require(Version(semver: version))
        #expect(parsed.isSatisfied(by: candidate) == expected)
    }

    @Test(arguments: ["", ">=", ">=1 <", "1.2.3.4", "~>", "1.2.3 - ", ">= x.y", "1.2.3 ||", "foo", ">=1.x-rc"])
    func constraintsReject(_ text: String) {
        #expect(throws: SemverConstraint.ParseError.self) { try SemverConstraint(parsing: text) }
    }

    @Test func bareVersionDetection() {
        #expect(SemverConstraint.isBareVersion("1.2.3"))
        #expect(SemverConstraint.isBareVersion("v1"))
        #expect(!SemverConstraint.isBareVersion("=1.2.3"))
        #expect(!SemverConstraint.isBareVersion("1.x"))
        #expect(!SemverConstraint.isBareVersion(">=1.0.0"))
    }
}
