import Foundation
import ProxmoxCore
import PVESimulator
import Testing
import TestSupport

/// Property-based fuzzing of every parser: recorded and simulated outputs, mutated structurally
/// (a JSON node swapped for another type, removed, duplicated) and byte-wise (flips, cuts,
/// insertions), plus random documents. Every input must end in a value or a typed error,
/// quickly: no crash, no hang.
@Suite struct ReliabilityParserFuzzTests {
    static let inputsPerParser = 1_000

    static let oddValues: [JSONValue] = [
        .null, .bool(true), .int(0), .int(-1), .int(Int64.max), .int(Int64.min), .double(1e308), .double(-0.0), .double(.nan),
        .string(""), .string("0"), .string("1e999"), .string("-1"), .string("yes"), .string("\u{0}"), .string(String(repeating: "x", count: 5000)),
        .string("UPID:pve1:00000001:00000001:00000001:qmstart:100:root@pam:"), .array([]), .object([:]), .array([.null]),
        .object(["status": .null]),
    ]

    /// A structural mutation of a JSON document: one node replaced, removed or duplicated.
    static func mutate(_ value: JSONValue, _ generator: inout SeededGenerator, depth: Int = 0) -> JSONValue {
        if depth > 0 && generator.below(6) == 0 { return oddValues[generator.below(oddValues.count)] }
        switch value {
        case let .array(items) where !items.isEmpty:
            var items = items
            let index = generator.below(items.count)
            switch generator.below(4) {
            case 0: items.remove(at: index)
            case 1: items.append(items[index])
            default: items[index] = mutate(items[index], &generator, depth: depth + 1)
            }
            return .array(items)
        case let .object(fields) where !fields.isEmpty:
            var fields = fields
            let keys = fields.keys.sorted()
            let key = keys[generator.below(keys.count)]
            switch generator.below(4) {
            case 0: fields[key] = nil
            case 1: fields[key + "_extra"] = oddValues[generator.below(oddValues.count)]
            default: fields[key] = mutate(fields[key]!, &generator, depth: depth + 1)
            }
            return .object(fields)
        default:
            return oddValues[generator.below(oddValues.count)]
        }
    }

    /// A byte-level mutation: flips, cuts, insertions of JSON-ish or binary fragments.
    static func mutate(bytes: [UInt8], _ generator: inout SeededGenerator) -> [UInt8] {
        var bytes = bytes
        let fragments: [[UInt8]] = ["null", "{", "}", "[", "]", "\"", ",", ":", "-", "1e999", "\u{0}", "\n", "`->", "\u{FFFD}"].map { Array($0.utf8) }
            + [[0xFF, 0xFE], [0xC0], [0xE2, 0x82]]
        for _ in 0..<(1 + generator.below(4)) {
            guard !bytes.isEmpty else { return fragments[generator.below(fragments.count)] }
            let index = generator.below(bytes.count)
            switch generator.below(4) {
            case 0: bytes[index] ^= UInt8(truncatingIfNeeded: 1 << generator.below(8))
            case 1: bytes.removeSubrange(index..<min(bytes.count, index + 1 + generator.below(16)))
            case 2: bytes.insert(contentsOf: fragments[generator.below(fragments.count)], at: index)
            default: bytes = Array(bytes.prefix(index))
            }
        }
        return bytes
    }

    /// A random JSON document, a few levels deep.
    static func random(_ generator: inout SeededGenerator, depth: Int = 0) -> JSONValue {
        switch depth > 3 ? generator.below(3) + 3 : generator.below(6) {
        case 0: return .array((0..<generator.below(5)).map { _ in random(&generator, depth: depth + 1) })
        case 1, 2:
            let keys = ["node", "status", "vmid", "type", "name", "upid", "exitstatus", "t", "n", "snaptime", "parent", "digest",
                        "storage", "content", "volid", "maxmem", "cpu", "quorate", "memory", "rootfs", "loadavg", "id", "level"]
            var fields: [String: JSONValue] = [:]
            for _ in 0..<generator.below(8) { fields[keys[generator.below(keys.count)]] = random(&generator, depth: depth + 1) }
            return .object(fields)
        default: return oddValues[generator.below(oddValues.count)]
        }
    }

