import Foundation
import KubeModel
import Testing

@Suite("RFC 3339 timestamps")
struct TimestampTests {
    static let parseCases: [(String, Int64, Int32)] = [
        ("1970-01-01T00:00:00Z", 0, 0),
        ("2006-01-02T15:04:05Z", 1_136_214_245, 0),
        ("2006-01-02T15:04:05+07:00", 1_136_214_245 - 25_200, 0),
        ("2006-01-02T15:04:05-07:30", 1_136_214_245 + 27_000, 0),
        ("2000-02-29T12:00:00Z", 951_825_600, 0),
        ("2024-03-01T00:00:00Z", 1_709_251_200, 0),
        ("1600-03-01T00:00:00Z", -11_670_912_000, 0),
        ("0001-01-01T00:00:00Z", -62_135_596_800, 0),
        ("9999-12-31T23:59:59Z", 253_402_300_799, 0),
        ("1969-12-31T23:59:59.5Z", -1, 500_000_000),
        ("2024-03-01T00:00:00.123456789Z", 1_709_251_200, 123_456_789),
        // Digits past the ninth are truncated, not rounded.
        ("2024-03-01T00:00:00.9999999999999Z", 1_709_251_200, 999_999_999),
        ("2024-03-01T00:00:00.1Z", 1_709_251_200, 100_000_000),
        // Go also accepts a comma separator and a one-digit hour.
        ("2024-03-01T00:00:00,25Z", 1_709_251_200, 250_000_000),
        ("2024-03-01T1:00:00Z", 1_709_251_200 + 3_600, 0),
        // And its lenient offset range.
        ("2024-03-01T00:00:00+24:00", 1_709_251_200 - 86_400, 0),
        ("2024-03-01T00:00:00-00:60", 1_709_251_200 + 3_600, 0),
    ]

    @Test(arguments: parseCases)
    func parsesAsGo(text: String, seconds: Int64, nanoseconds: Int32) throws {
        let t = try Timestamp(parsing: text)
        #expect(t.seconds == seconds)
        #expect(t.nanoseconds == nanoseconds)
    }

