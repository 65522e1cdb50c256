import Foundation
import ProxmoxCore
import Testing
import TestSupport

@Suite struct ShellQuotingTests {
    @Test func plainWordsStayBare() {
        #expect(ShellQuoting.commandLine(["pvesh", "get", "/cluster/resources", "--type", "vm", "--output-format", "json"])
            == "pvesh get /cluster/resources --type vm --output-format json")
    }

    @Test func everythingElseIsSingleQuoted() {
        #expect(ShellQuoting.quote("") == "''")
        #expect(ShellQuoting.quote("a b") == "'a b'")
        #expect(ShellQuoting.quote("it's") == "'it'\\''s'")
        #expect(ShellQuoting.quote("$(reboot)") == "'$(reboot)'")
        #expect(ShellQuoting.quote("x;y") == "'x;y'")
        #expect(ShellQuoting.quote("*") == "'*'")
        #expect(ShellQuoting.quote("~root") == "'~root'")
        #expect(ShellQuoting.quote("naïve") == "'naïve'")
        #expect(ShellQuoting.quote("'\u{301}x") == "''\\''\u{301}x'")
    }

    /// The quoted line, run by a real POSIX shell, must hand the program exactly the argv intended.
    @Test(arguments: [
        ["plain"], [""], ["two words"], ["it's"], ["'"], ["''"], ["\"double\""], ["back\\slash"],
        ["$HOME", "${PATH}", "$(id)", "`id`"], ["a;b", "a&&b", "a|b", "a>b", "<a"], ["*", "?", "[a-z]", "~"],
        ["line\nbreak", "tab\there", "\r"], ["--force", "-rf", "-"], ["ünïcødé ✓", "日本語"],
        [String(repeating: "x'y", count: 2000)], ["#comment", "!bang", "{a,b}", "%s", "\\n"],
        // A quote followed by a combining mark is one Character: it must still be escaped.
        ["'\u{301}; echo INJECTED; '"], ["x'\u{20DD}y", "'\u{FE0F}", "e\u{301}"],
    ])
    func survivesARealShell(_ arguments: [String]) throws {
        let line = ShellQuoting.commandLine(["printf", "%s\\0"] + arguments)
        let result = try Subprocess.run("/bin/sh", ["-c", line])
        var received = result.stdout.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
        #expect(received.removeLast() == "")
        // Bytes, not Strings: Swift compares Strings by canonical equivalence ("é" == "e\u{301}").
        #expect(received.map { Array($0.utf8) } == arguments.map { Array($0.utf8) })
    }
}