    /// JSON text of a document (a NaN becomes `nan`, which no JSON parser takes: one more bad input).
    static func encode(_ value: JSONValue) -> [UInt8] {
        switch value {
        case .null: return Array("null".utf8)
        case let .bool(flag): return Array((flag ? "true" : "false").utf8)
        case let .int(number): return Array(String(number).utf8)
        case let .double(number): return Array("\(number)".utf8)
        case let .string(text): return Array((try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8))
        case let .array(items): return Array("[".utf8) + items.map(encode).joined(separator: Array(",".utf8)) + Array("]".utf8)
        case let .object(fields):
            let members = fields.keys.sorted().map { encode(.string($0)) + Array(":".utf8) + encode(fields[$0]!) }
            return Array("{".utf8) + members.joined(separator: Array(",".utf8)) + Array("}".utf8)
        }
    }

    static func fixture(_ name: String) throws -> [UInt8] { try Paths.fixtureBytes("samples/" + name) }

    static func simulated(_ arguments: [String]) -> [UInt8] {
        let program = arguments[0]
        return SimulatorCLI.run(program: program, arguments: Array(arguments.dropFirst()), environment: ["PVE_SIM_CLOCK": "1764000000"],
                                store: StateStore()).stdout
    }

    /// One parser under test: its seeds, and how to feed it bytes. Returns whether it produced a value.
    struct Target {
        let name: String
        let seeds: [[UInt8]]
        let json: Bool
        let parse: @Sendable ([UInt8]) -> Bool
    }

    /// JSON parsers go through `JSONValue.parse` first, as the engine does; a parse failure is a typed
    /// outcome too. Anything but a `ParseFailure` from the parser stops the test.
    static func viaJSON(_ body: @escaping @Sendable (JSONValue) throws -> Void) -> @Sendable ([UInt8]) -> Bool {
        { bytes in
            guard let document = try? JSONValue.parse(bytes) else { return false }
            do {
                try body(document)
                return true
            } catch is ParseFailure {
                return false
            } catch {
                preconditionFailure("untyped error from a parser: \(error)")
            }
        }
    }

