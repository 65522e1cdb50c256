import Foundation

/// The one place that turns a failed command's output into a ``ProxmoxError``.
///
/// Proxmox tools print Perl `die` messages on stderr: usually one line, sometimes an HTTP-style
/// `NNN message` followed by `param: error` lines and a usage block, sometimes lock chatter
/// (`trying to acquire lock...`) before the real error. The exit status is 255 for most errors but
/// may be any non-zero value, so only zero versus non-zero is meaningful (PROXMOX-CLI-NOTES §2).
public enum ErrorClassifier {
    /// The longest message kept; Proxmox errors are short, anything longer is noise.
    static let maximumLength = 400

    /// Classifies a command that exited non-zero.
    public static func classify(_ command: Command, _ output: CommandOutput) -> ProxmoxError {
        let lines = output.stderrText.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        if output.exitStatus == 127,
           lines.contains(where: { $0.contains("command not found") || $0.contains("No such file or directory") }) {
            return .commandNotFound(program: command.program)
        }
        return .commandFailed(command: command.program, exitStatus: output.exitStatus,
                              message: message(from: lines) ?? "no error message on stderr")
    }

    /// The meaningful part of stderr, on one line.
    static func message(from lines: [String]) -> String? {
        // Skip lock chatter and blank lines before the error.
        var remaining = lines.drop { $0.isEmpty || $0.hasPrefix("trying to acquire lock") || $0 == "OK" }
        guard let first = remaining.popFirst() else { return nil }
        var parts = [stripPerlLocation(first)]
        // An HTTP-style exception lists field errors (`param: message`) until a blank line or the usage.
        if isHTTPStyle(first) {
            for line in remaining {
                if line.isEmpty || line.hasPrefix("USAGE:") || line.hasPrefix("pvesh ") || line.hasPrefix("qm ")
                    || line.hasPrefix("pct ") { break }
                parts.append(stripPerlLocation(line))
            }
        }
        let joined = parts.joined(separator: "; ")
        return joined.count > maximumLength ? String(joined.prefix(maximumLength)) + "…" : joined
    }

    static func isHTTPStyle(_ line: String) -> Bool {
        let bytes = Array(line.utf8.prefix(4))
        return bytes.count == 4 && bytes[0...2].allSatisfy { (48...57).contains($0) } && bytes[3] == 32
    }

    /// Removes Perl's ` at /usr/share/perl5/PVE/....pm line 123.` suffix: it helps no user.
    static func stripPerlLocation(_ line: String) -> String {
        guard let range = line.range(of: " at /", options: .backwards),
              line[range.upperBound...].contains(" line ") else { return line }
        return String(line[..<range.lowerBound])
    }
}
