import Foundation
import Logging
import MCP
import ProxmoxCore
import ProxmoxMCP
import SSHClient
import Testing
import TestSupport

/// Hostile strings in every free-text and name argument of the changing tools, through the tool
/// layer, the engine, the quoting, libssh2, a real sshd and the remote shell, to the simulator's
/// argv recorder. For every case, what arrives must be exactly what the server intended (its audit
/// log's command lines), and a refused case must run nothing.
@Suite(.serialized) struct ReliabilityInjectionTests {
    static let cases = 10_000
    static let workers = 8

    /// Pieces shells, option parsers and Unicode treat specially.
    static let fragments: [String] = [
        "'", "\"", "`", ";", "&&", "||", "|", "$(", ")", "${", "}", "$HOME", "\\", "\n", "\r", "\t", "\0", "*", "?",
        "[a-z]", "~", "!", "#", ">", "<", ">>", "%s", "%n", "-", "--", "--force", "-rf", " ", "=", ",", ":", "/",
        "é", "e\u{301}", "'\u{301}", "\"\u{302}", "漢字", "🔥", "\u{202E}", "\u{200B}", "\u{FEFF}", "\u{7F}", "\u{1B}[31m",
        "a", "b", "x1", "web", "rm -rf /", "\\'", "'\\''", "$'\\x41'", "{a,b}", "$((1+1))", "<(id)", "2>&1", "&",
    ]

    /// Case `number`'s string: mostly a few fragments; some lead with a dash; some are long.
    static func string(_ number: Int, canary: String) -> String {
        var generator = SeededGenerator(seed: UInt64(number) &* 7919 &+ 17)
        let shape = generator.below(10)
        var text = shape == 0 ? ["-", "--", "--force=", "-rf "][generator.below(4)] : ""
        let count = shape == 1 ? 200 + generator.below(800) : 1 + generator.below(8)
        for _ in 0..<count {
            switch generator.below(40) {
            case 0: text += "$(touch \(canary))"
            case 1: text += "`touch \(canary)`"
            case 2: text += "; touch \(canary); "
            case 3: text += "'; touch \(canary); '"
            default: text += fragments[generator.below(fragments.count)]
            }
        }
        return text
    }

    /// Where each case's string goes: a tool and its arguments, the string in one of them. All
    /// changing tools, so the audit log holds the commands the server meant to run.
    static let targets: [(tool: String, arguments: @Sendable (String) -> [String: Value])] = [
        ("proxmox_vm_config", { ["vmid": 101, "set": ["description": .string($0)], "transport": "ssh"] }),
        ("proxmox_vm_config", { ["vmid": 101, "set": ["description": .string($0)], "transport": "api"] }),
        ("proxmox_vm_config", { ["vmid": 101, "set": ["tags": .string($0)], "transport": "ssh"] }),
        ("proxmox_vm_config", { ["vmid": 101, "set": ["name": .string($0)], "transport": "api"] }),
        ("proxmox_vm_snapshot_create", { ["vmid": 100, "snapshot": "pre-upgrade", "description": .string($0), "transport": "api"] }),
        ("proxmox_ct_snapshot_create", { ["vmid": 203, "snapshot": "base", "description": .string($0), "transport": "ssh"] }),
        ("proxmox_vm_clone", { ["vmid": 100, "newid": 990, "full": true, "target_storage": "nosuch", "description": .string($0), "transport": "ssh"] }),
        ("proxmox_ct_create", { ["vmid": 991, "hostname": "inj", "ostemplate": "local:vztmpl/missing.tar.zst", "password": .string($0), "transport": "ssh"] }),
        ("proxmox_vm_create", { ["vmid": 992, "iso": "local:iso/missing.iso", "description": .string($0), "transport": "api"] }),
        // Names: refused unless the string happens to be a valid name.
        ("proxmox_vm_snapshot_delete", { ["vmid": 101, "snapshot": .string($0), "transport": "ssh", "confirm": true] }),
        ("proxmox_vm_clone", { ["vmid": 100, "newid": 990, "full": true, "target_storage": "nosuch", "name": .string($0)] }),
        ("proxmox_ct_create", { ["vmid": 991, "hostname": .string($0), "ostemplate": "local:vztmpl/missing.tar.zst", "password": "abcdefgh"] }),
        ("proxmox_vm_create", { ["vmid": 992, "iso": .string($0)] }),
        ("proxmox_ct_create", { ["vmid": 991, "hostname": "inj", "ostemplate": .string($0), "password": "abcdefgh"] }),
        ("proxmox_vm_config", { ["vmid": 101, "set": .object([$0: "1"])] }),
        ("proxmox_vm_config", { ["vmid": 101, "delete": [.string($0)]] }),
        ("proxmox_vm_start", { ["vmid": 101, "node": .string($0)] }),
        ("proxmox_vm_clone", { ["vmid": 100, "newid": 990, "target_storage": .string($0)] }),
    ]

