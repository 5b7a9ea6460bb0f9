import KubeModel
import Testing

/// Expected values are those of Go's `time.ParseDuration` and `Duration.String()`.
struct GoDurationTests {
    @Test(arguments: [
        ("0", "0s"), ("0s", "0s"), ("5s", "5s"), ("30s", "30s"), ("1478s", "24m38s"),
        ("-5s", "-5s"), ("+5s", "5s"), ("-0", "0s"), ("5.6s", "5.6s"), ("5.s", "5s"), (".5s", "500ms"),
        ("1.0s", "1s"), ("1.00s", "1s"), ("1.004s", "1.004s"), ("100.00100s", "1m40.001s"),
        ("10ns", "10ns"), ("11us", "11µs"), ("12µs", "12µs"), ("12μs", "12µs"), ("13ms", "13ms"),
        ("14s", "14s"), ("15m", "15m0s"), ("16h", "16h0m0s"), ("3h30m", "3h30m0s"),
        ("10.5s4m", "4m10.5s"), ("-2m3.4s", "-2m3.4s"), ("1h2m3s4ms5us6ns", "1h2m3.004005006s"),
        ("39h9m14.425s", "39h9m14.425s"), ("52763797000ns", "52.763797s"), ("0.3333333333333333333h", "20m0s"),
        ("9007199254740993ns", "2501h59m59.254740993s"), ("9223372036854775807ns", "2562047h47m16.854775807s"),
        ("-9223372036854775808ns", "-2562047h47m16.854775808s"), ("1.5h", "1h30m0s"), ("300ms", "300ms"),
        ("1500us", "1.5ms"), ("1001ns", "1.001µs"),
    ])
    func parsesAndPrintsAsGo(text: String, printed: String) throws {
        #expect(try GoDuration(parsing: text).description == printed)
        // What Go prints, Go parses back to the same value.
        #expect(try GoDuration(parsing: printed) == GoDuration(parsing: text))
    }

    @Test(arguments: [
        ("", "time: invalid duration \"\""), ("3", "time: missing unit in duration \"3\""),
        ("-", "time: invalid duration \"-\""), ("s", "time: invalid duration \"s\""),
        (".", "time: invalid duration \".\""), ("-.", "time: invalid duration \"-.\""),
        (".s", "time: invalid duration \".s\""), ("+.s", "time: invalid duration \"+.s\""),
        ("1d", "time: unknown unit \"d\" in duration \"1d\""), ("1.1.1s", "time: missing unit in duration \"1.1.1s\""),
        ("9223372036854775808ns", "time: invalid duration \"9223372036854775808ns\""),
        ("9223372036854775.808us", "time: invalid duration \"9223372036854775.808us\""),
        ("3000000h", "time: invalid duration \"3000000h\""),
    ])
    func rejectsAsGo(text: String, message: String) {
        #expect(throws: GoDuration.ParseError(description: message)) { try GoDuration(parsing: text) }
    }
}
