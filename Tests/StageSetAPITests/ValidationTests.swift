import KubeModel
import StageSetAPI
import Testing

/// One admission case: a spec and the exact errors it must produce.
struct ValidationCase: CustomTestStringConvertible, Sendable {
    let name: String
    let spec: JSONValue
    let errors: [String]
    var testDescription: String { name }
}

private let source: JSONValue = ["name": "src"]
private func stage(_ name: String, _ extra: JSONObject = [:]) -> JSONValue {
    var object: JSONObject = ["name": .string(name), "sourceRef": source]
    for (key, value) in extra { object[key] = value }
    return .object(object)
}
private func action(_ name: String, _ extra: JSONObject = ["wait": ["duration": "1s"]]) -> JSONValue {
    var object: JSONObject = ["name": .string(name)]
    for (key, value) in extra { object[key] = value }
    return .object(object)
}
private let prometheus: JSONValue = ["prometheus": ["address": "http://prom:9090", "query": "up"]]
private let selector: JSONValue = ["matchLabels": ["app": "a"]]
private let version: JSONValue = ["value": "1.0.0"]

private func validate(_ spec: JSONValue, registry: ActionOperationRegistry = .builtIn) -> [String] {
    let object: JSONValue = [
        "apiVersion": "stages.metio.wtf/v1", "kind": "StageSet",
        "metadata": ["name": "s", "namespace": "apps"], "spec": spec,
    ]
    switch StageSet.decodeAndValidate(object, registry: registry) {
    case .success: return []
    case .failure(let errors): return errors.errors.map(\.description)
    }
}

struct ValidationTests {
    @Test func fullFixtureIsValid() throws {
        let json = try Fixtures.json("stageset-full.json")
        let result = StageSet.decodeAndValidate(json)
        if case .failure(let errors) = result { Issue.record("unexpected errors:\n\(errors)") }
    }

    @Test func defaultedFullFixtureStaysValid() throws {
        let stageSet = try JSONValueDecoder().decode(StageSet.self, from: Fixtures.json("stageset-full.json"))
        #expect(stageSet.defaulted().validate().isEmpty)
    }

