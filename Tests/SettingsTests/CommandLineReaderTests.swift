import Testing

@testable import Settings

@Suite("CommandLineReader: flags, their values and switches, in order")
struct CommandLineReaderTests {
    @Test("flags and switches come in order, each value after its flag; a flag at the end has none")
    func order() throws {
        var reader = CommandLineReader(["--port", "0", "--verbose", "--state"])
        #expect(reader.next() == "--port")
        #expect(try reader.value(of: "--port") == "0")
        #expect(reader.next() == "--verbose")
        #expect(reader.next() == "--state")
        #expect(throws: SettingsError.invalid("--state", "needs a value")) { try reader.value(of: "--state") }
        #expect(reader.next() == nil)
        #expect(SettingsError.invalid("--state", "needs a value").description == "--state needs a value")
    }

    @Test("help is asked for by --help or -h anywhere, and only by them")
    func help() {
        #expect(CommandLineReader.asksForHelp(["--port", "1", "-h"]))
        #expect(CommandLineReader.asksForHelp(["--help"]))
        #expect(!CommandLineReader.asksForHelp(["--port", "--helpful"]))
    }
}