    static let errorCases: [(String, String)] = [
        ("2024-03-01t00:00:00Z", #"parsing time "2024-03-01t00:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse "t00:00:00Z" as "T""#),
        ("2024-03-01T00:00:00z", #"parsing time "2024-03-01T00:00:00z" as "2006-01-02T15:04:05Z07:00": cannot parse "z" as "Z07:00""#),
        ("2024-03-01T00:00:00", #"parsing time "2024-03-01T00:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00""#),
        ("2024-03-01 00:00:00Z", #"parsing time "2024-03-01 00:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse " 00:00:00Z" as "T""#),
        ("2024-3-01T00:00:00Z", #"parsing time "2024-3-01T00:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse "3-01T00:00:00Z" as "01""#),
        ("24-03-01T00:00:00Z", #"parsing time "24-03-01T00:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse "24-03-01T00:00:00Z" as "2006""#),
        ("2024-03-01T00:0:00Z", #"parsing time "2024-03-01T00:0:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse "0:00Z" as "04""#),
        ("2024-03-01T00:00:00.Z", #"parsing time "2024-03-01T00:00:00.Z" as "2006-01-02T15:04:05Z07:00": cannot parse ".Z" as "Z07:00""#),
        ("2024-03-01T00:00:00+0200", #"parsing time "2024-03-01T00:00:00+0200" as "2006-01-02T15:04:05Z07:00": cannot parse "+0200" as "Z07:00""#),
        ("2024-13-01T00:00:00Z", #"parsing time "2024-13-01T00:00:00Z": month out of range"#),
        ("2024-00-01T00:00:00Z", #"parsing time "2024-00-01T00:00:00Z": month out of range"#),
        ("2023-02-29T00:00:00Z", #"parsing time "2023-02-29T00:00:00Z": day out of range"#),
        ("1900-02-29T00:00:00Z", #"parsing time "1900-02-29T00:00:00Z": day out of range"#),
        ("2024-04-31T00:00:00Z", #"parsing time "2024-04-31T00:00:00Z": day out of range"#),
        ("2024-04-00T00:00:00Z", #"parsing time "2024-04-00T00:00:00Z": day out of range"#),
        ("2024-03-01T24:00:00Z", #"parsing time "2024-03-01T24:00:00Z": hour out of range"#),
        ("2024-03-01T00:60:00Z", #"parsing time "2024-03-01T00:60:00Z": minute out of range"#),
        ("2024-03-01T23:59:60Z", #"parsing time "2024-03-01T23:59:60Z": second out of range"#),
        ("2024-03-01T00:00:00+25:00", #"parsing time "2024-03-01T00:00:00+25:00": time zone offset hour out of range"#),
        ("2024-03-01T00:00:00+01:61", #"parsing time "2024-03-01T00:00:00+01:61": time zone offset minute out of range"#),
        ("2024-03-01T00:00:00Zjunk", #"parsing time "2024-03-01T00:00:00Zjunk": extra text: "junk""#),
        ("", #"parsing time "" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "2006""#),
    ]

    @Test(arguments: errorCases)
    func rejectsAsGo(text: String, message: String) throws {
        let error = try #require(throws: Timestamp.ParseError.self) { try Timestamp(parsing: text) }
        #expect(error.description == message)
    }

    @Test func formatsAsMetav1Time() throws {
        #expect(Timestamp(seconds: 0).rfc3339 == "1970-01-01T00:00:00Z")
        #expect(Timestamp(seconds: 1_136_214_245, nanoseconds: 999_999_999).rfc3339 == "2006-01-02T15:04:05Z")
        #expect(Timestamp(seconds: -1).rfc3339 == "1969-12-31T23:59:59Z")
        #expect(try Timestamp(parsing: "2006-01-02T15:04:05+07:00").rfc3339 == "2006-01-02T08:04:05Z")
        #expect(Timestamp(seconds: -62_135_596_800).rfc3339 == "0001-01-01T00:00:00Z")
        #expect(Timestamp(year: 10_000, month: 1, day: 1).rfc3339 == "10000-01-01T00:00:00Z")
        #expect(Timestamp(year: -1, month: 1, day: 1).rfc3339 == "-0001-01-01T00:00:00Z")
        #expect(Timestamp(seconds: 5).description == "1970-01-01T00:00:05Z")
    }

    @Test func formatsRFC3339NanoAsGo() {
        #expect(Timestamp(seconds: 0).rfc3339Nano == "1970-01-01T00:00:00Z")
        #expect(Timestamp(seconds: 1, nanoseconds: 500_000_000).rfc3339Nano == "1970-01-01T00:00:01.5Z")
        #expect(Timestamp(seconds: 1, nanoseconds: 1).rfc3339Nano == "1970-01-01T00:00:01.000000001Z")
        #expect(Timestamp(seconds: 1, nanoseconds: 120_000).rfc3339Nano == "1970-01-01T00:00:01.00012Z")
        #expect(Timestamp(seconds: -1, nanoseconds: 123_456_789).rfc3339Nano == "1969-12-31T23:59:59.123456789Z")
    }

    @Test func microTimeAsMetav1() throws {
        let t = try Timestamp(parsingMicro: "2024-03-01T00:00:00.123456+01:00")
        #expect(t == Timestamp(seconds: 1_709_251_200 - 3_600, nanoseconds: 123_456_000))
        #expect(t.rfc3339Micro == "2024-02-29T23:00:00.123456Z")
        #expect(Timestamp(seconds: 0).rfc3339Micro == "1970-01-01T00:00:00.000000Z")
        #expect(Timestamp(seconds: 0, nanoseconds: 999_999_999).rfc3339Micro == "1970-01-01T00:00:00.999999Z")
        #expect(try Timestamp(parsingMicro: "2024-03-01T00:00:00,000001Z").nanoseconds == 1_000)
        let layout = "2006-01-02T15:04:05.000000Z07:00"
        for (text, rest, element) in [
            ("2024-03-01T00:00:00Z", "Z", ".000000"),
            ("2024-03-01T00:00:00.12345Z", ".12345Z", ".000000"),
            ("2024-03-01T00:00:00.1234567Z", "7Z", "Z07:00"),
        ] {
            let error = try #require(throws: Timestamp.ParseError.self) { try Timestamp(parsingMicro: text) }
            #expect(error.description == "parsing time \"\(text)\" as \"\(layout)\": cannot parse \"\(rest)\" as \"\(element)\"")
        }
    }

    @Test func roundTripsAcrossManyDays() throws {
        // Every 997th day over four centuries formats and parses back to itself.
        var day: Int64 = -150_000
        while day < 150_000 {
            let t = Timestamp(seconds: day * 86_400 + 45_296, nanoseconds: 7)
            #expect(try Timestamp(parsing: t.rfc3339Nano) == t)
            day += 997
        }
    }

    @Test func calendarInitialiserCarriesOverLikeGo() {
        #expect(Timestamp(year: 2024, month: 13, day: 1) == Timestamp(year: 2025, month: 1, day: 1))
        #expect(Timestamp(year: 2024, month: 0, day: 1) == Timestamp(year: 2023, month: 12, day: 1))
        #expect(Timestamp(year: 2023, month: 2, day: 29) == Timestamp(year: 2023, month: 3, day: 1))
        #expect(Timestamp(year: 2024, month: 1, day: 1, hour: 0, minute: 0, second: 60) == Timestamp(year: 2024, month: 1, day: 1, minute: 1))
        #expect(Timestamp(year: 2006, month: 1, day: 2, hour: 15, minute: 4, second: 5).seconds == 1_136_214_245)
    }

    @Test func arithmeticWithDurations() throws {
        let t = try Timestamp(parsing: "2024-03-01T00:00:00Z")
        let later = t + (try GoDuration(parsing: "1h30m0.5s"))
        #expect(later.rfc3339Nano == "2024-03-01T01:30:00.5Z")
        #expect(later - t == (try GoDuration(parsing: "1h30m0.5s")))
        #expect(t - (try GoDuration(parsing: "1.5s")) == (try Timestamp(parsing: "2024-02-29T23:59:58.5Z")))
        #expect(t - later < .zero)
        var u = t
        u += .seconds(86_400)
        u -= .hours(24)
        #expect(u == t)
        // Differences beyond ~292 years saturate as in Go.
        let far = Timestamp(year: 9999, month: 1, day: 1)
        let early = Timestamp(year: 1, month: 1, day: 1)
        #expect((far - early).nanoseconds == .max)
        #expect((early - far).nanoseconds == .min)
        // Extreme values saturate instead of trapping.
        #expect(Timestamp(seconds: .max) + .hours(1) == Timestamp(seconds: .max))
        #expect(Timestamp(seconds: .min) - GoDuration(nanoseconds: .min) > Timestamp(seconds: .min))
    }

    @Test func ordering() throws {
        let a = try Timestamp(parsing: "2024-03-01T00:00:00.1Z")
        let b = try Timestamp(parsing: "2024-03-01T00:00:00.2Z")
        let c = try Timestamp(parsing: "2024-03-01T01:00:00.0+01:00")
        #expect(a < b)
        #expect(c < a)
        #expect(c == (try Timestamp(parsing: "2024-03-01T00:00:00Z")))
    }

    @Test func nowIsCloseToFoundation() {
        let ours = Timestamp.now()
        let theirs = Date().timeIntervalSince1970
        #expect(abs(Double(ours.seconds) - theirs) < 5)
    }

    @Test func codableUsesRFC3339() throws {
        struct Box: Codable, Equatable { var at: Timestamp }
        let data = Data(#"{"at":"2024-03-01T02:00:00.75+02:00"}"#.utf8)
        let box = try JSONDecoder().decode(Box.self, from: data)
        #expect(box.at == Timestamp(seconds: 1_709_251_200, nanoseconds: 750_000_000))
        let encoded = String(decoding: try JSONEncoder().encode(box), as: UTF8.self)
        #expect(encoded == #"{"at":"2024-03-01T00:00:00Z"}"#)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Box.self, from: Data(#"{"at":"yesterday"}"#.utf8)) }
    }
}