    @Test func everyErrorIsReportedInOnePass() {
        let errors = validate(["stages": [
            stage("Bad_Name", ["actions": ["pre": [["name": "x"]], "post": [action("")]]]),
            stage("Bad_Name"),
        ]])
        #expect(errors == [
            "spec.stages[0].name: Invalid value: \"Bad_Name\": must match ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
            "spec.stages[0].actions.pre[0]: exactly one of patch, http, wait, job, delete, apply must be set",
            "spec.stages[0].actions.post[0].name: Required value",
            "spec.stages[1].name: Invalid value: \"Bad_Name\": must match ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
            "spec.stages[1].name: Duplicate value: \"Bad_Name\"",
        ])
    }

    @Test func decodeErrorsAreCollectedTogether() {
        let errors = validate([
            "onTimeout": "Wait", "windowScope": "Some", "bogus": 1,
            "stages": [
                stage("a", ["timeout": "soon", "actions": ["pre": [action("x", ["scope": "Forever", "retries": "x", "wait": ["duration": "1s"]])]]]),
                stage("b", ["prune": "yes", "sourceRef": ["name": "s", "kind": 5]]),
            ],
        ])
        #expect(errors == [
            "spec.bogus: Unknown field",
            "spec.onTimeout: Unsupported value: \"Wait\": supported values: \"Hold\", \"Rollback\"",
            "spec.windowScope: Unsupported value: \"Some\": supported values: \"Updates\", \"All\"",
            "spec.stages[0].timeout: Invalid value: time: invalid duration \"soon\"",
            "spec.stages[0].actions.pre[0].scope: Unsupported value: \"Forever\": supported values: \"Revision\", \"Version\", \"Lifetime\"",
            "spec.stages[0].actions.pre[0].retries: Invalid value: expected integer, got string",
            "spec.stages[1].sourceRef.kind: Invalid value: expected string, got integer",
            "spec.stages[1].prune: Invalid value: expected boolean, got string",
        ])
    }

    @Test func aRequiredMemberFailureDropsItsOptionalAncestor() {
        // The bad action lacks its required name; `actions` is the nearest optional ancestor,
        // so it is dropped with one error and the sibling stage is still checked.
        let errors = validate(["stages": [
            stage("a", ["actions": ["pre": [["wait": ["duration": "1s"], "whatever": true]]]]),
            stage("b", ["onTimeout": "Never"]),
        ]])
        #expect(errors == [
            "spec.stages[0].actions.pre[0].name: Required value",
            "spec.stages[1].onTimeout: Unsupported value: \"Never\": supported values: \"Hold\", \"Rollback\"",
        ])
    }

    static let cases: [ValidationCase] = [
        // Stages (API-17, API-28, WHK-03, WHK-10, WHK-25).
        .init(name: "stages MinItems", spec: ["stages": []], errors: ["spec.stages: Required value: must have at least 1 item"]),
        .init(name: "stage name required", spec: ["stages": [stage("")]], errors: ["spec.stages[0].name: Required value"]),
        .init(name: "stage name too long", spec: ["stages": [stage(String(repeating: "a", count: 64))]],
              errors: ["spec.stages[0].name: Invalid value: \"\(String(repeating: "a", count: 64))\": must be no more than 63 characters"]),
        .init(name: "stage name pattern", spec: ["stages": [stage("-a")]],
              errors: ["spec.stages[0].name: Invalid value: \"-a\": must match ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"]),
        .init(name: "stage names unique", spec: ["stages": [stage("a"), stage("a")]],
              errors: ["spec.stages[1].name: Duplicate value: \"a\""]),
        .init(name: "anchor clashes with another stage", spec: ["stages": [stage("a"), stage("b", ["migrationAnchor": "a"])]],
              errors: ["spec.stages[1].migrationAnchor: Duplicate value: \"a\""]),
        .init(name: "name clashes with earlier anchor", spec: ["stages": [stage("a", ["migrationAnchor": "db"]), stage("db")]],
              errors: ["spec.stages[1].name: Duplicate value: \"db\""]),
        .init(name: "anchor may equal own name", spec: ["stages": [stage("a", ["migrationAnchor": "a"])]], errors: []),
        // SourceReference (WHK-04).
        .init(name: "producer needs apiVersion", spec: ["stages": [stage("a", ["sourceRef": ["kind": "JsonnetSnippet", "name": "j"]])]],
              errors: ["spec.stages[0].sourceRef.apiVersion: Required value: apiVersion is required for producer kind \"JsonnetSnippet\""]),
        .init(name: "flux kind under foreign group is a producer",
              spec: ["stages": [stage("a", ["sourceRef": ["kind": "GitRepository", "apiVersion": "", "name": "g"]])]], errors: []),
        .init(name: "sourceRef name required", spec: ["stages": [stage("a", ["sourceRef": ["name": ""]])]],
              errors: ["spec.stages[0].sourceRef.name: Required value"]),
        .init(name: "path escapes root", spec: ["stages": [stage("a", ["path": "./x/../../etc"])]],
              errors: ["spec.stages[0].path: Invalid value: \"./x/../../etc\": must not escape the artifact root"]),
        // Conflict policy (API-35).
        .init(name: "allowDataLoss needs Recreate",
              spec: ["stages": [stage("a", ["conflictPolicy": ["rules": [["target": ["kind": "PersistentVolumeClaim"], "action": "Fail", "allowDataLoss": true]]]])]],
              errors: ["spec.stages[0].conflictPolicy.rules[0].allowDataLoss: Forbidden: only valid with action Recreate"]),
        .init(name: "conflict action enum",
              spec: ["stages": [stage("a", ["conflictPolicy": ["default": "Explode"]])]],
              errors: ["spec.stages[0].conflictPolicy.default: Unsupported value: \"Explode\": supported values: \"Fail\", \"Recreate\", \"KeepExisting\""]),
        .init(name: "kustomize patch required", spec: ["stages": [stage("a", ["patches": [["patch": ""]]])]],
              errors: ["spec.stages[0].patches[0].patch: Required value"]),
        .init(name: "substituteFrom kind enum", spec: ["stages": [stage("a", ["postBuild": ["substituteFrom": [["kind": "Pod", "name": "x"]]]])]],
              errors: ["spec.stages[0].postBuild.substituteFrom[0].kind: Unsupported value: \"Pod\": supported values: \"ConfigMap\", \"Secret\""]),
        .init(name: "substituteFrom name", spec: ["stages": [stage("a", ["postBuild": ["substituteFrom": [["kind": "Secret", "name": ""]]]])]],
              errors: ["spec.stages[0].postBuild.substituteFrom[0].name: Required value"]),
        // Actions (WHK-05..WHK-08, API-51..API-59).
        .init(name: "two operations", spec: ["stages": [stage("a", ["actions": ["pre": [action("x", ["wait": ["duration": "1s"], "http": ["url": "https://h.example"]])]]])]],
              errors: ["spec.stages[0].actions.pre[0]: exactly one of patch, http, wait, job, delete, apply must be set"]),
        .init(name: "unknown operation is an unknown field and no operation",
              spec: ["stages": [stage("a", ["actions": ["post": [action("x", ["slack": ["text": "hi"]])]]])]],
              errors: ["spec.stages[0].actions.post[0].slack: Unknown field",
                       "spec.stages[0].actions.post[0]: exactly one of patch, http, wait, job, delete, apply must be set"]),
        .init(name: "action names unique across a stage's phases",
              spec: ["stages": [stage("a", ["actions": ["pre": [action("x")], "onFailure": [action("x")]]])]],
              errors: ["spec.stages[0].actions.onFailure[0].name: Duplicate value: \"x\""]),
        .init(name: "onRollback names unique", spec: ["onRollback": [action("x"), action("x")], "stages": [stage("a")]],
              errors: ["spec.onRollback[1].name: Duplicate value: \"x\""]),
        .init(name: "retries range", spec: ["stages": [stage("a", ["actions": ["pre": [action("x", ["retries": 101, "wait": ["duration": "1s"]])]]])]],
              errors: ["spec.stages[0].actions.pre[0].retries: Invalid value: 101: must be between 0 and 100, inclusive"]),
        .init(name: "retries not a string", spec: ["stages": [stage("a", ["actions": ["pre": [action("x", ["retries": "3", "wait": ["duration": "1s"]])]]])]],
              errors: ["spec.stages[0].actions.pre[0].retries: Invalid value: expected integer, got string"]),
        .init(name: "bad duration", spec: ["stages": [stage("a", ["timeout": "5 minutes"])]],
              errors: ["spec.stages[0].timeout: Invalid value: time: unknown unit \" minutes\" in duration \"5 minutes\""]),
        .init(name: "action timeout positive", spec: ["stages": [stage("a", ["actions": ["pre": [action("x", ["timeout": "0s", "wait": ["duration": "1s"]])]]])]],
              errors: ["spec.stages[0].actions.pre[0].timeout: Invalid value: \"0s\": must be greater than zero"]),
        .init(name: "scope enum", spec: ["stages": [stage("a", ["actions": ["pre": [action("x", ["scope": "Forever", "wait": ["duration": "1s"]])]]])]],
              errors: ["spec.stages[0].actions.pre[0].scope: Unsupported value: \"Forever\": supported values: \"Revision\", \"Version\", \"Lifetime\""]),
        .init(name: "scope on onFailure", spec: ["stages": [stage("a", ["actions": ["onFailure": [action("x", ["scope": "Revision", "wait": ["duration": "1s"]])]]])]],
              errors: ["spec.stages[0].actions.onFailure[0].scope: Forbidden: scope is only valid on a stage's pre and post actions"]),
        .init(name: "scope Version needs version", spec: ["stages": [stage("a", ["actions": ["post": [action("x", ["scope": "Version", "wait": ["duration": "1s"]])]]])]],
              errors: ["spec.stages[0].actions.post[0].scope: Forbidden: scope Version requires spec.version"]),
        .init(name: "completionAnchor needs Lifetime",
              spec: ["stages": [stage("a", ["actions": ["post": [action("x", ["wait": ["duration": "1s"], "completionAnchor": ["apiVersion": "v1", "kind": "PersistentVolumeClaim", "name": ""]])]]])]],
              errors: ["spec.stages[0].actions.post[0].completionAnchor: Forbidden: completionAnchor is only valid with scope Lifetime",
                       "spec.stages[0].actions.post[0].completionAnchor.name: Required value"]),
        .init(name: "completionAnchor on onRollback",
              spec: ["onRollback": [action("x", ["wait": ["duration": "1s"], "completionAnchor": ["apiVersion": "v1", "kind": "ConfigMap", "name": "c"]])], "stages": [stage("a")]],
              errors: ["spec.onRollback[0].completionAnchor: Forbidden: completionAnchor is not valid on onRollback or migration actions"]),
        .init(name: "patch target name XOR selector",
              spec: ["stages": [stage("a", ["actions": ["pre": [action("x", ["patch": ["target": ["kind": "Deployment", "name": "d", "selector": selector], "patch": "{}"]])]]])]],
              errors: ["spec.stages[0].actions.pre[0].patch.target: exactly one of name, selector must be set"]),
        .init(name: "patch selector not empty",
              spec: ["stages": [stage("a", ["actions": ["pre": [action("x", ["patch": ["target": ["kind": "Deployment", "selector": [:]], "type": "json6902", "patch": "[]"]])]]])]],
              errors: ["spec.stages[0].actions.pre[0].patch.target.selector: Required value: selector must not be empty"]),
        .init(name: "patch selector invalid operator",
              spec: ["stages": [stage("a", ["actions": ["pre": [action("x", ["patch": ["target": ["kind": "PersistentVolumeClaim", "selector": ["matchExpressions": [["key": "app", "operator": "Near", "values": ["a"]]]]], "patch": "{}"]])]]])]],
              errors: ["spec.stages[0].actions.pre[0].patch.target.selector.matchExpressions[0].operator: Unsupported value: \"Near\": supported values: \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\""]),
        .init(name: "patch selector invalid label key",
              spec: ["stages": [stage("a", ["actions": ["pre": [action("x", ["patch": ["target": ["kind": "PersistentVolumeClaim", "selector": ["matchLabels": ["bad key": "v"]]], "patch": "{}"]])]]])]],
              errors: ["spec.stages[0].actions.pre[0].patch.target.selector: key: Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"]),
        .init(name: "patch type enum",
              spec: ["stages": [stage("a", ["actions": ["pre": [action("x", ["patch": ["target": ["kind": "Deployment", "name": "d"], "type": "strategic", "patch": "{}"]])]]])]],
              errors: ["spec.stages[0].actions.pre[0].patch.type: Unsupported value: \"strategic\": supported values: \"merge\", \"json6902\""]),
        .init(name: "http method enum",
              spec: ["stages": [stage("a", ["actions": ["pre": [action("x", ["http": ["url": "https://h.example", "method": "TRACE"]])]]])]],
              errors: ["spec.stages[0].actions.pre[0].http.method: Unsupported value: \"TRACE\": supported values: \"GET\", \"POST\", \"PUT\", \"PATCH\", \"DELETE\", \"HEAD\""]),
        .init(name: "http expectedStatus range and url",
              spec: ["stages": [stage("a", ["actions": ["pre": [action("x", ["http": ["url": "ftp://h.example", "expectedStatus": [200, 600], "bodyFrom": ["name": "s"]]])]]])]],
              errors: ["spec.stages[0].actions.pre[0].http.url: Invalid value: \"ftp://h.example\": must be an absolute http or https URL",
                       "spec.stages[0].actions.pre[0].http.bodyFrom.key: Required value",
                       "spec.stages[0].actions.pre[0].http.expectedStatus[1]: Invalid value: 600: must be between 100 and 599, inclusive"]),
        .init(name: "wait expr without target",
              spec: ["stages": [stage("a", ["actions": ["pre": [action("x", ["wait": ["expr": "true"]])]]])]],
              errors: ["spec.stages[0].actions.pre[0].wait.target: Required value: expr needs a target"]),
        .init(name: "wait duration and expr",
              spec: ["stages": [stage("a", ["actions": ["pre": [action("x", ["wait": ["duration": "0s", "expr": "true", "target": ["kind": "Pod", "name": "p"]]])]]])]],
              errors: ["spec.stages[0].actions.pre[0].wait: exactly one of duration, expr must be set",
                       "spec.stages[0].actions.pre[0].wait.duration: Invalid value: \"0s\": must be greater than zero"]),
        .init(name: "wait expr must parse",
              spec: ["stages": [stage("a", ["actions": ["pre": [action("x", ["wait": ["expr": "status.ready ==", "target": ["kind": "Pod", "name": "p"]]])]]])]],
              errors: ["spec.stages[0].actions.pre[0].wait.expr: Invalid value: \"status.ready ==\": does not compile: \(celProblem("status.ready =="))"]),
        .init(name: "job producer needs apiVersion and path stays inside",
              spec: ["stages": [stage("a", ["actions": ["pre": [action("x", ["job": ["sourceRef": ["kind": "Snippet", "name": "j"], "path": "../x"]])]]])]],
              errors: ["spec.stages[0].actions.pre[0].job.sourceRef.apiVersion: Required value: apiVersion is required for producer kind \"Snippet\"",
                       "spec.stages[0].actions.pre[0].job.path: Invalid value: \"../x\": must not escape the artifact root"]),
        .init(name: "apply needs sourceRef name",
              spec: ["stages": [stage("a", ["actions": ["pre": [action("x", ["apply": ["sourceRef": ["name": ""]]])]]])]],
              errors: ["spec.stages[0].actions.pre[0].apply.sourceRef.name: Required value"]),
        .init(name: "delete target and cascade",
              spec: ["stages": [stage("a", ["actions": ["pre": [action("x", ["delete": ["target": ["kind": "", "name": "d"]]])]]])]],
              errors: ["spec.stages[0].actions.pre[0].delete.target.kind: Required value"]),
        .init(name: "delete cascade enum",
              spec: ["stages": [stage("a", ["actions": ["pre": [action("x", ["delete": ["target": ["kind": "Job", "name": "d"], "cascade": "Now"]])]]])]],
              errors: ["spec.stages[0].actions.pre[0].delete.cascade: Unsupported value: \"Now\": supported values: \"Background\", \"Foreground\", \"Orphan\""]),
        .init(name: "action name missing entirely",
              spec: ["stages": [stage("a", ["actions": ["pre": [["wait": ["duration": "1s"]]]]])]],
              errors: ["spec.stages[0].actions.pre[0].name: Required value"]),
        // Ready checks (WHK-20).
        .init(name: "ready checks kind and exprs compile",
              spec: ["stages": [stage("a", ["readyChecks": ["checks": [["kind": "Deployment", "name": ""]],
                                                            "exprs": [["apiVersion": "v1", "kind": "Pod", "current": "true", "failed": "(("]]]])]],
              errors: ["spec.stages[0].readyChecks.checks[0].name: Required value",
                       "spec.stages[0].readyChecks.exprs[0].failed: Invalid value: \"((\": does not compile: \(celProblem("(("))"]),
        // Promotion (WHK-17..WHK-19).
        .init(name: "fastTrack needs soak and numeric max",
              spec: ["stages": [stage("a", ["promotion": ["fastTrack": ["source": prometheus, "max": "one"]]])]],
              errors: ["spec.stages[0].promotion.fastTrack: Forbidden: requires promotion.soak greater than zero",
                       "spec.stages[0].promotion.fastTrack.max: Invalid value: \"one\": must be a decimal number"]),
        .init(name: "analysis checks",
              spec: ["stages": [stage("a", ["promotion": ["analysis": ["failureLimit": -1, "checks": [
                  ["name": "c", "source": prometheus, "threshold": [:]],
                  ["name": "c", "source": [:], "threshold": ["min": "2", "max": "1"]],
              ]]]])]],
              errors: ["spec.stages[0].promotion.analysis.checks[0].threshold: at least one of min, max must be set",
                       "spec.stages[0].promotion.analysis.checks[1].name: Duplicate value: \"c\"",
                       "spec.stages[0].promotion.analysis.checks[1].source: exactly one of prometheus, webhook must be set",
                       "spec.stages[0].promotion.analysis.checks[1].threshold.max: Invalid value: \"1\": must be greater than or equal to min",
                       "spec.stages[0].promotion.analysis.failureLimit: Invalid value: -1: must be greater than or equal to 0"]),
        .init(name: "analysis needs a check", spec: ["stages": [stage("a", ["promotion": ["analysis": ["checks": []]]])]],
              errors: ["spec.stages[0].promotion.analysis.checks: Required value: must have at least 1 item"]),
        .init(name: "analysis onFailure enum", spec: ["stages": [stage("a", ["promotion": ["analysis": ["checks": [], "onFailure": "Retry"]]])]],
              errors: ["spec.stages[0].promotion.analysis.onFailure: Unsupported value: \"Retry\": supported values: \"Hold\", \"Rollback\""]),
        .init(name: "restart gate",
              spec: ["stages": [stage("a", ["promotion": ["restartGate": ["checks": [
                  ["name": "", "selector": [:], "maxRestarts": -1],
              ]]]])]],
              errors: ["spec.stages[0].promotion.restartGate.checks[0].name: Required value",
                       "spec.stages[0].promotion.restartGate.checks[0].selector: Required value: selector must not be empty",
                       "spec.stages[0].promotion.restartGate.checks[0].maxRestarts: Invalid value: -1: must be greater than or equal to 0"]),
        .init(name: "event gate",
              spec: ["stages": [stage("a", ["promotion": ["eventGate": ["onFailure": "Hold", "checks": [
                  ["name": "e", "selector": ["matchExpressions": [["key": "app", "operator": "In"]]], "reasons": []],
              ]]]])]],
              errors: ["spec.stages[0].promotion.eventGate.checks[0].selector: values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty",
                       "spec.stages[0].promotion.eventGate.checks[0].reasons: Required value: must have at least 1 item"]),
        .init(name: "gates need checks", spec: ["stages": [stage("a", ["promotion": ["restartGate": ["checks": []], "eventGate": ["checks": []]]])]],
              errors: ["spec.stages[0].promotion.restartGate.checks: Required value: must have at least 1 item",
                       "spec.stages[0].promotion.eventGate.checks: Required value: must have at least 1 item"]),
        // Error budgets and metric sources (WHK-15, WHK-16).
        .init(name: "error budget thresholds",
              spec: ["errorBudget": ["source": prometheus, "freezeThreshold": "0.5", "resumeThreshold": "0.1"], "stages": [stage("a")]],
              errors: ["spec.errorBudget.resumeThreshold: Invalid value: \"0.1\": must be greater than or equal to freezeThreshold"]),
        .init(name: "error budget numeric and source",
              spec: ["stages": [stage("a", ["errorBudget": ["source": ["webhook": ["url": "", "jsonPath": "", "secretRef": ["name": ""]]], "freezeThreshold": "NaN", "onSourceError": "Allow"]])]],
              errors: ["spec.stages[0].errorBudget.source.webhook.url: Required value",
                       "spec.stages[0].errorBudget.source.webhook.jsonPath: Required value",
                       "spec.stages[0].errorBudget.source.webhook.secretRef.name: Required value",
                       "spec.stages[0].errorBudget.freezeThreshold: Invalid value: \"NaN\": must be a decimal number"]),
        .init(name: "metric source both providers",
              spec: ["errorBudget": ["source": ["prometheus": ["address": "http://p", "query": ""], "webhook": ["url": "https://w", "jsonPath": "{.x}"]], "freezeThreshold": "0"], "stages": [stage("a")]],
              errors: ["spec.errorBudget.source: exactly one of prometheus, webhook must be set",
                       "spec.errorBudget.source.prometheus.query: Required value"]),
        .init(name: "onSourceError enum",
              spec: ["errorBudget": ["source": prometheus, "freezeThreshold": "0", "onSourceError": "Deny"], "stages": [stage("a")]],
              errors: ["spec.errorBudget.onSourceError: Unsupported value: \"Deny\": supported values: \"Allow\", \"Hold\""]),
        // Spec-level (WHK-09, WHK-11..WHK-14, WHK-21..WHK-23).
        .init(name: "onTimeout enum", spec: ["onTimeout": "Wait", "stages": [stage("a")]],
              errors: ["spec.onTimeout: Unsupported value: \"Wait\": supported values: \"Hold\", \"Rollback\""]),
        .init(name: "windowScope enum", spec: ["windowScope": "Some", "stages": [stage("a")]],
              errors: ["spec.windowScope: Unsupported value: \"Some\": supported values: \"Updates\", \"All\""]),
        .init(name: "dependsOn", spec: ["dependsOn": [["name": "", "minVersion": "five"]], "stages": [stage("a")]],
              errors: ["spec.dependsOn[0].name: Required value",
                       "spec.dependsOn[0].minVersion: Invalid value: \"five\": must be a semantic version"]),
        .init(name: "kubeConfig exactly one", spec: ["kubeConfig": ["secretRef": ["name": ""], "configMapRef": ["name": "c"]], "stages": [stage("a")]],
              errors: ["spec.kubeConfig: exactly one of secretRef, configMapRef must be set",
                       "spec.kubeConfig.secretRef.name: Required value"]),
        .init(name: "kubeConfig empty", spec: ["kubeConfig": [:], "stages": [stage("a")]],
              errors: ["spec.kubeConfig: exactly one of secretRef, configMapRef must be set"]),
        .init(name: "decryption provider", spec: ["decryption": ["provider": "vault"], "stages": [stage("a")]],
              errors: ["spec.decryption.provider: Unsupported value: \"vault\": supported values: \"sops\""]),
        .init(name: "decryption secretRef name", spec: ["decryption": ["provider": "sops", "secretRef": ["name": ""]], "stages": [stage("a")]],
              errors: ["spec.decryption.secretRef.name: Required value"]),
        .init(name: "version exactly one", spec: ["version": ["value": "1.0.0", "fromArtifact": ["stage": "a", "path": "VERSION"]], "stages": [stage("a")]],
              errors: ["spec.version: exactly one of value, fromObject, fromArtifact must be set"]),
        .init(name: "version none", spec: ["version": ["approvalMode": "Always"], "stages": [stage("a")]],
              errors: ["spec.version: exactly one of value, fromObject, fromArtifact must be set"]),
        .init(name: "version value semver (leading v ok)", spec: ["version": ["value": " v1.2 "], "stages": [stage("a")]], errors: []),
        .init(name: "version value not semver", spec: ["version": ["value": "latest"], "stages": [stage("a")]],
              errors: ["spec.version.value: Invalid value: \"latest\": must be a semantic version"]),
        .init(name: "version approvalMode enum", spec: ["version": ["value": "1.0.0", "approvalMode": "Sometimes"], "stages": [stage("a")]],
              errors: ["spec.version.approvalMode: Unsupported value: \"Sometimes\": supported values: \"Never\", \"OnMigrations\", \"Always\""]),
        .init(name: "version fromObject and fromArtifact stages",
              spec: ["version": ["fromArtifact": ["stage": "zz", "path": ""]], "stages": [stage("a")]],
              errors: ["spec.version.fromArtifact.stage: Invalid value: \"zz\": must name a stage of spec.stages",
                       "spec.version.fromArtifact.path: Required value"]),
        .init(name: "migrations need version", spec: ["migrations": [["name": "m", "to": "1.0.0"]], "stages": [stage("a")]],
              errors: ["spec.migrations: Forbidden: requires spec.version"]),
        .init(name: "migrations exclusive with source",
              spec: ["version": version, "migrations": [], "migrationsSourceRef": ["sourceRef": ["name": "m", "namespace": "other"]], "stages": [stage("a")]],
              errors: ["spec.migrationsSourceRef: Forbidden: migrations and migrationsSourceRef are mutually exclusive",
                       "spec.migrationsSourceRef.sourceRef.namespace: Forbidden: must be the StageSet's namespace"]),
        .init(name: "migration fields",
              spec: ["version": version, "stages": [stage("a", ["migrationAnchor": "db"])], "migrations": [
                  ["name": "m", "to": "2", "from": "1.2.3", "stage": "db"],
                  ["name": "m", "to": "two", "from": ">=1 <", "stage": "nowhere"],
                  ["name": "n", "to": "3.0.0", "from": "^2.1 || 1.x",
                   "actions": [action("x", ["retries": 11, "scope": "Lifetime", "wait": ["duration": "1s"]]), action("x")]],
              ]],
              errors: ["spec.migrations[0].from: Invalid value: \"1.2.3\": must be a version constraint, not a bare version (write \"=1.2.3\" or a range)",
                       "spec.migrations[1].name: Duplicate value: \"m\"",
                       "spec.migrations[1].to: Invalid value: \"two\": must be a semantic version",
                       "spec.migrations[1].from: Invalid value: \">=1 <\": must be a version constraint: improper constraint: >=1 <",
                       "spec.migrations[1].stage: Invalid value: \"nowhere\": must name a stage or migrationAnchor of spec.stages",
                       "spec.migrations[2].actions[0].retries: Invalid value: 11: must be between 0 and 10, inclusive",
                       "spec.migrations[2].actions[0].scope: Forbidden: scope is only valid on a stage's pre and post actions",
                       "spec.migrations[2].actions[1].name: Duplicate value: \"x\""]),
        .init(name: "too many migrations",
              spec: ["version": version, "stages": [stage("a")],
                     "migrations": .array((0..<201).map { ["name": .string("m\($0)"), "to": "1.0.0"] })],
              errors: ["spec.migrations: Too many: 201: must have at most 200 items"]),
        .init(name: "too many migration actions",
              spec: ["version": version, "stages": [stage("a")],
                     "migrations": [["name": "m", "to": "1.0.0", "down": .array((0..<101).map { action("a\($0)") })]]],
              errors: ["spec.migrations[0].down: Too many: 101: must have at most 100 items"]),
        .init(name: "window both kinds", spec: ["updateWindows": [["type": "Allow", "schedule": "0 9 * * *", "duration": "1h", "from": "2025-01-01T00:00:00Z", "to": "2025-01-02T00:00:00Z"]], "stages": [stage("a")]],
              errors: ["spec.updateWindows[0]: a window is either recurring (schedule, duration) or absolute (from, to), not both"]),
        .init(name: "window neither kind", spec: ["updateWindows": [["type": "Deny"]], "stages": [stage("a")]],
              errors: ["spec.updateWindows[0]: exactly one of schedule with duration, from with to must be set"]),
        .init(name: "window type enum", spec: ["updateWindows": [["type": "Maybe"]], "stages": [stage("a")]],
              errors: ["spec.updateWindows[0].type: Unsupported value: \"Maybe\": supported values: \"Allow\", \"Deny\""]),
        .init(name: "window recurring rules",
              spec: ["updateWindows": [["type": "Allow", "schedule": "0 25 * * *", "duration": "0s", "timeZone": "Mars/Olympus"],
                                       ["type": "Allow", "duration": "1h"]], "stages": [stage("a")]],
              errors: ["spec.updateWindows[0].schedule: Invalid value: \"0 25 * * *\": must be a 5-field cron expression: hour field: end of range (25) above maximum (23): 25",
                       "spec.updateWindows[0].duration: Invalid value: \"0s\": must be greater than zero",
                       "spec.updateWindows[0].timeZone: Invalid value: \"Mars/Olympus\": must be an IANA time zone name",
                       "spec.updateWindows[1].schedule: Required value: a recurring window needs a schedule"]),
        .init(name: "window absolute rules",
              spec: ["updateWindows": [["type": "Deny", "from": "2025-01-02T00:00:00Z", "to": "2025-01-01T00:00:00Z"],
                                       ["type": "Deny", "from": "2025-01-02T00:00:00Z"]], "stages": [stage("a")]],
              errors: ["spec.updateWindows[0].to: Invalid value: \"2025-01-01T00:00:00Z\": must be after from",
                       "spec.updateWindows[1].to: Required value: an absolute window needs to"]),
        .init(name: "window timestamp format", spec: ["updateWindows": [["type": "Deny", "from": "tomorrow"]], "stages": [stage("a")]],
              errors: ["spec.updateWindows[0].from: Invalid value: parsing time \"tomorrow\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"tomorrow\" as \"2006\""]),
        .init(name: "migrationsSourceRef needs version and a valid source",
              spec: ["migrationsSourceRef": ["sourceRef": ["kind": "Ladder", "name": "m"], "path": "../up"], "stages": [stage("a")]],
              errors: ["spec.migrationsSourceRef: Forbidden: requires spec.version",
                       "spec.migrationsSourceRef.sourceRef.apiVersion: Required value: apiVersion is required for producer kind \"Ladder\"",
                       "spec.migrationsSourceRef.path: Invalid value: \"../up\": must not escape the artifact root"]),
        .init(name: "version fromObject fields",
              spec: ["version": ["fromObject": ["stage": "zz", "kind": "", "name": ""]], "stages": [stage("a")]],
              errors: ["spec.version.fromObject.kind: Required value",
                       "spec.version.fromObject.name: Required value",
                       "spec.version.fromObject.stage: Invalid value: \"zz\": must name a stage of spec.stages"]),
        .init(name: "prometheus address must be a URL",
              spec: ["errorBudget": ["source": ["prometheus": ["address": "prometheus:9090", "query": "up"]], "freezeThreshold": "0", "interval": "-1s"], "stages": [stage("a")]],
              errors: ["spec.errorBudget.source.prometheus.address: Invalid value: \"prometheus:9090\": must be an absolute http or https URL",
                       "spec.errorBudget.interval: Invalid value: \"-1s\": must be greater than zero"]),
        .init(name: "http headersFrom entries",
              spec: ["stages": [stage("a", ["actions": ["pre": [action("x", ["http": ["url": "https://h.example", "headersFrom": [["name": "", "key": "X-Token"]]]])]]])]],
              errors: ["spec.stages[0].actions.pre[0].http.headersFrom[0].name: Required value"]),
        .init(name: "retries negative", spec: ["stages": [stage("a", ["actions": ["pre": [action("x", ["retries": -1, "wait": ["duration": "1s"]])]]])]],
              errors: ["spec.stages[0].actions.pre[0].retries: Invalid value: -1: must be between 0 and 100, inclusive"]),
        .init(name: "stage onTimeout enum", spec: ["stages": [stage("a", ["onTimeout": "Fail"])]],
              errors: ["spec.stages[0].onTimeout: Unsupported value: \"Fail\": supported values: \"Hold\", \"Rollback\""]),
        .init(name: "promotion durations and reasons",
              spec: ["stages": [stage("a", ["promotion": [
                  "soak": "10m",
                  "analysis": ["interval": "0s", "checks": [["name": "c", "source": prometheus, "threshold": ["max": "1e-3"]]]],
                  "fastTrack": ["source": prometheus, "max": "1", "after": "-5m"],
                  "eventGate": ["checks": [["name": "e", "selector": selector, "reasons": ["", "OOMKilling"], "maxEvents": -2]]],
              ]])]],
              errors: ["spec.stages[0].promotion.analysis.interval: Invalid value: \"0s\": must be greater than zero",
                       "spec.stages[0].promotion.fastTrack.after: Invalid value: \"-5m0s\": must not be negative",
                       "spec.stages[0].promotion.eventGate.checks[0].reasons[0]: Required value",
                       "spec.stages[0].promotion.eventGate.checks[0].maxEvents: Invalid value: -2: must be greater than or equal to 0"]),
        .init(name: "restart gate names unique and onFailure enum",
              spec: ["stages": [stage("a", ["promotion": ["restartGate": ["checks": [
                  ["name": "r", "selector": selector], ["name": "r", "selector": selector, "onFailure": "Hold"],
              ]]]])]],
              errors: ["spec.stages[0].promotion.restartGate.checks[1].name: Duplicate value: \"r\""]),
        .init(name: "ready check expr needs kind",
              spec: ["stages": [stage("a", ["readyChecks": ["exprs": [["apiVersion": "", "kind": "", "current": "true"]]]])]],
              errors: ["spec.stages[0].readyChecks.exprs[0].apiVersion: Required value",
                       "spec.stages[0].readyChecks.exprs[0].kind: Required value"]),
        // Decoding and strictness.
        .init(name: "unknown fields", spec: ["stages": [stage("a", ["prue": false])], "intervall": "1m"],
              errors: ["spec.intervall: Unknown field", "spec.stages[0].prue: Unknown field"]),
        .init(name: "sourceRef missing", spec: ["stages": [["name": "a"]]],
              errors: ["spec.stages[0].sourceRef: Required value"]),
        .init(name: "wrong JSON type", spec: ["stages": ["a"]],
              errors: ["spec.stages[0]: Invalid value: expected object, got string"]),
        .init(name: "null for a required member", spec: ["stages": [["name": nil, "sourceRef": source]]],
              errors: ["spec.stages[0].name: Required value: expected string, got null"]),
        .init(name: "integral double accepted for integer", spec: ["stages": [stage("a", ["actions": ["pre": [action("x", ["retries": 3.0, "wait": ["duration": "1s"]])]]])]],
              errors: []),
        .init(name: "fractional number rejected for integer", spec: ["stages": [stage("a", ["actions": ["pre": [action("x", ["retries": 1.5, "wait": ["duration": "1s"]])]]])]],
              errors: ["spec.stages[0].actions.pre[0].retries: Invalid value: expected integer, got number"]),
    ]

    @Test(arguments: cases)
    func rule(_ testCase: ValidationCase) {
        #expect(validate(testCase.spec) == testCase.errors)
    }

    @Test func wrongKindAndAPIVersion() {
        let object: JSONValue = [
            "apiVersion": "stages.metio.wtf/v2", "kind": "StageSets",
            "metadata": ["name": "s", "annotations": ["x": "y"], "managedFields": [[:]]],
            "spec": ["stages": [stage("a")]],
        ]
        guard case .failure(let errors) = StageSet.decodeAndValidate(object) else {
            Issue.record("expected errors")
            return
        }
        #expect(errors.errors.map(\.description) == [
            "apiVersion: Unsupported value: \"stages.metio.wtf/v2\": supported values: \"stages.metio.wtf/v1\"",
            "kind: Unsupported value: \"StageSets\": supported values: \"StageSet\"",
        ])
    }

    @Test func updatesChangingOnlySuspendSkipValidation() {
        let old = StageSet(metadata: ObjectMeta(name: "s"), spec: StageSetSpec(stages: [Stage(name: "A", sourceRef: SourceReference(name: "x"))]))
        var suspended = old
        suspended.spec.suspend = true
        suspended.metadata.annotations = ["note": "x"]
        #expect(!StageSetValidator.needsValidation(old: old, new: suspended))
        var edited = suspended
        edited.spec.stages[0].path = "./other"
        #expect(StageSetValidator.needsValidation(old: old, new: edited))
        #expect(Action(name: "a", operation: .wait(WaitAction(duration: .seconds(1)))).effectiveScope == .revision)
        var stage = Stage(name: "a", sourceRef: SourceReference(name: "s"))
        #expect(stage.effectiveConflictDefault == .fail)
        stage.force = true
        #expect(stage.effectiveConflictDefault == .recreate)
        stage.conflictPolicy = ConflictPolicy(default: .fail)
        #expect(stage.effectiveConflictDefault == .recreate)
        stage.conflictPolicy = ConflictPolicy(default: .keepExisting)
        #expect(stage.effectiveConflictDefault == .keepExisting)
    }

    @Test func validatorUsesInjectedCELCheck() throws {
        let validator = StageSetValidator(celCheck: { $0 == "ok" ? nil : "rejected" })
        var spec = StageSetSpec(stages: [Stage(name: "a", sourceRef: SourceReference(name: "s"))])
        var checks = ReadyChecks()
        var health = CustomHealthCheck(apiVersion: "v1", kind: "Pod")
        health.current = "ok"
        health.inProgress = "nope"
        checks.exprs = [health]
        spec.stages[0].readyChecks = checks
        let errors = validator.validate(StageSet(metadata: ObjectMeta(name: "s"), spec: spec))
        #expect(errors.map(\.description) == [
            "spec.stages[0].readyChecks.exprs[0].inProgress: Invalid value: \"nope\": does not compile: rejected",
        ])
    }
}

/// The parse problem the default checker reports, so expectations follow the CEL module's wording.
private func celProblem(_ source: String) -> String {
    StageSetValidator.parseCEL(source) ?? "<compiles>"
}
