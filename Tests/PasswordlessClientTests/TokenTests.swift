import Foundation
import PasswordlessClient
import TestSupport
import Testing

/// Tokens after sign-in: kept in the store between launches, refreshed before they expire, forgotten when the pool
/// revokes them; never shown.
@Suite("PasswordlessClient: tokens")
struct TokenTests {
    /// Signs `phone` in through `client`, an account made first.
    func signedIn(_ client: PasswordlessClient, _ endpoint: LocalEndpoint, _ phone: String, make: Bool = true) async throws {
        if make { try await endpoint.makeAccount(phone, ["phone_number_verified": "true"]) }
        _ = try await client.signIn(phone)
        #expect(try await client.answer(try #require(endpoint.code(to: phone))) == .signedIn)
    }

    @Test("a new client on the same store, as after a restart, has the tokens without asking the pool")
    func kept() async throws {
        let endpoint = try await LocalEndpoint.start()
        defer { endpoint.stop() }
        let first = makeClient(endpoint)
        try await signedIn(first, endpoint, "+15555550110")
        let tokens = try await first.tokens()
        endpoint.stop()
        #expect(try await makeClient(endpoint).tokens() == tokens)
    }

    @Test("refreshMargin: tokens due within it are refreshed by tokens(); others are not")
    func margin() async throws {
        let endpoint = try await LocalEndpoint.start()
        defer { endpoint.stop() }
        let eager = makeClient(endpoint) { $0.refreshMargin = 3600 }
        try await signedIn(eager, endpoint, "+15555550111")
        let stored = try FileTokenStore(path: endpoint.work + "/app/tokens.json").load()
        let first = try await eager.tokens()
        let second = try await eager.tokens()
        #expect(first.accessToken != stored?.accessToken && second.accessToken != first.accessToken)
        #expect(try FileTokenStore(path: endpoint.work + "/app/tokens.json").load() == second, "the refreshed tokens are stored")
        let lazy = makeClient(endpoint)
        #expect(try await lazy.tokens() == second)
    }

    @Test("GlobalSignOut on one device: the other's refresh is refused, and its tokens are forgotten")
    func everywhere() async throws {
        let endpoint = try await LocalEndpoint.start()
        defer { endpoint.stop() }
        let phone = "+15555550112"
        let phoneApp = makeClient(endpoint, tokens: "phone.json")
        let laptop = makeClient(endpoint, tokens: "laptop.json")
        try await signedIn(phoneApp, endpoint, phone)
        try await signedIn(laptop, endpoint, phone, make: false)
        try await phoneApp.signOut(everywhere: true)
        let error = await #expect(throws: PasswordlessError.self) { try await laptop.tokens(forceRefresh: true) }
        #expect(error?.code == .notSignedIn && error?.cognitoType == "NotAuthorizedException")
        #expect(!FileManager.default.fileExists(atPath: endpoint.work + "/app/laptop.json"))
    }

    @Test("RevokeToken on one device leaves the other's sign-in working")
    func revokeOne() async throws {
        let endpoint = try await LocalEndpoint.start()
        defer { endpoint.stop() }
        let phone = "+15555550113"
        let phoneApp = makeClient(endpoint, tokens: "phone.json")
        let laptop = makeClient(endpoint, tokens: "laptop.json")
        try await signedIn(phoneApp, endpoint, phone)
        try await signedIn(laptop, endpoint, phone, make: false)
        try await phoneApp.signOut()
        let refreshed = try await laptop.tokens(forceRefresh: true)
        #expect(try await endpoint.call("GetUser", ["AccessToken": refreshed.accessToken]).status == 200)
    }

    @Test("a refresh token past its 30 days: .notSignedIn, and the tokens are forgotten")
    func expiredRefreshToken() async throws {
        let endpoint = try await LocalEndpoint.start()
        defer { endpoint.stop() }
        let client = makeClient(endpoint)
        try await signedIn(client, endpoint, "+15555550114")
        try endpoint.moveClock(ahead: 31 * 86_400)
        let error = await #expect(throws: PasswordlessError.self) { try await client.tokens(forceRefresh: true) }
        #expect(error?.code == .notSignedIn && error?.detail == "Refresh Token has expired")
        let again = await #expect(throws: PasswordlessError.self) { try await client.tokens() }
        #expect(again?.code == .notSignedIn && again?.cognitoType == nil)
    }

