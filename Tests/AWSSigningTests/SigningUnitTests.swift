import Testing

@testable import AWSSigning
@testable import Settings

@Suite("AWSSigning")
struct SigningUnitTests {
    @Suite("OpenSSL helpers")
    struct CryptoTests {
        @Test("SHA-256 of known inputs")
        func sha256Vectors() {
            #expect(hexEncoded(sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
            #expect(hexEncoded(sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        }

        @Test("HMAC-SHA256 matches RFC 4231 test case 2")
        func hmacVector() {
            let mac = hmacSHA256(key: Array("Jefe".utf8), data: Array("what do ya want for nothing?".utf8))
            #expect(hexEncoded(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        }

        @Test("hex is lowercase with two digits per byte")
        func hex() {
            #expect(hexEncoded([0x00, 0x0F, 0xA0, 0xFF]) == "000fa0ff")
            #expect(hexEncoded([]) == "")
        }
    }

    @Suite("Credentials and region from the settings")
    struct EnvironmentTests {
        @Test("reads keys and the optional session token")
        func readsCredentials() throws {
            let full = try Credentials(
                SettingsReader([
                    "AWS_ACCESS_KEY_ID": "ASIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "token",
                ]))
            #expect(full == Credentials(accessKeyId: "ASIAEXAMPLE", secretAccessKey: "secret", sessionToken: "token"))
            let noToken = try Credentials(
                SettingsReader([
                    "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "  ",
                ]))
            #expect(noToken.sessionToken == nil)
        }

        @Test(
            "a missing or empty variable is an error naming it",
            arguments: [
                ([:], "AWS_ACCESS_KEY_ID"),
                (["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "s"], "AWS_ACCESS_KEY_ID"),
                (["AWS_ACCESS_KEY_ID": "AKIA"], "AWS_SECRET_ACCESS_KEY"),
                (["AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": ""], "AWS_SECRET_ACCESS_KEY"),
            ] as [([String: String], String)])
        func missingVariable(env: [String: String], name: String) {
            #expect(throws: SettingsError.missing(name)) { try Credentials(SettingsReader(env)) }
            #expect(SettingsError.missing(name).description.hasPrefix(name + " "))
        }

        @Test("description, debugDescription and dump never show the secret or the token")
        func redaction() {
            let credentials = Credentials(
                accessKeyId: "ASIAQWERTYUIOP", secretAccessKey: "SECRETSECRETSECRET", sessionToken: "TOKENTOKENTOKEN")
            var dumped = ""
            dump(credentials, to: &dumped)
            for text in [credentials.description, credentials.debugDescription, "\(credentials)", dumped] {
                #expect(!text.contains("SECRETSECRETSECRET"))
                #expect(!text.contains("TOKENTOKENTOKEN"))
                #expect(!text.contains("ASIAQWERTYUIOP"))
                #expect(text.contains("ASIA"))
            }
        }

        @Test("region prefers AWS_REGION, then AWS_DEFAULT_REGION, else names AWS_REGION")
        func region() throws {
            #expect(try AWSRegion.read(SettingsReader(["AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "us-east-1"])) == "eu-west-1")
            #expect(try AWSRegion.read(SettingsReader(["AWS_REGION": " ", "AWS_DEFAULT_REGION": "us-east-1"])) == "us-east-1")
            #expect(
                try AWSRegion.read(SettingsReader(["SNS_REGION": "ap-south-1", "AWS_REGION": "eu-west-1"]), override: "SNS_REGION")
                    == "ap-south-1")
            #expect(throws: SettingsError.missing("AWS_REGION")) { try AWSRegion.read(SettingsReader([:])) }
            #expect(throws: SettingsError.self) { try AWSRegion.read(SettingsReader(["AWS_REGION": "EU WEST"])) }
        }
    }

    @Suite("SigV4 details the suite does not cover")
    struct SignerEdgeCases {
        let signer = SigV4Signer(
            credentials: Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            region: "us-east-1", service: "service")
        let emptyHash = hexEncoded(sha256([]))

        func canonicalQuery(_ query: String) -> String {
            let text = SigV4Signer.canonicalRequest(
                method: "GET", path: "/", query: query, headers: [("Host", "h")], payloadHash: emptyHash
            ).text
            return String(text.split(separator: "\n", omittingEmptySubsequences: false)[2])
        }

        @Test("repeated query keys sort by value; a bare key gets an empty value; + is encoded")
        func queryRules() {
            #expect(canonicalQuery("Param1=value2&Param1=Value1") == "Param1=Value1&Param1=value2")
            #expect(canonicalQuery("single") == "single=")
            #expect(canonicalQuery("a=b+c&x=%7e") == "a=b%2Bc&x=~")
            #expect(canonicalQuery("") == "")
        }

        @Test("SigningTime formats UTC with gmtime_r")
        func signingTime() {
            let time = SigningTime(epochSeconds: 1_440_938_160)
            #expect(time.amzDate == "20150830T123600Z")
            #expect(time.dateStamp == "20150830")
            #expect(SigningTime(epochSeconds: 0).amzDate == "19700101T000000Z")
        }

        @Test("sign adds x-amz-content-sha256 only when asked, and signs it then")
        func contentHashOption() {
            let body = Array("Action=Publish".utf8)
            let plain = signer.sign(
                method: "POST", path: "/", headers: [("Host", "h")], body: body, time: SigningTime(epochSeconds: 0))
            #expect(plain.map(\.name) == ["X-Amz-Date", "Authorization"])
            let withHash = signer.sign(
                method: "POST", path: "/", headers: [("Host", "h")], body: body, time: SigningTime(epochSeconds: 0),
                options: SigningOptions(addContentSHA256Header: true))
            #expect(withHash.first { $0.name == "x-amz-content-sha256" }?.value == hexEncoded(sha256(body)))
            #expect(withHash.last?.value.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date,") == true)
        }

        @Test("the session token is signed as x-amz-security-token")
        func sessionToken() {
            let withToken = SigV4Signer(
                credentials: Credentials(accessKeyId: "ASIA", secretAccessKey: "s", sessionToken: "tok/+="),
                region: "us-east-1", service: "sns")
            let headers = withToken.sign(
                method: "POST", path: "/", headers: [("Host", "h")], body: [], time: SigningTime(epochSeconds: 0))
            #expect(headers.map(\.name) == ["X-Amz-Date", "X-Amz-Security-Token", "Authorization"])
            #expect(headers[1].value == "tok/+=")
            #expect(headers[2].value.contains("SignedHeaders=host;x-amz-date;x-amz-security-token,"))
        }

        @Test("unsigned transport headers are left out; an empty header value is kept")
        func skippedHeaders() {
            let canonical = SigV4Signer.canonicalRequest(
                method: "GET", path: "/", query: "",
                headers: [("Host", "h"), ("User-Agent", "x"), ("Expect", "100-continue"), ("X-Empty", "")],
                payloadHash: emptyHash)
            #expect(canonical.signedHeaders == "host;x-empty")
            #expect(canonical.text.contains("\nx-empty:\n"))
        }
    }
}
