import Testing

@testable import Settings

/// The text search the triggers use instead of the standard library's string processing: the same answers as
/// `firstRange(of:)`, `contains(_:)` and `replacing(_:with:)`, which these tests may still call.
@Suite("Text search by characters")
struct TextSearchTests {
    /// Texts and patterns where a search by bytes and one by characters differ (a combining accent after the
    /// match, a precomposed letter against a decomposed one, CR LF as one character), plus the plain ASCII cases
    /// that take the byte fast path.
    static let cases: [(text: String, pattern: String)] = [
        ("http://example.com", "://"),
        ("<R><RequestId>abc</RequestId></R>", "<RequestId>"),
        ("<R><RequestId>abc</RequestId></R>", "</RequestId>"),
        ("ThrottlingException", "Throttl"),
        ("aaab", "aab"),
        ("abc", "abc"),
        ("abc", "abcd"),
        ("abc", "c"),
        ("abc", "x"),
        ("", "a"),
        ("", ""),
        ("abc", ""),
        ("{code}\u{301}", "{code}"),
        ("e\u{301}t\u{E9}", "\u{E9}"),
        ("caf\u{E9}", "cafe\u{301}"),
        ("cafe\u{301}", "cafe"),
        ("a\r\nb", "\n"),
        ("a\r\nb", "\r\n"),
        ("🇬🇧🇫🇷", "🇫🇷"),
        ("%20a%20%20", "%20"),
        // ASCII beside non-ASCII and a lone CR: the byte fast path must give way to characters.
        ("plain text", "\u{E9}"),
        ("caf\u{E9} text", "text"),
        ("x\ry", "y"),
        ("x\r\ny", "\ny"),
        ("%20%20", "%20%20%20"),
        ("<a>b</a>", "</a>"),
    ]

    @Test("firstRange(ofText:) finds what firstRange(of:) finds", arguments: cases)
    func firstRange(text: String, pattern: String) {
        let expected = text.firstRange(of: pattern)
        #expect(text.firstRange(ofText: pattern) == expected)
        #expect(text.containsText(pattern) == (expected != nil))
        // On a substring too, with indices into the same string.
        let tail = text.dropFirst()
        #expect(tail.firstRange(ofText: pattern) == tail.firstRange(of: pattern))
    }

    @Test("replacingText gives what replacing gives for every non-empty pattern", arguments: cases.filter { !$0.pattern.isEmpty })
    func replacing(text: String, pattern: String) {
        #expect(text.replacingText(pattern, with: "<x>") == text.replacing(pattern, with: "<x>"))
        #expect(text.replacingText(pattern, with: "") == text.replacing(pattern, with: ""))
    }

    @Test("a few answers spelled out, so the comparison above is not only with itself")
    func spelledOut() {
        let text = "aaab"
        #expect(text.firstRange(ofText: "aab").map { text.distance(from: text.startIndex, to: $0.lowerBound) } == 1)
        #expect(!"{code}\u{301}".containsText("{code}"))
        #expect("caf\u{E9}".containsText("cafe\u{301}"))
        #expect("a%20b%20".replacingText("%20", with: "+") == "a+b+")
        #expect("abc".replacingText("", with: "+") == "abc")
    }
}
