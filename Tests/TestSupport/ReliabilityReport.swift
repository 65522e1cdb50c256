import Foundation

/// Figures of the reliability suite. Tests record them when `MCP_PROXMOX_RELIABILITY_REPORT` names a
/// file (one JSON line each, appended with one write); `scripts/reliability.sh` sets it, runs the
/// suite and renders docs/reliability.md from the lines with ``markdown(lines:)``.
public enum ReliabilityReport {
    public struct Figure: Codable, Sendable {
        public var section: String
        public var figure: String
        public var value: String
        /// The test that measured it (`--filter` argument).
        public var test: String
    }

    /// The sections in the order the document shows them.
    public static let sections = ["Injection", "Faults", "Bad MCP input", "Secrets", "Leaks", "Parser fuzzing"]

    public static func record(_ section: String, _ figure: String, _ value: CustomStringConvertible, test: String) {
        guard let path = ProcessInfo.processInfo.environment["MCP_PROXMOX_RELIABILITY_REPORT"], !path.isEmpty,
              var line = try? JSONEncoder().encode(Figure(section: section, figure: figure, value: value.description, test: test))
        else { return }
        line.append(UInt8(ascii: "\n"))
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard descriptor >= 0 else { return }
        _ = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
    }

    /// docs/reliability.md from the recorded lines.
    public static func markdown(lines: [Figure], date: String) -> String {
        var text = """
            # Reliability

            Measured by `./scripts/reliability.sh` on \(date): it builds, runs the reliability tests (the suites named
            `Reliability…` plus the secrets test) against a real OpenSSH sshd on 127.0.0.1 with the simulator behind it,
            and writes this file from the figures the tests record. The same tests run in CI (`./scripts/test.sh`), where
            any failure below fails the build. One test alone: `swift build --build-tests`, then
            `.build/debug/mcp-proxmox-adminPackageTests.xctest --testing-library swift-testing --filter TEST`
            (with `MCP_PROXMOX_BIN_DIR=$(swift build --show-bin-path)`).


            """
        for section in sections {
            let figures = lines.filter { $0.section == section }
            guard !figures.isEmpty else { continue }
            text += "## \(section)\n\n| figure | value | test |\n|---|---|---|\n"
            for figure in figures {
                text += "| \(figure.figure) | \(figure.value) | `\(figure.test)` |\n"
            }
            text += "\n"
        }
        text += """
            ## Found by this suite, and fixed

            - **Shell injection through a combining mark.** `ShellQuoting` escaped single quotes Character by
              Character; a quote followed by a combining mark (`'\\u{301}`) is one Character, so it was not escaped
              and ended the quoted word: `'\\u{301}; echo INJECTED; '` ran `echo` on the host. Quoting now works on
              bytes; the injection test's fragments include such pairs, and the quoting unit test has the case.
            - **Arithmetic overflow in the storage parser** (a crash on absurd figures): `available` subtracts with an
              overflow check now. The same pattern in node `free`, and a non-finite CPU count that trapped the text
              rendering, were found on review of the same code and fixed with it.
            - **JSON-RPC answers to malformed lines**: the SDK answered a broken line with a made-up id, took a
              wrong `jsonrpc` for a parse error and reported params of the wrong type as an internal error. Lines
              are now screened first and answered with `-32700`/`-32600`/`-32602` and `"id": null` where the
              specification says so.
            - **A test harness that could block the server**: a server's stderr piped to a test and never read
              filled up after 64 KiB and blocked the server at its next log line; test servers now log to a file.

            """
        return text
    }
}
