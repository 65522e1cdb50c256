/// The exact inverse of ``ShellQuoting/commandLine(_:)``: a command line back into its argv, for
/// the host-side guard. Only what the quoting function can produce is accepted: words of plain
/// bytes and single-quoted words (with `'\''` for a quote), separated by one space. Anything a
/// shell would interpret otherwise (`;`, `|`, `&`, `$`, backticks, redirections, globs, double
/// quotes, backslashes, newlines, several spaces) is refused, naming what was found.
public enum GuardLine {
    public static func argv(_ line: String) throws(GuardRefusal) -> [String] {
        let bytes = Array(line.utf8)
        guard !bytes.isEmpty else { throw GuardRefusal("an empty command (an interactive login is not allowed)") }
        var argv: [String] = []
        var index = 0
        while index < bytes.count {
            var word: [UInt8] = []
            var quotedAny = false
            // One word: plain bytes and quoted runs, glued (`'\''` is quote, backslash-quote, quote).
            while index < bytes.count && bytes[index] != UInt8(ascii: " ") {
                let byte = bytes[index]
                if byte == UInt8(ascii: "'") {
                    index += 1
                    guard let close = bytes[index...].firstIndex(of: UInt8(ascii: "'")) else {
                        throw GuardRefusal("an unbalanced single quote")
                    }
                    word += bytes[index..<close]
                    quotedAny = true
                    index = close + 1
                } else if byte == UInt8(ascii: "\\") && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "'") && quotedAny
                            && index + 2 < bytes.count && bytes[index + 2] == UInt8(ascii: "'") {
                    word.append(UInt8(ascii: "'"))
                    index += 2
                } else if ShellQuoting.isPlain(byte) {
                    word.append(byte)
                    index += 1
                } else {
                    throw GuardRefusal("shell syntax (\(describe(byte))), which the server never sends")
                }
            }
            guard !word.isEmpty || quotedAny else { throw GuardRefusal("two spaces in a row or a leading space, which the server never sends") }
            guard let text = String(validating: word, as: UTF8.self) else { throw GuardRefusal("an argument that is not UTF-8") }
            argv.append(text)
            if index < bytes.count {
                index += 1
                guard index < bytes.count else { throw GuardRefusal("a trailing space, which the server never sends") }
            }
        }
        // The canonical form only: what the quoting function makes of this argv must be the line itself.
        guard ShellQuoting.commandLine(argv) == line else { throw GuardRefusal("quoting the server never produces") }
        return argv
    }

    static func describe(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"): "a newline"
        case UInt8(ascii: "`"): "a backtick"
        case UInt8(ascii: "$"): "'$'"
        case 0..<32, 127: "a control character"
        default: "'\(Character(Unicode.Scalar(byte)))'"
        }
    }
}

/// Why the guard refused a command: one line, for stderr and the host's log.
public struct GuardRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
