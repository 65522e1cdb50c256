import Foundation
import Synchronization

/// Runs commands through another runner and writes each one as a fixture file, so a user can
/// send a recording of a real cluster with a bug report and a maintainer can turn it into a test.
public final class RecordingRunner: CommandRunner {
    private let inner: any CommandRunner
    private let directory: URL
    private let secrets: [String]
    private let source: String
    private let counter = Mutex(0)

    /// - Parameter secrets: values that must never reach a file (passwords, passphrases, tokens).
    public init(recording inner: any CommandRunner, into directory: URL, secrets: [String], source: String) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.inner = inner
        self.directory = directory
        self.secrets = secrets
        self.source = source
        // Continue numbering after files already there.
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        counter.withLock { $0 = existing.compactMap { Int($0.prefix(4)) }.max() ?? 0 }
    }

    public func run(_ command: Command) async throws -> CommandOutput {
        let output = try await inner.run(command)
        let recording = Recording(argv: command.argv, output: output, source: source, secrets: secrets)
        let number = counter.withLock { value in
            value += 1
            return value
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let name = String(format: "%04d-", number) + Self.slug(recording.argv) + ".json"
        try encoder.encode(recording).write(to: directory.appendingPathComponent(name), options: .atomic)
        return output
    }

    /// `pvesh-get-nodes-pve1-qemu` from the program, verb and path words.
    static func slug(_ argv: [String]) -> String {
        let words = argv.prefix(3).flatMap { $0.split(whereSeparator: { !$0.isLetter && !$0.isNumber }) }
        return String(words.joined(separator: "-").prefix(60))
    }
}

/// Answers commands from a directory of recordings; a command that was not recorded is an error
/// that names it. Repeated commands replay their recordings in order, then the last one again.
public final class ReplayRunner: CommandRunner {
    private let directory: String
    private let queues: Mutex<[[String]: [Recording]]>

    public convenience init(directory: URL) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        var recordings: [Recording] = []
        for name in names {
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            do {
                recordings.append(try JSONDecoder().decode(Recording.self, from: data))
            } catch {
                throw ProxmoxError.transport("replay: \(name) in \(directory.path) is not a recording (\(error))")
            }
        }
        self.init(recordings, origin: directory.path)
    }

    /// Answers from recordings held in memory (a test's real outputs); `origin` names them in errors.
    public init(_ recordings: [Recording], origin: String) {
        directory = origin
        queues = Mutex(Dictionary(grouping: recordings, by: \.argv))
    }

    public func run(_ command: Command) async throws -> CommandOutput {
        let key = Redaction.redact(command.argv)
        let recording = queues.withLock { queues -> Recording? in
            guard var queue = queues[key], let first = queue.first else { return nil }
            if queue.count > 1 { queue.removeFirst() }
            queues[key] = queue
            return first
        }
        guard let recording else {
            throw ProxmoxError.transport("replay: `\(ShellQuoting.commandLine(key))` was not recorded in \(directory)")
        }
        return recording.output
    }
}
