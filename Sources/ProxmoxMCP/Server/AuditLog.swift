import Foundation
import Logging
import MCP
import ProxmoxCore
import Synchronization

/// One JSON line per changing tool call, appended to a file the operator chose. Each line is
/// written with a single `write(2)` on an `O_APPEND` descriptor, so a crash loses at most the line
/// being written and never interleaves two.
public final class AuditLog: Sendable {
    /// Argument names whose values are secret, at any depth (`set: {cipassword: …}` included): the
    /// command options ``Redaction`` hides, also spelled with `_` as tool arguments are.
    /// Plus the cloud-init tool's `ssh_keys` (a list).
    static let secretArguments = Redaction.secretOptions.union(Redaction.secretOptions.map { $0.replacingOccurrences(of: "-", with: "_") })
        .union(["ssh_keys"])

    public let path: String
    private let descriptor: Int32
    private let lock = Mutex(())
    private let logger: Logger

    /// Opens (creating with mode 600) the file for appending.
    public init(path: String, logger: Logger) throws(ConfigurationError) {
        // A first run makes the log's folder (private to the user), as a state directory is expected to be.
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o700])
        }
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ConfigurationError(problems: ["auditLog \(path) cannot be opened for appending: \(String(cString: strerror(errno)))"])
        }
        self.path = path
        self.descriptor = descriptor
        self.logger = logger
    }

    deinit { close(descriptor) }

    /// What one call did, as the audit line records it.
    public struct Entry: Sendable {
        public var tool: String
        public var arguments: [String: Value]
        /// `ok`, `dry_run`, `refused` or `error`.
        public var outcome: String
        public var transport: String?
        public var commands: [Command]
        public var message: String?
        public var upid: String?
        public var taskStatus: String?
        public var taskExitStatus: String?
    }

    /// Appends the entry; a failed write is logged (the call's result stands).
    public func append(_ entry: Entry, at time: Date = Date()) {
        let secrets = Self.secretValues(in: .object(entry.arguments))
        var line: [String: Value] = [
            "time": .string(time.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))),
            "tool": .string(entry.tool),
            "arguments": Self.redacted(.object(entry.arguments)),
            "outcome": .string(entry.outcome),
            "commands": .array(entry.commands.map { .string(Redaction.commandLine($0, secrets: secrets)) }),
        ]
        if let transport = entry.transport { line["transport"] = .string(transport) }
        if let message = entry.message { line["message"] = .string(Redaction.redact(message, secrets: secrets)) }
        if let upid = entry.upid { line["upid"] = .string(upid) }
        if let status = entry.taskStatus { line["taskStatus"] = .string(status) }
        if let exitStatus = entry.taskExitStatus { line["taskExitStatus"] = .string(exitStatus) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var data = try? encoder.encode(Value.object(line)) else { return }
        data.append(UInt8(ascii: "\n"))
        let written = lock.withLock { _ in
            data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        }
        if written != data.count {
            logger.error("audit log \(path) could not be written: \(String(cString: strerror(errno)))")
        }
    }

    /// The arguments with every secret value replaced by the redaction marker.
    static func redacted(_ value: Value) -> Value {
        switch value {
        case let .object(fields):
            .object(Dictionary(uniqueKeysWithValues: fields.map { key, field in
                (key, secretArguments.contains(key.lowercased()) ? .string(Redaction.marker) : redacted(field))
            }))
        case let .array(items): .array(items.map(redacted))
        default: value
        }
    }

    /// The secret values among the arguments, for redacting command lines and messages.
    static func secretValues(in value: Value) -> [String] {
        switch value {
        case let .object(fields):
            fields.flatMap { key, field in
                secretArguments.contains(key.lowercased())
                    ? (field.stringValue.map { [$0] } ?? field.arrayValue?.compactMap(\.stringValue) ?? []) : secretValues(in: field)
            }
        case let .array(items): items.flatMap(secretValues)
        default: []
        }
    }
}
