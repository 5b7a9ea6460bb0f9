import KubeAPI
import KubeModel
import Testing

/// `Status` bodies as the API server writes them (kube-api-server.md §8) decode into typed errors.
struct KubeErrorTests {
    private func decode(_ text: String, status: Int) -> KubeError {
        KubeError(httpStatus: status, body: Array(text.utf8))
    }

    @Test func notFound() {
        let error = decode(
            #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \"demo\" not found","reason":"NotFound","details":{"name":"demo","kind":"configmaps"},"code":404}"#,
            status: 404)
        #expect(error.isNotFound)
        #expect(!error.isConflict)
        #expect(error.code == 404)
        #expect(error.message == #"configmaps "demo" not found"#)
        #expect(error.details == KubeError.Details(name: "demo", kind: "configmaps"))
        #expect(error.description == #"configmaps "demo" not found"#)
    }

    @Test func conflictAndAlreadyExists() {
        let conflict = decode(
            #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Operation cannot be fulfilled on configmaps \"demo\": the object has been modified; please apply your changes to the latest version and try again","reason":"Conflict","details":{"name":"demo","kind":"configmaps"},"code":409}"#,
            status: 409)
        #expect(conflict.isConflict)
        #expect(!conflict.isAlreadyExists)
        #expect(!conflict.isApplyConflict)
        let exists = decode(
            #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \"demo\" already exists","reason":"AlreadyExists","details":{"name":"demo","kind":"configmaps"},"code":409}"#,
            status: 409)
        #expect(exists.isAlreadyExists)
        #expect(!exists.isConflict)
    }

    @Test func applyConflictCauses() throws {
        let error = decode(
            #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Apply failed with 1 conflict: conflict with \"kubectl\": .data.key","reason":"Conflict","details":{"causes":[{"reason":"FieldManagerConflict","message":"conflict with \"kubectl\"","field":".data.key"}]},"code":409}"#,
            status: 409)
        #expect(error.isApplyConflict)
        let cause = try #require(error.details?.causes.first)
        #expect(cause == KubeError.Cause(reason: "FieldManagerConflict", message: #"conflict with "kubectl""#, field: ".data.key"))
    }

    @Test func invalidWithFieldCauses() {
        let error = decode(
            #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Deployment.apps \"web\" is invalid: spec.selector: Invalid value: x: field is immutable","reason":"Invalid","details":{"name":"web","group":"apps","kind":"Deployment","causes":[{"reason":"FieldValueInvalid","message":"Invalid value: x: field is immutable","field":"spec.selector"}]},"code":422}"#,
            status: 422)
        #expect(error.isInvalid)
        #expect(error.details?.group == "apps")
        #expect(error.details?.kind == "Deployment")
        #expect(error.details?.causes.map(\.field) == ["spec.selector"])
    }

    @Test func expiredAndGone() {
        let expired = decode(
            #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 5 (1200)","reason":"Expired","code":410}"#,
            status: 200)
        #expect(expired.isResourceExpired)
        #expect(expired.code == 410)
        #expect(decode("", status: 410).isResourceExpired)
        #expect(decode(#"{"kind":"Status","status":"Failure","reason":"Gone","code":410}"#, status: 410).isResourceExpired)
    }

    @Test func emptyReasonFallsBackToTheCode() {
        // The real server's "resourceVersion should not be set" 500 has no reason.
        let error = decode(
            #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"resourceVersion should not be set on objects to be created","code":500}"#,
            status: 500)
        #expect(error.isInternalError)
        #expect(error.message.hasPrefix("resourceVersion should not"))
    }

    @Test func nonStatusBodies() {
        let plain = decode("Internal Server Error: \"/api\": requested [{Groups}] without impersonating a user", status: 500)
        #expect(plain.code == 500)
        #expect(plain.isInternalError)
        #expect(plain.message.contains("without impersonating a user"))
        let empty = decode("", status: 403)
        #expect(empty.isForbidden)
        #expect(empty.message == "the server responded with the status code 403 but did not return more information")
        let garbage = KubeError(httpStatus: 502, body: [0xFF, 0x00, 0x7B])
        #expect(garbage.code == 502)
        #expect(garbage.reason == .unknown)
    }

    @Test func retryAfterFromHeaderOrDetails() {
        let fromHeader = KubeError(httpStatus: 429, body: Array(#"{"kind":"Status","status":"Failure","reason":"TooManyRequests","code":429}"#.utf8), retryAfter: 3)
        #expect(fromHeader.isTooManyRequests)
        #expect(fromHeader.retryAfterSeconds == 3)
        let fromDetails = decode(#"{"kind":"Status","status":"Failure","reason":"TooManyRequests","code":429,"details":{"retryAfterSeconds":7}}"#, status: 429)
        #expect(fromDetails.retryAfterSeconds == 7)
    }

    @Test func successStatusIsNoError() {
        #expect(KubeError(status: ["kind": "Status", "status": "Success"]) == nil)
        #expect(KubeError(status: ["kind": "ConfigMap"]) == nil)
    }

    @Test func hostileStatusFieldsDoNotCrash() {
        let weird = decode(#"{"kind":"Status","status":"Failure","code":"x","reason":7,"details":{"causes":"nope"}}"#, status: 400)
        #expect(weird.code == 400)
        #expect(weird.isBadRequest)
        #expect(weird.details?.causes == [])
    }

    @Test func watchErrorEventThrowsTheStatus() {
        let event: JSONValue = [
            "type": "ERROR",
            "object": ["kind": "Status", "apiVersion": "v1", "status": "Failure", "message": "too old resource version: 5 (1200)", "reason": "Expired", "code": 410],
        ]
        #expect(throws: KubeError.self) { try WatchEvent(json: event) }
        do {
            _ = try WatchEvent(json: event)
        } catch let error as KubeError {
            #expect(error.isResourceExpired)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
