import Testing
@testable import VAECommands

@Suite struct ConsoleTests {
    /// A file name with an escape sequence or a newline cannot clear the screen or forge a
    /// line of output: control characters are printed as escapes.
    @Test func controlCharactersInNamesAreEscaped() {
        #expect(Console.escaped("pic\u{1B}[2J\nSkipped x.png") == "pic\\u{1b}[2J\\u{a}Skipped x.png")
        #expect(Console.escaped("shirts/été.png") == "shirts/été.png")
        #expect(Console.escaped("a\u{202E}gnp.exe") == "a\\u{202e}gnp.exe")
    }
}