    /// The words of a line ``ShellQuoting`` made, as a POSIX shell splits them (bytes, so no
    /// Unicode normalisation creeps in).
    static func words(_ line: String) -> [[UInt8]] {
        var words: [[UInt8]] = []
        var current: [UInt8]?
        var quoted = false
        var escaped = false
        for byte in line.utf8 {
            if quoted {
                if byte == UInt8(ascii: "'") { quoted = false } else { current!.append(byte) }
            } else if escaped {
                current = (current ?? []) + [byte]
                escaped = false
            } else if byte == UInt8(ascii: " ") {
                if let word = current { words.append(word) }
                current = nil
            } else if byte == UInt8(ascii: "'") {
                quoted = true
                current = current ?? []
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else {
                current = (current ?? []) + [byte]
            }
        }
        if let word = current { words.append(word) }
        return words
    }

    /// Reads what was appended to a file since the last call, as lines of bytes.
    final class TailReader {
        let path: String
        var offset: UInt64 = 0
        init(path: String) { self.path = path }

        func newLines() -> [[UInt8]] {
            guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
            defer { try? handle.close() }
            try? handle.seek(toOffset: offset)
            let data = (try? handle.readToEnd()) ?? Data()
            guard let end = data.lastIndex(of: UInt8(ascii: "\n")) else { return [] }
            let complete = data[data.startIndex...end]
            offset += UInt64(complete.count)
            return complete.split(separator: UInt8(ascii: "\n")).map { Array($0) }
        }
    }

    struct Tally {
        var ran = 0
        var refused = 0
        var mismatches: [String] = []
        var dashesAsOptions = 0
    }

    /// What one case is checked against: the host's argv log and the server's audit log.
    struct Logs {
        let argv: TailReader
        let audit: TailReader
    }

    /// Runs one case and checks it: what the server meant to run (its audit line) must be exactly
    /// what arrived on the host (the argv log), and a refused case must have run nothing.
    static func check(_ number: Int, _ text: String, _ tool: String, _ arguments: [String: Value], _ environment: ToolEnvironment,
                      _ logs: Logs, _ tally: inout Tally) async throws {
        let result = await callQuietly(tool, arguments, environment)
        let newAudit = logs.audit.newLines()
        let arrived = try logs.argv.newLines().map { try JSONDecoder().decode([String].self, from: Data($0)) }
            .filter { !($0.first == "pvesh" && $0.dropFirst().first == "get") }
        guard newAudit.count == 1, let entry = try? JSONValue.parse(newAudit[0]) else {
            tally.mismatches.append("case \(number) (\(tool)): \(newAudit.count) audit lines")
            return
        }
        let intended = (entry["commands"]?.arrayValue ?? []).compactMap(\.stringValue).map(words)
        // The audit log redacts passwords; compare the arrived argv the same way.
        let password = arguments["password"]?.stringValue
        let arrivedBytes = arrived.map { argv in
            argv.map { element -> [UInt8] in
                guard let password, password.count >= 4 else { return Array(element.utf8) }
                return Array(Redaction.redact(element, secrets: [password]).utf8)
            }
        }
        if arrivedBytes != intended {
            tally.mismatches.append("case \(number) (\(tool)): intended \(intended.count) commands, arrived \(arrived.count)")
        }
        if intended.isEmpty {
            tally.refused += 1
            if result.isError != true { tally.mismatches.append("case \(number): ran nothing yet succeeded") }
        } else {
            tally.ran += 1
            if text.hasPrefix("-"), arrived.contains(where: { $0.contains { Array($0.utf8) == Array(text.utf8) } }) {
                tally.dashesAsOptions += 1
            }
        }
    }

    /// One sshd with the simulator behind it, audited: where a run's cases go and are checked.
    struct Host {
        let fixture: SSHFixture
        /// The file a command that ran a hostile string would create.
        let canary: String
        let environment: ToolEnvironment
        let logs: Logs

        init() throws {
            fixture = try SSHFixture()
            canary = fixture.server.directory.appendingPathComponent("INJECTED").path
            let auditPath = fixture.server.directory.appendingPathComponent("audit.jsonl").path
            environment = fixture.toolEnvironment(auditLog: try AuditLog(path: auditPath, logger: .init(label: "audit")))
            logs = Logs(argv: TailReader(path: fixture.server.argvLogPath), audit: TailReader(path: auditPath))
        }
    }

    /// One worker: its own sshd and simulated cluster, its cases run one after another.
    static func work(_ worker: Int) async throws -> Tally {
        let host = try Host()
        let (canary, environment, logs) = (host.canary, host.environment, host.logs)
        var tally = Tally()
        for number in stride(from: worker, to: cases, by: workers) {
            let text = string(number, canary: canary)
            let target = targets[number % targets.count]
            try await check(number, text, target.tool, target.arguments(text), environment, logs, &tally)
        }
        if FileManager.default.fileExists(atPath: canary) { tally.mismatches.append("the canary file was created: a command ran") }
        return tally
    }

    /// Every string slot of every changing tool, read from the schemas in tools/list: a string
    /// argument, an array of strings (the string as its element), or a map of strings (the string
    /// as a value). A new argument is in the corpus the moment it is declared.
    static var catalogSlots: [(tool: String, slot: String, arguments: @Sendable (String) -> [String: Value])] {
        ToolCatalog.all.filter { !$0.isReadOnly }.flatMap { definition -> [(tool: String, slot: String, arguments: @Sendable (String) -> [String: Value])] in
            // The tool's golden row with the most arguments is a valid call to put the string into.
            guard let base = Golden.rows.filter({ $0.tool == definition.name }).max(by: { $0.arguments.count < $1.arguments.count })?.arguments else { return [] }
            return definition.properties.keys.sorted().compactMap { name -> (tool: String, slot: String, arguments: @Sendable (String) -> [String: Value])? in
                let property = definition.properties[name]?.objectValue ?? [:]
                guard property["enum"] == nil else { return nil }
                let wrap: @Sendable (String) -> Value
                switch property["type"]?.stringValue {
                case "string": wrap = { .string($0) }
                case "array" where property["items"]?.objectValue?["type"] == "string": wrap = { [.string($0)] }
                case "object" where property["additionalProperties"] != nil: wrap = { ["description": .string($0)] }
                default: return nil
                }
                return (definition.name, name, { text in base.merging([name: wrap(text)]) { $1 } })
            }
        }
    }

    @Test func everyStringSlotOfTheCatalogArrivesExactlyOrNotAtAll() async throws {
        let slots = Self.catalogSlots
        // The corpus covers what the hand-weighted targets above cover, and more.
        let named = Set(slots.map { "\($0.tool).\($0.slot)" })
        for expected in ["proxmox_vm_config.set", "proxmox_ct_create.password", "proxmox_vm_clone.name", "proxmox_ct_config.delete",
                         "proxmox_vm_snapshot_delete.snapshot", "proxmox_vm_start.node", "proxmox_ct_create.net0"] {
            #expect(named.contains(expected), "\(expected) is in the corpus")
        }
        let perSlot = 16
        let host = try Host()
        let (canary, environment, logs) = (host.canary, host.environment, host.logs)
        var tally = Tally()
        for (index, slot) in slots.enumerated() {
            for case_ in 0..<perSlot {
                let number = 100_000 + index * perSlot + case_
                let text = Self.string(number, canary: canary)
                var arguments = slot.arguments(text)
                arguments["transport"] = case_ % 2 == 0 ? "cli" : "api"
                try await Self.check(number, text, slot.tool, arguments, environment, logs, &tally)
            }
        }
        if FileManager.default.fileExists(atPath: canary) { tally.mismatches.append("the canary file was created: a command ran") }
        #expect(tally.mismatches == [], "\(tally.mismatches.prefix(10))")
        #expect(tally.dashesAsOptions == 0)
        #expect(tally.ran > 0 && tally.refused > 0)
        let test = "everyStringSlotOfTheCatalogArrivesExactlyOrNotAtAll"
        ReliabilityReport.record("Injection", "string slots of changing tools, read from the schemas (\(perSlot) strings each)", slots.count, test: test)
        ReliabilityReport.record("Injection", "of those cases: ran exactly as intended; refused before anything ran", "\(tally.ran); \(tally.refused)", test: test)
    }

    @Test func hostileStringsArriveExactlyOrNotAtAll() async throws {
        let started = ContinuousClock.now
        let tallies = try await withThrowingTaskGroup(of: Tally.self) { group in
            for worker in 0..<Self.workers { group.addTask { try await Self.work(worker) } }
            return try await group.reduce(into: [Tally]()) { $0.append($1) }
        }
        let ran = tallies.map(\.ran).reduce(0, +)
        let refused = tallies.map(\.refused).reduce(0, +)
        let mismatches = tallies.flatMap(\.mismatches)
        let dashes = tallies.map(\.dashesAsOptions).reduce(0, +)
        #expect(ran + refused + mismatches.filter { $0.contains("audit lines") }.count == Self.cases)
        #expect(mismatches == [], "\(mismatches.prefix(10))")
        #expect(dashes == 0)
        #expect(ran > 3_500, "many cases must reach the host (\(ran))")
        let seconds = Double((ContinuousClock.now - started).components.seconds)
        let test = "hostileStringsArriveExactlyOrNotAtAll"
        ReliabilityReport.record("Injection", "generated strings tried (\(Self.targets.count) argument slots of 9 changing tools)", Self.cases, test: test)
        ReliabilityReport.record("Injection", "ran on the host, argv identical to the intended argv", ran, test: test)
        ReliabilityReport.record("Injection", "refused before anything ran (names, NUL, multi-line values)", refused, test: test)
        ReliabilityReport.record("Injection", "mismatches (argv differs, or a refused case ran something)", mismatches.count, test: test)
        ReliabilityReport.record("Injection", "leading-dash values that arrived as an option of their own", dashes, test: test)
        ReliabilityReport.record("Injection", "canary commands executed (`$(touch …)`, backticks, `; touch …`)",
                                 mismatches.filter { $0.hasPrefix("the canary") }.count, test: test)
        ReliabilityReport.record("Injection", "wall time (\(Self.workers) sshd hosts in parallel)", "\(Int(seconds)) s", test: test)
    }
}