    static func targets() throws -> [Target] {
        let classifyCommand = Command(["qm", "start", "100"], isReadOnly: false)
        let errors = try ["err-cant-lock-file.stderr.reconstructed.txt", "err-pvesh-400-param-verification.stderr.reconstructed.txt",
                          "err-qm-400-param-verification.stderr.reconstructed.txt", "err-vm-locked.stderr.reconstructed.txt",
                          "err-snapshot-does-not-exist.stderr.reconstructed.txt", "err-pvesh-no-handler.stderr.reconstructed.txt"].map(fixture)
        return [
            Target(name: "node list (pvesh get /nodes)", seeds: [try fixture("pvesh-get-nodes.json")], json: true,
                   parse: viaJSON { _ = try NodeSummary.parseList($0) }),
            Target(name: "guest list (/cluster/resources)", seeds: [try fixture("pvesh-get-cluster-resources.json")], json: true,
                   parse: viaJSON { _ = try GuestSummary.parseList($0) }),
            Target(name: "node status (/nodes/{node}/status)", seeds: [simulated(["pvesh", "get", "/nodes/pve1/status", "--output-format", "json"])],
                   json: true, parse: viaJSON { _ = try NodeStatusReport.parse($0, node: "pve1") }),
            Target(name: "cluster status", seeds: [try fixture("pvesh-get-cluster-status.json")], json: true,
                   parse: viaJSON { _ = try ClusterStatusReport.parse($0) }),
            Target(name: "storage list (node and cluster)", seeds: [simulated(["pvesh", "get", "/nodes/pve1/storage", "--output-format", "json"]),
                                                                     simulated(["pvesh", "get", "/cluster/resources", "--type", "storage", "--output-format", "json"])],
                   json: true, parse: viaJSON { document in
                       _ = try? StorageSummary.parseResources(document)
                       _ = try StorageSummary.parseNodeList(document, node: "pve1")
                   }),
            Target(name: "storage content", seeds: [simulated(["pvesh", "get", "/nodes/pve1/storage/local/content", "--output-format", "json"])],
                   json: true, parse: viaJSON { _ = try StorageVolume.parseList($0) }),
            Target(name: "snapshot list (JSON)", seeds: [try fixture("pvesh-get-qemu-VMID-snapshot.reconstructed.json")], json: true,
                   parse: viaJSON { _ = try SnapshotEntry.parseList($0) }),
            Target(name: "snapshot tree (qm/pct listsnapshot)", seeds: [try fixture("qm-listsnapshot.reconstructed.txt"), try fixture("pct-listsnapshot.reconstructed.txt")],
                   json: false, parse: { bytes in (try? SnapshotEntry.parseTree(String(decoding: bytes, as: UTF8.self))) != nil }),
            Target(name: "guest config (JSON)", seeds: [try fixture("pvesh-get-lxc-VMID-config.pve7.json-pretty.txt")], json: true,
                   parse: viaJSON { _ = try GuestConfig.parse($0) }),
            Target(name: "guest config (qm config text)", seeds: [try fixture("qm-config.anonymized.txt")], json: false,
                   parse: { bytes in (try? GuestConfig.parseText(String(decoding: bytes, as: UTF8.self))) != nil }),
            Target(name: "task status", seeds: try ["pvesh-get-tasks-UPID-status.ok.reconstructed.json", "pvesh-get-tasks-UPID-status.error.reconstructed.json",
                                                    "pvesh-get-tasks-UPID-status.running.reconstructed.json"].map(fixture), json: true,
                   parse: viaJSON { _ = try TaskStatus.parse($0) }),
            Target(name: "task log", seeds: try ["pvesh-get-tasks-UPID-log.ok.reconstructed.json", "pvesh-get-tasks-UPID-log.error.reconstructed.json"].map(fixture),
                   json: true, parse: viaJSON { _ = try TaskLogLine.parseList($0) }),
            Target(name: "backup listing", seeds: [try Paths.fixtureBytes("backups/storage-content-backup.dir.iobroker-341.json"),
                                                   simulated(["pvesh", "get", "/nodes/pve1/storage/pbs-main/content", "--content", "backup", "--output-format", "json"])],
                   json: true, parse: viaJSON { _ = try BackupArchive.parseList($0, node: "pve1") }),
            Target(name: "vzdump and restore logs", seeds: try ["vzdump-qemu-pbs.progress.virtio-win-756.log", "vzdump-qemu-pbs.finish.joulenap-61.log",
                                                                "vzdump-qemu-pbs.failed.check_pve-85.log", "qmrestore-vma.linbit-359.log"]
                       .map { try Paths.fixtureBytes("backups/" + $0) },
                   json: false, parse: { bytes in
                       let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
                       _ = GuestBackup.parseLog(lines, storage: "s")
                       var progress = TaskLogProgress()
                       progress.consume(lines)
                       // Progress stays a percent, whatever the log says.
                       precondition(progress.percent.map { (0...100).contains($0) } ?? true, "percent out of range")
                       return true
                   }),
            Target(name: "UPID", seeds: [try fixture("upid-example.pve-docs.txt")], json: false,
                   parse: { bytes in (try? UPID(parsing: String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .newlines))) != nil }),
            Target(name: "UPID from pvesh output", seeds: [try fixture("pvesh-create-qemu-VMID-status-start.json-format.reconstructed.txt"),
                                                           try fixture("pvesh-create-qemu-VMID-clone.stdout.json-format.reconstructed.txt")],
                   json: false, parse: { bytes in (try? UPID.fromPveshOutput(String(decoding: bytes, as: UTF8.self))) != nil }),
            Target(name: "stderr classifier", seeds: errors, json: false, parse: { bytes in
                let error = ErrorClassifier.classify(classifyCommand, CommandOutput(stdout: [], stderr: bytes, exitStatus: 255))
                // Always one line, never a raw multi-line dump.
                precondition(!error.description.contains("\n"), "multi-line error: \(error.description)")
                return true
            }),
        ]
    }

    @Test func everyParserEndsInAValueOrATypedError() throws {
        let test = "everyParserEndsInAValueOrATypedError"
        var total = 0
        var slowest = Duration.zero
        for (index, target) in try Self.targets().enumerated() {
            var generator = SeededGenerator(seed: UInt64(index + 1) &* 104_729)
            var produced = 0
            for number in 0..<Self.inputsPerParser {
                let seed = target.seeds[number % target.seeds.count]
                let input: [UInt8]
                switch (target.json, number % 4) {
                case (true, 0), (true, 1):
                    input = (try? JSONValue.parse(seed)).map { Self.encode(Self.mutate($0, &generator)) } ?? seed
                case (true, 2): input = Self.encode(Self.random(&generator))
                default: input = Self.mutate(bytes: seed, &generator)
                }
                let started = ContinuousClock.now
                if target.parse(input) { produced += 1 }
                slowest = max(slowest, ContinuousClock.now - started)
            }
            total += Self.inputsPerParser
            ReliabilityReport.record("Parser fuzzing", target.name, "\(Self.inputsPerParser) inputs: \(produced) parsed, \(Self.inputsPerParser - produced) typed errors, 0 crashes", test: test)
            #expect(target.seeds.allSatisfy(target.parse), "\(target.name): a seed itself must parse")
        }
        #expect(slowest < .seconds(1), "one input took \(slowest)")
        ReliabilityReport.record("Parser fuzzing", "inputs in all; slowest single input", "\(total); \(Int(slowest / .microseconds(1))) µs", test: test)
    }
}
