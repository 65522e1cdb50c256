/// The one place where an argv becomes a line for the remote shell.
///
/// sshd hands the exec request to the login user's shell (`$SHELL -c <line>`), so every element is
/// quoted for POSIX sh: plain words stay as they are for readability, everything else is wrapped in
/// single quotes, inside which the shell interprets nothing; a single quote itself is written `'\''`.
/// NUL cannot be passed through an exec request at all, so intents refuse it before a command exists.
public enum ShellQuoting {
    /// Quotes one argument.
    public static func quote(_ argument: String) -> String {
        if !argument.isEmpty, argument.utf8.allSatisfy(isPlain) {
            return argument
        }
        return "'" + argument.replacingAll("'", with: "'\\''") + "'"
    }

    /// Quotes every element and joins them with spaces.
    public static func commandLine(_ argv: [String]) -> String {
        argv.map(quote).joined(separator: " ")
    }

    /// Bytes that no POSIX shell treats specially anywhere in a word.
    private static func isPlain(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: ":"),
             UInt8(ascii: "@"), UInt8(ascii: "%"), UInt8(ascii: "+"), UInt8(ascii: ","):
            true
        default:
            false
        }
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        result.reserveCapacity(utf8.count)
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
