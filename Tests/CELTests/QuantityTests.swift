import Testing

@testable import CEL

/// The Kubernetes `quantity` library.
struct QuantityTests {
    @Test(arguments: [
        ("1", 1_000_000_000), ("1Gi", 1_073_741_824 * 1_000_000_000), ("500m", 500_000_000), ("1.5", 1_500_000_000),
        ("1e3", 1_000_000_000_000), ("1E3", 1_000_000_000_000), ("2Ki", 2_048_000_000_000), ("-1.5k", -1_500_000_000_000),
        ("100n", 100), ("1u", 1000), ("0.0000000001", 1), ("+3M", 3_000_000_000_000_000), (".5", 500_000_000),
    ] as [(String, Int128)])
    func parsing(text: String, nanos: Int128) throws {
        let quantity = try #require(CELQuantity(parsing: text))
        #expect(quantity.nanos == nanos)
    }

    @Test(arguments: ["", "Gi", "1.2.3", "1Gb", "1 Gi", "--1", "1e", "1ee3", "abc", "1e100", "99999999999999999999Ei"])
    func rejectsMalformed(text: String) {
        #expect(CELQuantity(parsing: text) == nil)
    }

    @Test func functions() {
        expectTrue([
            "quantity('1Gi').isGreaterThan(quantity('1G'))", "quantity('500m').isLessThan(quantity('1'))",
            "quantity('1k').compareTo(quantity('1000')) == 0", "quantity('1000m') == quantity('1')",
            "quantity('2').asInteger() == 2", "quantity('1.5').asApproximateFloat() == 1.5",
            "!quantity('1.5').isInteger()", "quantity('-3').sign() == -1", "quantity('1').add(quantity('500m')) == quantity('1.5')",
            "quantity('1').add(2) == quantity('3')", "quantity('1').sub(quantity('1')).sign() == 0",
            "isQuantity('1Mi')", "!isQuantity('1MB')", "type(quantity('1')) == type(quantity('2'))",
        ])
        expectErrors([
            ("quantity('1MB')", "quantities must match"), ("quantity('1.5').asInteger()", "cannot convert"),
            ("quantity('1').isLessThan(1)", "no such overload"),
        ])
    }
}