    @Test("offline, a refresh that cannot reach the pool returns tokens that have not expired")
    func offline() async throws {
        let endpoint = try await LocalEndpoint.start()
        defer { endpoint.stop() }
        let client = makeClient(endpoint)
        try await signedIn(client, endpoint, "+15555550115")
        let tokens = try await client.tokens()
        endpoint.stop()
        #expect(try await client.tokens(forceRefresh: true) == tokens)
        // Signing out offline forgets them anyway, and says the pool did not hear of it.
        let error = await #expect(throws: PasswordlessError.self) { try await client.signOut() }
        #expect(error?.code == .network)
        let after = await #expect(throws: PasswordlessError.self) { try await client.tokens() }
        #expect(after?.code == .notSignedIn)
    }

    @Test("a refresh while a new sign-in waits for its code leaves that sign-in waiting")
    func refreshDuringSignIn() async throws {
        let endpoint = try await LocalEndpoint.start()
        defer { endpoint.stop() }
        let client = makeClient(endpoint)
        try await signedIn(client, endpoint, "+15555550116")
        let other = "+15555550117"
        try await endpoint.makeAccount(other, ["phone_number_verified": "true"])
        #expect(try await client.signIn(other) == .enterCode(smsPrompt()))
        _ = try await client.tokens(forceRefresh: true)
        #expect(try await client.answer(try #require(endpoint.code(to: other))) == .signedIn)
    }

    @Test("printing, dumping or interpolating tokens shows none of them")
    func redacted() {
        let tokens = Tokens(
            idToken: "id.secret.1", accessToken: "access.secret.2", refreshToken: "refresh-secret-3",
            expiresAt: Date(timeIntervalSince1970: 0))
        var dumped = ""
        dump(tokens, to: &dumped)
        for shown in ["\(tokens)", String(reflecting: tokens), dumped] {
            #expect(!shown.contains("secret"), "\(shown)")
            #expect(shown.contains("1970"), "\(shown)")
        }
    }
}

/// The file store on Linux: 0600 from the start, in a 0700 directory, never through a link, never open to others.
@Suite("FileTokenStore")
struct FileTokenStoreTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("token-store-\(UUID().uuidString)").path
    let tokens = Tokens(idToken: "i", accessToken: "a", refreshToken: "r", expiresAt: Date(timeIntervalSince1970: 1_900_000_000))

    func mode(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test("saved 0600 in a new 0700 directory, read back, removed; nothing stored is nil")
    func roundTrip() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = FileTokenStore(path: directory + "/app/tokens.json")
        #expect(try store.load() == nil)
        try store.save(tokens)
        #expect(try mode(directory + "/app") == 0o700 && mode(directory + "/app/tokens.json") == 0o600)
        #expect(try store.load() == tokens)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/app") == ["tokens.json"], "no temporary file left")
        try store.remove()
        try store.remove()
        #expect(try store.load() == nil)
    }

    @Test("a link at its path is refused on load and replaced, not followed, on save")
    func link() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let target = directory + "/elsewhere"
        try Data("not tokens".utf8).write(to: URL(fileURLWithPath: target))
        try FileManager.default.createSymbolicLink(atPath: directory + "/tokens.json", withDestinationPath: target)
        let store = FileTokenStore(path: directory + "/tokens.json")
        #expect(throws: (any Error).self) { try store.load() }
        try store.save(tokens)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "not tokens")
        #expect(try store.load() == tokens)
    }

    @Test("a file others may read is refused, not read")
    func openToOthers() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = FileTokenStore(path: directory + "/tokens.json")
        try store.save(tokens)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: store.path)
        let error = #expect(throws: (any Error).self) { try store.load() }
        #expect(String(describing: error).contains("open to other users"))
    }
}
