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
        return text
    }
}
