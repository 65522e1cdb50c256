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
    }

    /// The quoted line, run by a real POSIX shell, must hand the program exactly the argv intended.
    @Test(arguments: [
        ["plain"], [""], ["two words"], ["it's"], ["'"], ["''"], ["\"double\""], ["back\\slash"],
        ["$HOME", "${PATH}", "$(id)", "`id`"], ["a;b", "a&&b", "a|b", "a>b", "<a"], ["*", "?", "[a-z]", "~"],
        ["line\nbreak", "tab\there", "\r"], ["--force", "-rf", "-"], ["ünïcødé ✓", "日本語"],
        [String(repeating: "x'y", count: 2000)], ["#comment", "!bang", "{a,b}", "%s", "\\n"],
    ])
    func survivesARealShell(_ arguments: [String]) throws {
        let line = ShellQuoting.commandLine(["printf", "%s\\0"] + arguments)
        let result = try Subprocess.run("/bin/sh", ["-c", line])
        var received = result.stdout.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
        #expect(received.removeLast() == "")
        #expect(received == arguments)
    }
}
