import Testing

@testable import PasswordlessAuth

@Suite("Masking")
struct MaskingTests {
    @Test(
        "phone numbers keep the plus and the last four digits",
        arguments: [
            ("+15555550123", "+*******0123"),
            ("+447700900123", "+********0123"),
            ("+33612345678", "+*******5678"),
            ("+1 555 555 0123", "+*******0123"),
            ("15555550123", "*******0123"),
            ("+12345678", "+****5678"),
        ])
    func phone(input: String, masked: String) {
        #expect(Masking.phone(input) == masked)
    }

    @Test(
        "short phone numbers still hide at least four characters",
        arguments: [
            ("+123456", "+****56"),
            ("+12345", "+****5"),
            ("+1234", "+****"),
            ("+12", "+****"),
            ("", "****"),
        ])
    func shortPhone(input: String, masked: String) {
        #expect(Masking.phone(input) == masked)
    }

    @Test(
        "a masked phone number never shows more than its last four digits", arguments: ["+15555550123", "+447700900123", "+4915112345678"])
    func phoneRevealsLittle(phone: String) {
        let masked = Masking.phone(phone)
        #expect(masked.filter(\.isNumber) == String(phone.suffix(4)))
        #expect(masked.count == phone.count)
    }

    @Test(
        "email addresses keep the first letters and the top-level domain",
        arguments: [
            ("alice@example.com", "a***@e***.com"),
            ("bob@example.org", "b***@e***.org"),
            ("a@b.co", "a***@b***.co"),
            ("alice.smith+otp@mail.example.co.uk", "a***@m***.uk"),
            ("Ünïcødé@exämple.de", "Ü***@e***.de"),
        ])
    func email(input: String, masked: String) {
        #expect(Masking.email(input) == masked)
    }

    @Test(
        "email edge cases",
        arguments: [
            ("alice@localhost", "a***@l***"),  // no dot in the domain
            ("alice", "***"),  // no @ at all
            ("", "***"),
            ("@example.com", "***@e***.com"),  // empty local part
            ("alice@", "a***@***"),  // empty domain
            ("we@ird@example.com", "w***@e***.com"),  // the last @ splits
        ])
    func emailEdgeCases(input: String, masked: String) {
        #expect(Masking.email(input) == masked)
    }

    @Test("a masked email never contains its local part or domain name")
    func emailRevealsLittle() {
        let masked = Masking.email("mallory.secret@hidden-corp.net")
        #expect(!masked.contains("mallory"))
        #expect(!masked.contains("secret"))
        #expect(!masked.contains("hidden"))
    }

    @Test("Channel.mask picks the right masking and Channel.attribute the right attribute")
    func channel() {
        #expect(Channel.sms.mask("+15555550123") == "+*******0123")
        #expect(Channel.email.mask("alice@example.com") == "a***@e***.com")
        #expect(Channel.sms.attribute == "phone_number")
        #expect(Channel.email.attribute == "email")
        #expect(Channel.allCases == [.sms, .email])
    }
}
