import Foundation

/// One recorded command: what ran and what it left behind. The fixture format of `serve --record`
/// and `serve --replay`, one JSON file per command (see Fixtures/README.md).
public struct Recording: Codable, Equatable, Sendable {
    /// The argv, with secret values replaced by `<redacted>`.
    public var argv: [String]
    /// stdout as UTF-8 text (secrets redacted); `stdoutBase64` instead when it is not UTF-8.
    public var stdout: String?
    public var stdoutBase64: String?
    public var stderr: String?
    public var stderrBase64: String?
    public var exitStatus: Int32
    /// Where it came from, for the reader of a bug report.
    public var source: String?

    public init(argv: [String], output: CommandOutput, source: String?, secrets: [String]) {
        self.argv = Redaction.redact(argv, secrets: secrets)
        (stdout, stdoutBase64) = Self.encode(output.stdout, secrets: secrets)
        (stderr, stderrBase64) = Self.encode(output.stderr, secrets: secrets)
        exitStatus = output.exitStatus
        self.source = source
    }

    /// The output to hand back on replay.
    public var output: CommandOutput {
        CommandOutput(stdout: Self.decode(stdout, stdoutBase64), stderr: Self.decode(stderr, stderrBase64),
                      exitStatus: exitStatus)
    }

    private static func encode(_ bytes: [UInt8], secrets: [String]) -> (String?, String?) {
        guard let text = String(validating: bytes, as: UTF8.self) else { return (nil, Data(bytes).base64EncodedString()) }
        // Secret values the output itself carries (a config's sshkeys, cloud-init's password hash and
        // keys) go too; a JSON answer is written again only when something in it was secret.
        var clean = Redaction.redactLines(text)
        if let json = try? JSONValue.parse(bytes), case let redacted = Redaction.redactDeep(json), redacted != json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            clean = (try? encoder.encode(redacted)).map { String(decoding: $0, as: UTF8.self) + "\n" } ?? clean
        }
        return (Redaction.redact(clean, secrets: secrets), nil)
    }

    private static func decode(_ text: String?, _ base64: String?) -> [UInt8] {
        if let text { return Array(text.utf8) }
        return base64.flatMap { Data(base64Encoded: $0) }.map { Array($0) } ?? []
    }
}

/// Removes secrets from what is recorded or logged.
public enum Redaction {
    /// Options whose values are always secret.
    public static let secretOptions: Set<String> = ["password", "cipassword", "sshkeys", "ssh-public-keys"]
    public static let marker = "<redacted>"

    /// The argv with the values of secret options, and any known secret, replaced.
    public static func redact(_ argv: [String], secrets: [String] = []) -> [String] {
        var result: [String] = []
        var hideNext = false
        for argument in argv {
            if hideNext {
                result.append(marker)
                hideNext = false
                continue
            }
            let name = argument.drop { $0 == "-" }
            if argument.hasPrefix("-"), let equals = name.firstIndex(of: "="), secretOptions.contains(String(name[..<equals])) {
                result.append(String(argument.prefix(argument.count - name.count)) + name[..<equals] + "=" + marker)
                continue
            }
            if argument.hasPrefix("-"), secretOptions.contains(String(name)) { hideNext = true }
            result.append(redact(argument, secrets: secrets))
        }
        return result
    }

    /// Keys whose values are secrets wherever they appear in an API answer: passwords, tickets,
    /// an API token's `value`, keys.
    public static let secretKeys: Set<String> = ["password", "cipassword", "ticket", "csrfpreventiontoken", "secret",
                                                 "private-key", "privatekey", "key", "token", "sshkeys"]

    /// An API answer with the text values of secret keys replaced, and the `value` of a new API
    /// token (the object that also names `full-tokenid`).
    public static func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case let .object(fields):
            let token = fields["full-tokenid"] != nil
            return .object(Dictionary(uniqueKeysWithValues: fields.map { key, field in
                let secret = secretKeys.contains(key.lowercased()) || (token && key == "value")
                return (key, secret && field.stringValue != nil ? .string(marker) : redact(field))
            }))
        case let .array(items): return .array(items.map(redact))
        default: return value
        }
    }

    /// Config keys (`qm config`) and cloud-init YAML keys whose values are secrets.
    static let secretLineKeys = ["cipassword:", "sshkeys:", "password:"]

    /// Text with the values of secret lines replaced: `cipassword: ...` and `sshkeys: ...` of a
    /// config, `password: ...` and the `- ssh-ed25519 AAAA...` keys of cloud-init user data.
    public static func redactLines(_ text: String) -> String {
        guard secretLineKeys.contains(where: text.contains) || text.contains("- ssh-") || text.contains("- ecdsa-") || text.contains("- sk-") else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let body = line.drop { $0 == " " }
            let indent = String(line.prefix(line.count - body.count))
            if let key = secretLineKeys.first(where: { body.hasPrefix($0) }) { return indent + key + " " + marker }
            if ["- ssh-", "- ecdsa-", "- sk-"].contains(where: { body.hasPrefix($0) }) { return indent + "- " + marker }
            return String(line)
        }.joined(separator: "\n")
    }

    /// A JSON answer with secret keys redacted and secret lines inside its strings too.
    public static func redactDeep(_ value: JSONValue) -> JSONValue {
        func lines(_ value: JSONValue) -> JSONValue {
            switch value {
            case let .string(text): .string(redactLines(text))
            case let .array(items): .array(items.map(lines))
            case let .object(fields): .object(fields.mapValues(lines))
            default: value
            }
        }
        return lines(redact(value))
    }

    /// A command as it is shown (results, audit lines): quoted, secret option values and known secrets replaced.
    public static func commandLine(_ command: Command, secrets: [String] = []) -> String {
        ShellQuoting.commandLine(redact(command.argv, secrets: secrets))
    }

    /// The text with every known secret (of at least 4 characters) replaced.
    public static func redact(_ text: String, secrets: [String]) -> String {
        secrets.filter { $0.count >= 4 }.reduce(text) { $0.replacingOccurrences(of: $1, with: marker) }
    }
}
