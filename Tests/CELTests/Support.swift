import KubeModel
import Testing

@testable import CEL

/// Evaluates `source` with `bindings`, recording parse or evaluation errors as issues.
func eval(_ source: String, _ bindings: [String: CELValue] = [:], sourceLocation: SourceLocation = #_sourceLocation)
    -> CELValue?
{
    do {
        return try CELExpression(parsing: source).evaluate(bindings)
    } catch {
        Issue.record("\(source): \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// The evaluation error of `source` (nil, with an issue, when it evaluates or fails to parse).
func evalError(_ source: String, _ bindings: [String: CELValue] = [:], sourceLocation: SourceLocation = #_sourceLocation)
    -> CELError?
{
    let expression: CELExpression
    do {
        expression = try CELExpression(parsing: source)
    } catch {
        Issue.record("\(source) did not parse: \(error)", sourceLocation: sourceLocation)
        return nil
    }
    do {
        let value = try expression.evaluate(bindings)
        Issue.record("\(source) evaluated to \(value), expected an error", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// Checks that every expression in `cases` evaluates to `true`.
func expectTrue(_ cases: [String], _ bindings: [String: CELValue] = [:], sourceLocation: SourceLocation = #_sourceLocation) {
    for source in cases {
        let value = eval(source, bindings, sourceLocation: sourceLocation)
        #expect(value == .bool(true), "\(source) → \(value.map(\.description) ?? "error")", sourceLocation: sourceLocation)
    }
}

/// Checks that every expression fails to evaluate with a message containing the given text.
func expectErrors(_ cases: [(String, String)], _ bindings: [String: CELValue] = [:], sourceLocation: SourceLocation = #_sourceLocation) {
    for (source, text) in cases {
        guard let error = evalError(source, bindings, sourceLocation: sourceLocation) else { continue }
        #expect(error.message.contains(text), "\(source): \(error.message)", sourceLocation: sourceLocation)
    }
}
