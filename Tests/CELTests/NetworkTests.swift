import Testing

@testable import CEL

/// The network library: `ip()`, `cidr()` and their methods.
struct NetworkTests {
    @Test(arguments: [
        ("192.168.0.1", "192.168.0.1"), ("2001:db8::68", "2001:db8::68"), ("2001:DB8:0:0:0:0:0:68", "2001:db8::68"),
        ("::", "::"), ("::1", "::1"), ("1::", "1::"), ("1:0:0:2:0:0:0:3", "1:0:0:2::3"), ("1:0:0:2:0:0:3:4", "1::2:0:0:3:4"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"), ("::ffff:c0a8:1", "::ffff:192.168.0.1"), ("64:ff9b::1.2.3.4", "64:ff9b::102:304"),
    ])
    func parsingAndFormatting(text: String, canonical: String) throws {
        #expect(try #require(CELIPAddress(parsing: text)).description == canonical)
    }

    @Test(arguments: [
        "192.168.0.1.0", "256.1.1.1", "1.2.3", "01.2.3.4", "2001:db8:::68", ":1::", "1:2:3:4:5:6:7:8:9", "1::2::3", "g::1",
        "12345::", "1:2:3:4:5:6:7:", "",
    ])
    func rejectsMalformed(text: String) {
        #expect(CELIPAddress(parsing: text) == nil)
    }

    @Test func functions() {
        expectTrue([
            "string(ip('192.168.0.1')) == '192.168.0.1'", "isIP('192.168.0.1')", "!isIP('192.168.0.1.0')",
            "ip.isCanonical('127.0.0.1')", "!ip.isCanonical('2001:DB8::68')", "type(ip('192.168.0.1')) == net.IP",
            "ip('192.168.0.1').family() == 4", "ip('2001:db8::68').family() == 6", "ip('0.0.0.0').isUnspecified()",
            "ip('::').isUnspecified()", "ip('127.0.0.1').isLoopback()", "ip('::1').isLoopback()",
            "ip('192.168.0.1').isGlobalUnicast()", "!ip('255.255.255.255').isGlobalUnicast()", "!ip('ff00::1').isGlobalUnicast()",
            "ip('224.0.0.1').isLinkLocalMulticast()", "!ip('224.0.1.1').isLinkLocalMulticast()", "ip('ff02::1').isLinkLocalMulticast()",
            "ip('169.254.169.254').isLinkLocalUnicast()", "ip('fe80::1').isLinkLocalUnicast()", "!ip('fd80::1').isLinkLocalUnicast()",
            "ip('::ffff:c0a8:1') == ip('192.168.0.1')", "ip('2001:db8::1') == ip('2001:DB8::1')", "ip('::') != ip('::ffff')",
            "type(cidr('192.168.0.0/24')) == net.CIDR", "cidr('192.168.0.0/24').containsIP(ip('192.168.0.1'))",
            "!cidr('192.168.0.0/24').containsIP('192.168.1.1')", "cidr('192.168.0.0/24').containsCIDR(cidr('192.168.0.1/32'))",
            "!cidr('192.168.0.0/24').containsCIDR('192.168.0.0/23')", "cidr('10.0.0.0/8').containsCIDR('10.0.0.0/8')",
            "!cidr('2001:db8::/32').containsIP(ip('192.168.1.1'))", "cidr('2001:db8::/32').containsCIDR(cidr('2001:db8::/33'))",
            "cidr('192.168.0.0/24').ip() == ip('192.168.0.0')", "cidr('192.168.0.1/24').masked() == cidr('192.168.0.0/24')",
            "cidr('192.168.0.0/24').prefixLength() == 24", "string(cidr('2001:db8::/32')) == '2001:db8::/32'",
            "cidr('127.0.0.1/24') == cidr('127.0.0.1/24')", "cidr('2001:db8::/32') != cidr('10.0.0.1/32')", "isCIDR('10.0.0.0/8')",
            "!isCIDR('10.0.0.0/33')",
        ])
        expectErrors([
            ("ip('192.168.0.1.0')", "parse error"), ("ip('fe80::1%en0')", "zone value is not allowed"),
            ("ip('::ffff:192.168.0.1')", "IPv4-mapped IPv6 address is not allowed"), ("isIP(cidr('192.168.0.0/24'))", "no such overload"),
            ("cidr('192.168.0.0/')", "parse error"), ("cidr('fe80::1%en0/24')", "zone value is not allowed"),
            ("cidr('::ffff:192.168.0.1/24')", "IPv4-mapped"), ("ip.isCanonical('127.0.0.1.0')", "parse error"),
        ])
    }
}
