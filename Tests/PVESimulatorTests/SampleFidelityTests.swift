import Foundation
import ProxmoxCore
@testable import PVESimulator
import Testing
import TestSupport

/// The simulator against every recorded sample in Fixtures/: same keys, same value types, same
/// text layout, same error texts. A parser that passes against the simulator must pass against a host.
@Suite struct SampleFidelityTests {
    let store = StateStore()

    func run(_ program: String, _ arguments: String..., environment: [String: String] = ["PVE_SIM_CLOCK": "1764100000"]) -> CommandOutput {
        SimulatorCLI.run(program: program, arguments: arguments, environment: environment, store: store)
    }

    func sample(_ name: String) throws -> String {
        String(decoding: try Paths.fixtureBytes("samples/" + name), as: UTF8.self)
    }

    func json(_ output: CommandOutput) throws -> JSONValue {
        #expect(output.exitStatus == 0, "\(output.stderrText)")
        return try JSONValue.parse(output.stdout)
    }

    /// JSON type names, with integers and floats both "number" (Perl prints 0 for a zero float).
    static func kind(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "bool"
        case .int, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Every key the simulator prints exists in the sample's entries of the same `type`, with the
    /// same JSON type; `optional` names keys real hosts print only sometimes.
    func expectSameShape(_ simulated: JSONValue, like recorded: JSONValue, optional: Set<String> = [],
                         sourceLocation: SourceLocation = #_sourceLocation) {
        let recordedEntries = recorded.arrayValue ?? [recorded]
        let simulatedEntries = simulated.arrayValue ?? [simulated]
        #expect(!simulatedEntries.isEmpty, sourceLocation: sourceLocation)
        for entry in simulatedEntries {
            guard case let .object(fields) = entry else { Issue.record("not an object: \(entry)", sourceLocation: sourceLocation); continue }
            let peers = recordedEntries.filter { $0["type"] == entry["type"] }
            let reference = peers.isEmpty ? recordedEntries : peers
            var referenceTypes: [String: Set<String>] = [:]
            for peer in reference {
                if case let .object(peerFields) = peer {
                    for (key, value) in peerFields { referenceTypes[key, default: []].insert(Self.kind(value)) }
                }
            }
            for (key, value) in fields where !optional.contains(key) {
                guard let types = referenceTypes[key] else {
                    Issue.record("key '\(key)' is not in the recorded sample", sourceLocation: sourceLocation)
                    continue
                }
                #expect(types.contains(Self.kind(value)), "key '\(key)': \(Self.kind(value)) vs \(types)", sourceLocation: sourceLocation)
            }
            // Keys every recorded entry has must be there too.
            let always = reference.compactMap { peer -> Set<String>? in
                if case let .object(peerFields) = peer { return Set(peerFields.keys) } else { return nil }
            }.reduce(nil as Set<String>?) { partial, next in partial.map { $0.intersection(next) } ?? next } ?? []
            for key in always.subtracting(fields.keys).subtracting(optional) {
                Issue.record("key '\(key)' is missing", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func nodesLikeTheCapture() throws {
        let simulated = try json(run("pvesh", "get", "/nodes", "--output-format", "json"))
        let online = JSONValue.array(simulated.arrayValue!.filter { $0["status"] == .string("online") })
        expectSameShape(online, like: try JSONValue.parse(Paths.fixtureBytes("samples/pvesh-get-nodes.json")))
    }

    @Test func clusterResourcesLikeTheCapture() throws {
        let recorded = try JSONValue.parse(Paths.fixtureBytes("samples/pvesh-get-cluster-resources.json"))
        let simulated = try json(run("pvesh", "get", "/cluster/resources", "--output-format", "json"))
        let reachable = simulated.arrayValue!.filter { $0["status"] != .string("unknown") && $0["status"] != .string("offline") }
        // The capture has no containers; they carry the same fields as VMs.
        let asQemu = reachable.map { entry -> JSONValue in
            guard case var .object(fields) = entry, entry["type"] == .string("lxc") else { return entry }
            fields["type"] = .string("qemu")
            return .object(fields)
        }
        expectSameShape(.array(asQemu), like: recorded, optional: ["lock"])
    }

    @Test func clusterStatusLikeTheCapture() throws {
        expectSameShape(try json(run("pvesh", "get", "/cluster/status", "--output-format", "json")),
                        like: try JSONValue.parse(Paths.fixtureBytes("samples/pvesh-get-cluster-status.json")))
    }

    @Test func vmStatusLikeTheCapture() throws {
        expectSameShape(try json(run("pvesh", "get", "/nodes/pve1/qemu/100/status/current", "--output-format", "json")),
                        like: try JSONValue.parse(Paths.fixtureBytes("samples/pvesh-get-qemu-VMID-status-current.json")),
                        optional: ["tags", "template", "lock", "agent", "spice", "shares", "balloon_min"])
    }

    @Test func snapshotListsLikeTheSamples() throws {
        expectSameShape(try json(run("pvesh", "get", "/nodes/pve1/qemu/100/snapshot", "--output-format", "json")),
                        like: try JSONValue.parse(Paths.fixtureBytes("samples/pvesh-get-qemu-VMID-snapshot.reconstructed.json")),
                        optional: ["parent"])
        let empty = try json(run("pvesh", "get", "/nodes/pve2/qemu/102/snapshot", "--output-format", "json"))
        #expect(empty == (try JSONValue.parse(Paths.fixtureBytes("samples/pvesh-get-qemu-VMID-snapshot.empty.reconstructed.json")))
            .arrayValue.map { entries in .array(entries.map { entry in
                guard case var .object(fields) = entry else { return entry }
                fields["digest"] = empty.arrayValue?.first?["digest"] ?? .null  // the digest is the config's own
                return .object(fields)
            }) })
    }

    @Test func tasksLikeTheSamples() throws {
        let started = run("pvesh", "create", "/nodes/pve1/qemu/101/status/stop", "--output-format", "json")
        #expect(started.exitStatus == 0)
        let upid = try UPID(parsing: try JSONValue.parse(started.stdout).stringValue ?? "")
        #expect(upid.type == "qmstop" && upid.id == "101" && upid.node == "pve1" && upid.user == "root@pam")
        let status = try json(run("pvesh", "get", "/nodes/pve1/tasks/\(upid)/status", "--output-format", "json"))
        expectSameShape(status, like: try JSONValue.parse(Paths.fixtureBytes("samples/pvesh-get-tasks-UPID-status.ok.reconstructed.json")))
        #expect(status["exitstatus"] == "OK")
        let log = try json(run("pvesh", "get", "/nodes/pve1/tasks/\(upid)/log", "--output-format", "json"))
        expectSameShape(log, like: try JSONValue.parse(Paths.fixtureBytes("samples/pvesh-get-tasks-UPID-log.ok.reconstructed.json")))
        #expect(log.arrayValue?.last?["t"] == "TASK OK")
        // The failed task of the sample: starting a running VM.
        let again = run("pvesh", "create", "/nodes/pve1/qemu/100/status/start", "--output-format", "json")
        #expect(again.exitStatus == 0)  // pvesh does not look at the task result
        #expect(again.stderrText == (try sample("err-qm-start-already-running.stderr.reconstructed.txt")))
        let failed = try UPID(parsing: try JSONValue.parse(again.stdout).stringValue ?? "")
        let failedStatus = try json(run("pvesh", "get", "/nodes/pve1/tasks/\(failed)/status", "--output-format", "json"))
        expectSameShape(failedStatus, like: try JSONValue.parse(Paths.fixtureBytes("samples/pvesh-get-tasks-UPID-status.error.reconstructed.json")))
        #expect(failedStatus["exitstatus"] == "VM 100 already running")
        let failedLog = try json(run("pvesh", "get", "/nodes/pve1/tasks/\(failed)/log", "--output-format", "json"))
        #expect(failedLog == (try JSONValue.parse(Paths.fixtureBytes("samples/pvesh-get-tasks-UPID-log.error.reconstructed.json"))))
    }

    @Test func upidOutputInBothFormats() throws {
        let json = run("pvesh", "create", "/nodes/pve1/qemu/100/status/reboot", "--output-format", "json").stdoutText
        let text = run("pvesh", "create", "/nodes/pve1/qemu/100/status/reset").stdoutText
        let jsonShape = try sample("pvesh-create-qemu-VMID-status-start.json-format.reconstructed.txt")
        let textShape = try sample("pvesh-create-qemu-VMID-status-start.text-format.reconstructed.txt")
        #expect(json.hasPrefix("\"UPID:pve1:") && json.hasSuffix(":qmreboot:100:root@pam:\"\n") && jsonShape.hasPrefix("\"UPID:"))
        #expect(text.hasPrefix("UPID:pve1:") && text.hasSuffix(":qmreset:100:root@pam:\n") && textShape.hasPrefix("UPID:"))
        // Same field widths: only the worker type differs in length.
        #expect(json.count - "qmreboot".count == jsonShape.count - "qmstart".count)
        #expect(text.count - "qmreset".count == textShape.count - "qmstart".count)
    }

    @Test func cloneLogThenUPIDOnTheLastLine() throws {
        let output = run("pvesh", "create", "/nodes/pve1/qemu/100/clone", "--newid", "201", "--full", "1", "--output-format", "json")
        let lines = output.stdoutText.split(separator: "\n").map(String.init)
        let recorded = try sample("pvesh-create-qemu-VMID-clone.stdout.json-format.reconstructed.txt").split(separator: "\n").map(String.init)
        // 201 is a container here: refused before any task starts, so no UPID either.
        #expect(output.exitStatus == 255)
        #expect(output.stderrText == "CT 201 already exists\n")
        let fresh = run("pvesh", "create", "/nodes/pve1/qemu/100/clone", "--newid", "250", "--full", "1", "--output-format", "json")
        let freshLines = fresh.stdoutText.split(separator: "\n").map(String.init)
        #expect(freshLines.first == "create full clone of drive scsi0 (local-lvm:vm-100-disk-0)")
        #expect(recorded.first == "create full clone of drive scsi0 (local-lvm:vm-100-disk-0)")
        #expect(freshLines[1] == "  Logical volume \"vm-250-disk-0\" created.")
        #expect(freshLines.last?.hasPrefix("\"UPID:pve1:") == true && recorded.last?.hasPrefix("\"UPID:pve1:") == true)
        #expect(lines.isEmpty)
    }

    @Test func qmTextLayouts() throws {
        let list = run("qm", "list").stdoutText.split(separator: "\n", omittingEmptySubsequences: false)
        let recordedHeader = try sample("qm-list.txt").split(separator: "\n")[0]
        #expect(list[0].hasPrefix(recordedHeader))
        #expect(list[0].trimmingCharacters(in: .whitespaces) == recordedHeader.trimmingCharacters(in: .whitespaces))
        let recordedRow = try sample("qm-list.txt").split(separator: "\n")[1]
        #expect(list[1].prefix(60).count == recordedRow.prefix(60).count)
        #expect(list[1].firstIndex(of: "w").map { list[1].distance(from: list[1].startIndex, to: $0) } == 11)
        let pct = run("pct", "list").stdoutText.split(separator: "\n")
        #expect(pct[0] == (try sample("pct-list.txt")).split(separator: "\n")[0])
        #expect(run("qm", "status", "100").stdoutText == (try sample("qm-status.running.reconstructed.txt")))
        #expect(run("qm", "status", "9000").stdoutText == (try sample("qm-status.stopped.reconstructed.txt")))
        #expect(run("qm", "status", "104").stdoutText == (try sample("qm-status.paused.reconstructed.txt")))
        let config = run("qm", "config", "100").stdoutText
        #expect(config.split(separator: "\n").allSatisfy { $0.contains(": ") })
        #expect(config.split(separator: "\n").map { $0.split(separator: ":")[0] } == config.split(separator: "\n").map { $0.split(separator: ":")[0] }.sorted())
        #expect(!config.contains("digest"))
    }

    /// The tree layout, byte for byte, for the sample's own snapshots.
    @Test func snapshotTreesByteForByte() throws {
        func guest(_ kind: GuestKind, _ snapshots: [SimulatedSnapshot], running: Bool) -> SimulatedGuest {
            SimulatedGuest(vmid: 100, kind: kind, node: "pve1", status: running ? "running" : "stopped", lock: nil,
                           config: [:], snapshots: snapshots, parentSnapshot: snapshots.last?.name, stats: .idle)
        }
        let qemu = guest(.qemu, [
            SimulatedSnapshot(name: "pre-upgrade", parent: nil, description: "before apt full-upgrade", snaptime: 1_709_287_200, vmstate: false, config: [:]),
            SimulatedSnapshot(name: "post-upgrade", parent: "pre-upgrade", description: "", snaptime: 1_709_371_800, vmstate: true, config: [:]),
        ], running: true)
        #expect(GuestListText.snapshotTree(qemu) == (try sample("qm-listsnapshot.reconstructed.txt")))
        let lxc = guest(.lxc, [SimulatedSnapshot(name: "base", parent: nil, description: "fresh install", snaptime: 1_709_287_200, vmstate: false, config: [:])], running: false)
        #expect(GuestListText.snapshotTree(lxc) == (try sample("pct-listsnapshot.reconstructed.txt")))
        // The JSON form of the same snapshots is the sample's, but for the digest.
        let listed = ApiViews.snapshots(qemu)
        let recorded = try JSONValue.parse(Paths.fixtureBytes("samples/pvesh-get-qemu-VMID-snapshot.reconstructed.json"))
        #expect(listed.arrayValue?.dropLast() == recorded.arrayValue?.dropLast())
    }

    @Test(arguments: [
        (["qm", "start", "999"], "err-config-does-not-exist.stderr.reconstructed.txt"),
        (["qm", "start", "100"], "err-qm-start-already-running.stderr.reconstructed.txt"),
        (["qm", "destroy", "100"], "err-destroy-running.stderr.reconstructed.txt"),
        (["qm", "delsnapshot", "100", "nosuch"], "err-snapshot-does-not-exist.stderr.reconstructed.txt"),
        (["qm", "set", "100", "--cores", "abc"], "err-qm-400-param-verification.stderr.reconstructed.txt"),
        (["qm", "start"], "err-qm-not-enough-arguments.stderr.reconstructed.txt"),
        (["pvesh", "get", "/nodes/pve1/nosuch"], "err-pvesh-no-handler.stderr.reconstructed.txt"),
        (["pvesh", "create", "/nodes/pve1/qemu/100/snapshot", "--snapname", "1bad"], "err-pvesh-400-param-verification.stderr.reconstructed.txt"),
    ])
    func errorTextsMatchTheSamples(_ argv: [String], _ file: String) throws {
        let output = SimulatorCLI.run(program: argv[0], arguments: Array(argv.dropFirst()), environment: [:], store: StateStore())
        #expect(output.stderrText == (try sample(file)))
        #expect(output.exitStatus == (argv[0] == "pvesh" && file.contains("no-handler") ? 1 : 255))
    }

    @Test func lockedGuestAndUnknownCommand() throws {
        try store.modify { cluster in cluster.guests[cluster.guestIndex(101)!].lock = "backup" }
        #expect(run("qm", "snapshot", "101", "snap1").stderrText == (try sample("err-vm-locked.stderr.reconstructed.txt")))
        let unknown = run("qm", "frobnicate").stderrText.split(separator: "\n")
        let recorded = try sample("err-qm-unknown-command.stderr.reconstructed.txt").split(separator: "\n")
        #expect(Array(unknown.prefix(2)) == Array(recorded.prefix(2)))
        #expect(unknown[2].hasPrefix("       qm "))
    }
}
