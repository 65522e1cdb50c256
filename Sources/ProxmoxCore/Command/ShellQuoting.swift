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
    static func isPlain(_ byte: UInt8) -> Bool {
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
    /// Replaces every occurrence of one ASCII byte. Byte-wise on purpose: a quote followed by a
    /// combining mark is one `Character` ("'\u{301}"), which a Character-wise comparison would miss,
    /// leaving a bare quote that ends the quoted word early.
    func replacingAll(_ target: Character, with replacement: String) -> String {
        guard let byte = target.asciiValue else { return self }
        var result: [UInt8] = []
        result.reserveCapacity(utf8.count + 8)
        for element in utf8 {
            if element == byte { result += replacement.utf8 } else { result.append(element) }
        }
        return String(decoding: result, as: UTF8.self)
    }
}
