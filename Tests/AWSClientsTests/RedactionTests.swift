import TestSupport
import Testing

@testable import AWSHTTP

/// The scans that take addresses and numbers out of AWS error text, against the regular expressions they replace
/// (kept here as the reference): the same output for every string tried.
@Suite("Redaction of addresses and numbers in AWS text")
struct RedactionTests {
    static let alphabet: [Character] = [
        "a", "b", "@", "@", "1", "2", "9", " ", "-", "+", "<", ">", ".", ":", "(", "é", "\u{0663}", "\u{00A0}", "\t", "\"",
    ]

    @Test("the scans agree with the regular expressions on 20,000 seeded strings")
    func agreesWithRegex() {
        var generator = SplitMix64(seed: 20261205)
        for _ in 0..<20_000 {
            let length = Int(generator.next() % 32)
            let text = String((0..<length).map { _ in Self.alphabet[Int(generator.next() % UInt64(Self.alphabet.count))] })
            let address = text.replacing(/[^\s<>"'(),;:\[\]]+@[^\s<>"'(),;:\[\]]+/, with: "<address>")
            #expect(redactingAddresses(text) == address, "\(text.debugDescription)")
            #expect(redactingNumbers(address) == address.replacing(/\+?\d[\d \-]{6,}\d/, with: "<number>"), "\(address.debugDescription)")
        }
    }

    @Test(
        "what AWS quotes",
        arguments: [
            ("Email address is not verified: jane.doe+x@example.com.", "Email address is not verified: <address>"),
            (
                "Invalid parameter: PhoneNumber Reason: +1 555-555-0100 is not valid",
                "Invalid parameter: PhoneNumber Reason: <number> is not valid"
            ),
            ("Rate exceeded for 12345 requests", "Rate exceeded for 12345 requests"),
        ])
    func quoted(text: String, expected: String) {
        #expect(sanitizedAWSText(text, redacting: []) == expected)
    }
}
