import Foundation
import StageSetAPI
import Testing

/// Every Ready reason has a runbook page, and every page belongs to a reason.
struct RunbookTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appending(path: "../../docs/runbooks").standardized.path

    @Test func reasonsAndRunbooksMatchOneToOne() throws {
        let pages = Set(try FileManager.default.contentsOfDirectory(atPath: Self.directory)
            .filter { $0.hasSuffix(".md") }.map { String($0.dropLast(3)) })
        let reasons = Set(StageSetReason.allCases.map(\.rawValue))
        #expect(reasons.subtracting(pages).sorted() == [], "reasons without a runbook")
        #expect(pages.subtracting(reasons).sorted() == [], "runbooks without a reason")
    }

    @Test func messagesOfFailuresLinkTheirRunbook() {
        #expect(StageSetReason.succeeded.runbookSuffix.isEmpty)
        #expect(StageSetReason.suspended.runbookSuffix.isEmpty)
        #expect(StageSetReason.stageFailed.runbookSuffix
            == " (runbook: https://stageset.projects.metio.wtf/runbooks/stagefailed/)")
    }
}
