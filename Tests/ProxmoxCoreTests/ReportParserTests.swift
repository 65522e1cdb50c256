import Foundation
import ProxmoxCore
import Testing
import TestSupport

/// Parsers of every endpoint and text format the tools read, over the recorded samples.
@Suite struct ReportParserTests {
    func json(_ name: String) throws -> JSONValue { try JSONValue.parse(Paths.fixtureBytes("samples/" + name)) }
    func text(_ name: String) throws -> String { String(decoding: try Paths.fixtureBytes("samples/" + name), as: UTF8.self) }

    /// Found by the parser fuzzer: absurd figures gave an arithmetic overflow (a crash), not a value.
    @Test func extremeFiguresDoNotTrap() throws {
        let storage: JSONValue = .array([.object(["type": "storage", "storage": "s", "node": "n", "disk": .int(Int64.min), "maxdisk": .int(Int64.max)])])
        #expect(try StorageSummary.parseResources(storage).first?.available == nil)
        let status: JSONValue = .object(["memory": .object(["total": .int(Int64.max), "used": .int(Int64.min)])])
        #expect(try NodeStatusReport.parse(status, node: "n").memory?.free == 0)
    }

    @Test func snapshotTreeFromQm() throws {
        let entries = try SnapshotEntry.parseTree(text("qm-listsnapshot.reconstructed.txt"))
        #expect(entries == [
            SnapshotEntry(name: "pre-upgrade", parent: nil, description: "before apt full-upgrade", snaptime: 1_709_287_200, vmstate: false, current: false),
            SnapshotEntry(name: "post-upgrade", parent: "pre-upgrade", description: "", snaptime: 1_709_371_800, vmstate: false, current: false),
            SnapshotEntry(name: "current", parent: "post-upgrade", description: "You are here!", snaptime: nil, vmstate: false, current: true),
        ])
        let container = try SnapshotEntry.parseTree(text("pct-listsnapshot.reconstructed.txt"))
        #expect(container.map(\.name) == ["base", "current"])
        #expect(container[1].parent == "base")
    }

    @Test func snapshotTreeWithLongNamesAndBranches() throws {
        // A name longer than its column pushes the time right; a second branch starts at depth 1 again.
        let tree = """
            `-> a-very-long-snapshot-name-that-overflows 2024-03-01 10:00:00 first one
             `-> child-one                  2024-03-02 09:30:00     no-description
             `-> child-two                  2024-03-03 09:30:00     second branch   
              `-> current                                           You are here!

            """
        let entries = try SnapshotEntry.parseTree(tree)
        #expect(entries.map(\.name) == ["a-very-long-snapshot-name-that-overflows", "child-one", "child-two", "current"])
        #expect(entries.map { $0.parent ?? "-" } == ["-", "a-very-long-snapshot-name-that-overflows", "a-very-long-snapshot-name-that-overflows", "child-two"])
        #expect(entries[0].snaptime == 1_709_287_200)
        #expect(entries[2].description == "second branch")
        #expect(throws: ParseFailure.self) { try SnapshotEntry.parseTree("garbage line\n") }
    }

    @Test func snapshotListFromTheAPIIncludingCurrent() throws {
        let entries = try SnapshotEntry.parseList(json("pvesh-get-qemu-VMID-snapshot.reconstructed.json"))
        #expect(entries.map(\.name) == ["pre-upgrade", "post-upgrade", "current"])
        #expect(entries[1].vmstate == true && entries[1].snaptime == 1_709_371_800)
        #expect(entries[2].current && entries[2].snaptime == nil && entries[2].parent == "post-upgrade")
        let empty = try SnapshotEntry.parseList(json("pvesh-get-qemu-VMID-snapshot.empty.reconstructed.json"))
        #expect(empty.map(\.current) == [true])
    }

    @Test func configFromTextAndJSON() throws {
        let fromText = try GuestConfig.parseText(text("qm-config.anonymized.txt"))
        #expect(fromText.options["memory"] == "1111")
        #expect(fromText.options["ide2"] == "local:iso/ubuntu-24.04-live-server-amd64.iso,media=cdrom")
        #expect(fromText.options["net0"] == "e1000=AA:AA:AA:AA:AA:AA,bridge=vmbr0")
        #expect(fromText.digest == nil)
        let fromJSON = try GuestConfig.parse(json("pvesh-get-lxc-VMID-config.pve7.json-pretty.txt"))
        #expect(fromJSON.options["memory"] == "4096")  // an integer in JSON, text here
        #expect(fromJSON.options["hostname"] == "test-container")
        #expect(fromJSON.options["lxc"] == nil)  // raw lxc.* pairs are not options
        #expect(fromJSON.digest == "5911baea29f4c0073fb063fd9ab29e75892832bf")
        let sectioned = try GuestConfig.parseText("cores: 2\nname: a\n\n[snap1]\ncores: 1\n")
        #expect(sectioned.options == ["cores": "2", "name": "a"])
    }

    @Test func tasks() throws {
        let ok = try TaskStatus.parse(json("pvesh-get-tasks-UPID-status.ok.reconstructed.json"))
        #expect(ok.succeeded && !ok.isRunning)
        let failed = try TaskStatus.parse(json("pvesh-get-tasks-UPID-status.error.reconstructed.json"))
        #expect(!failed.succeeded && failed.exitstatus == "VM 100 already running")
        let running = try TaskStatus.parse(json("pvesh-get-tasks-UPID-status.running.reconstructed.json"))
        #expect(running.isRunning && !running.succeeded)
        #expect(TaskStatus(upid: "", status: "stopped", exitstatus: "WARNINGS: 2").succeeded)
        #expect(try TaskLogLine.parseList(json("pvesh-get-tasks-UPID-log.ok.reconstructed.json")) == [TaskLogLine(n: 1, t: "generating cloud-init ISO"), TaskLogLine(n: 2, t: "TASK OK")])
    }

    @Test func upids() throws {
        let fromClone = try UPID.fromPveshOutput(text("pvesh-create-qemu-VMID-clone.stdout.json-format.reconstructed.txt"))
        #expect(fromClone == UPID(node: "pve1", pid: 0x3A1C0, pstart: 0x01C4D700, starttime: 0x66A1B2D0, type: "qmclone", id: "100", user: "root@pam"))
        let fromText = try UPID.fromPveshOutput(text("pvesh-create-qemu-VMID-status-start.text-format.reconstructed.txt"))
        #expect(fromText.type == "qmstart")
        let docs = try UPID(parsing: text("upid-example.pve-docs.txt").trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(docs.type == "vzdump" && docs.node == "pve1" && docs.description == "UPID:pve1:00010D94:001CA6EA:6124E1B9:vzdump:100:root@pam:")
        // pve-common's own test vectors, including an empty id and a 9-digit pstart.
        let apt = try UPID(parsing: "UPID:example-node:0000C346:165A0CE4:68D7279C:aptupdate::root@pam:")
        #expect(apt.pid == 49990 && apt.pstart == 375_000_292 && apt.starttime == 1_758_930_844 && apt.id == "")
        #expect(try UPID(parsing: "UPID:n1:000934AF:10D015579:68BF3A41:hastart:100:user@pve!token:").user == "user@pve!token")
        for bad in ["UPID:n1:1:2:3:t:i:u:", "UPID:n1:000934AF:0D015579:68BF3A41:hastart:100:root@pam", "not a upid", ""] {
            #expect(throws: ParseFailure.self) { try UPID(parsing: bad) }
        }
    }

    @Test func clusterAndNodeReports() throws {
        let cluster = try ClusterStatusReport.parse(json("pvesh-get-cluster-status.json"))
        #expect(cluster.name == "clustername" && cluster.quorate && cluster.nodes.count == 4 && cluster.nodesOnline == 4)
        #expect(cluster.nodes.first { $0.local }?.name == "node1")
        let standalone = try ClusterStatusReport.parse(.array([.object(["type": "node", "name": "pve", "online": 1, "local": 1])]))
        #expect(standalone.name == nil && standalone.quorate)
        let storage = try StorageSummary.parseResources(json("pvesh-get-cluster-resources.json"))
        #expect(storage.count == 12)
        #expect(storage.first == StorageSummary(storage: "cloud-init", node: "node1", type: "dir", content: ["snippets"], shared: false, active: true,
                                                used: 10_486_546_432, total: 951_055_941_632, available: 951_055_941_632 - 10_486_546_432,
                                                unmodelled: UnmodelledFields([("id", "storage/node1/cloud-init")])))
    }
}
