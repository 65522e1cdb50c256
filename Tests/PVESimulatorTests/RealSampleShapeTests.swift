import Foundation
import ProxmoxCore
@testable import PVESimulator
import Testing
import TestSupport

/// The simulator against the real outputs of `Fixtures/real/` (PVE 5 to 9, named in its
/// SOURCES.md): the same keys with the same JSON types, the same text layouts. Where a real
/// sample showed a form the simulator lacked (a standalone node), the simulator learned it.
@Suite struct RealSampleShapeTests {
    let shapes = SampleFidelityTests()

    func real(_ name: String) throws -> JSONValue { try JSONValue.parse(Paths.fixtureBytes("real/" + name)) }

    func simulated(_ path: String, environment: [String: String] = [:]) throws -> JSONValue {
        let output = SimulatorCLI.run(program: "pvesh", arguments: ["get", path, "--output-format", "json"],
                                      environment: ["PVE_SIM_CLOCK": "1764100000"].merging(environment) { $1 }, store: StateStore.fromEnvironment(environment))
        #expect(output.exitStatus == 0, "\(output.stderrText)")
        return try JSONValue.parse(output.stdout)
    }

    @Test func nodesLikeASubscribedPVE8Host() throws {
        let online = JSONValue.array(try simulated("/nodes").arrayValue!.filter { $0["status"] == "online" })
        shapes.expectSameShape(online, like: try real("unattributed/k3s-checklist/pvesh-get-nodes.pve8.json"))
    }

    /// A node never joined to a cluster (`PVE_SIM_STANDALONE=1`) answers like the PVE 6 capture:
    /// no cluster entry, node id 0. (`level` came later than PVE 6: optional.)
    @Test func aStandaloneNodeLikeThePVE6Capture() throws {
        let status = try simulated("/cluster/status", environment: ["PVE_SIM_STANDALONE": "1"])
        shapes.expectSameShape(status, like: try real("fog-proxmox/pvesh-get-cluster-status.standalone.pve6.json"), optional: ["level"])
        #expect(status.arrayValue?.count == 1 && status.arrayValue?.first?["nodeid"] == 0 && status.arrayValue?.first?["local"] == 1)
        #expect(try ClusterStatusReport.parse(status).name == nil)
        // The rest of the simulator is that one node's.
        let resources = try simulated("/cluster/resources", environment: ["PVE_SIM_STANDALONE": "1"])
        #expect(Set(resources.arrayValue!.compactMap { $0["node"]?.stringValue }) == ["pve1"])
        // A cluster still has its cluster entry.
        #expect(try simulated("/cluster/status").arrayValue?.first?["type"] == "cluster")
    }

    /// Node status, and inside it each object (memory with PVE 9's `available`, cpuinfo with its flags,
    /// boot-info, current-kernel); PVE 8.4 on legacy BIOS prints no `secureboot`, PVE 8.4 no `available`.
    @Test func nodeStatusLikePVE8And9() throws {
        let status = try simulated("/nodes/pve1/status")
        for (sample, optional) in [("pvexport/pvesh-get-nodes-NODE-status.pve9.json", Set<String>()),
                                   ("unattributed/k3s-checklist/pvesh-get-nodes-proxmox-status.pve8.json", ["available", "secureboot"])] {
            let recorded = try real(sample)
            shapes.expectSameShape(status, like: recorded)
            for key in ["memory", "swap", "rootfs", "cpuinfo", "boot-info", "current-kernel", "ksm"] {
                shapes.expectSameShape(try #require(status[key]), like: try #require(recorded[key]), optional: optional)
            }
        }
    }

    @Test func nodeStorageLikePVE5And8() throws {
        let storage = try simulated("/nodes/pve1/storage")
        shapes.expectSameShape(storage, like: try real("home-assistant/pvesh-get-nodes-NODE-storage.pve8.json"))
        shapes.expectSameShape(storage, like: try real("fog-proxmox/pvesh-get-nodes-pve-storage.pve5.json"))
        // The kinds of the real samples are among the simulator's.
        let kinds = Set(storage.arrayValue!.compactMap { $0["type"]?.stringValue })
        #expect(kinds.isSuperset(of: ["dir", "lvmthin", "nfs", "zfspool"]), "\(kinds)")
    }

    @Test func taskListsLikePVE6And9() throws {
        let tasks = try simulated("/nodes/pve1/tasks")
        for sample in ["ansible-community-general/pvesh-get-nodes-NODE-tasks.pve6.json", "home-assistant/pvesh-get-nodes-NODE-tasks.pve9.json"] {
            shapes.expectSameShape(tasks, like: try real(sample))
        }
    }

    /// A Proxmox Backup Server storage's archives like the PVE 8.1 capture (`subtype`, `pbs-vm`,
    /// snapshot-style volume ids); the simulator adds `notes`/`protected`/`verification` (PBS answers them when set).
    @Test func backupServerArchivesLikePVE8() throws {
        let output = SimulatorCLI.run(program: "pvesh", arguments: ["get", "/nodes/pve1/storage/pbs-main/content", "--content", "backup", "--output-format", "json"],
                                      environment: ["PVE_SIM_CLOCK": "1764100000"], store: StateStore.fromEnvironment([:]))
        let archives = try JSONValue.parse(output.stdout)
        shapes.expectSameShape(archives, like: try real("ansible-community-proxmox/pvesh-get-nodes-pve-storage-datastore-content.pbs.pve8.json"),
                               optional: ["notes", "protected", "verification", "encrypted"])
        #expect(archives.arrayValue?.allSatisfy { $0["volid"]?.stringValue?.contains(":backup/vm/") == true || $0["volid"]?.stringValue?.contains(":backup/ct/") == true } == true)
    }

    /// `/cluster/resources --type vm` like the 2023 capture (guests in a pool), and the per-node
    /// lists like it. A guest of an offline node is left out of the comparison: real hosts print
    /// it with `status: unknown` and no usage fields, as the simulator does.
    /// `/nodes/{node}/lxc` printed `vmid` as a string up to PVE 8.1 (this capture; Pulse#388 on 7.3)
    /// and as a number since 8.2 (proxmox-exporter#47/#48): the simulator, a 9.1 host, prints a number.
    @Test func guestListsLikeTheCommunityCapture() throws {
        let ansible = "ansible-community-proxmox/"
        let guests = try simulated("/cluster/resources").arrayValue!.filter {
            ["qemu", "lxc"].contains($0["type"]?.stringValue ?? "") && $0["status"] != "unknown"
        }
        shapes.expectSameShape(.array(guests), like: try real(ansible + "pvesh-get-cluster-resources-type-vm.json"), optional: ["tags", "lock", "pool"])
        let listOptional: Set<String> = ["tags", "lock", "pid", "template", "vmid"]
        let containers = try simulated("/nodes/pve1/lxc")
        shapes.expectSameShape(containers, like: try real(ansible + "pvesh-get-nodes-NODE-lxc.json"), optional: listOptional)
        #expect(containers.arrayValue?.allSatisfy { if case .int? = $0["vmid"] { true } else { false } } == true, "\(containers)")
        shapes.expectSameShape(try simulated("/nodes/pve1/qemu"), like: try real(ansible + "pvesh-get-nodes-NODE-qemu.json"),
                               optional: ["tags", "lock", "pid", "template"])
    }

    /// A running VM's status/current like the PVE 8.0 capture, nested objects included.
    @Test func vmStatusLikePVE8() throws {
        let status = try simulated("/nodes/pve1/qemu/100/status/current")
        let recorded = try real("go-proxmox/pvesh-get-qemu-101-status-current.pve8.json")
        // `balloon_min` is printed when the config sets `balloon` (the capture's VM did; VM 100 does not).
        shapes.expectSameShape(status, like: recorded, optional: ["tags", "template", "lock", "balloon_min"])
        #expect(status["shares"] == 1000)
        for key in ["ha", "ballooninfo", "proxmox-support"] {
            shapes.expectSameShape(try #require(status[key]), like: try #require(recorded[key]))
        }
    }

    @Test func containerInterfacesLikePVE9() throws {
        shapes.expectSameShape(try simulated("/nodes/pve1/lxc/200/interfaces"), like: try real("go-proxmox/pvesh-get-lxc-101-interfaces.pve9.json"))
    }

    /// `qm list` / `pct list`: the header and the column layout of the real tables.
    @Test func guestTablesLikeTheRealOnes() throws {
        let qm = SimulatorCLI.run(program: "qm", arguments: ["list"], environment: [:], store: StateStore()).stdoutText
        let realQm = String(decoding: try Paths.fixtureBytes("real/unattributed/update-notes/qm-list.txt"), as: UTF8.self)
        #expect(qm.split(separator: "\n").first == realQm.split(separator: "\n").first)
        // Same columns: id right-aligned to 10, name padded to 20, status to 10, memory to 10, disk %12.2f.
        let row = /^ {0,9}\d+ .{20} \S+ +\d+ +\d+\.\d\d \d+ *$/
        for line in (qm + realQm).split(separator: "\n").dropFirst() where !line.contains("VMID") {
            #expect(line.wholeMatch(of: row) != nil, "'\(line)'")
        }
        let pct = SimulatorCLI.run(program: "pct", arguments: ["list"], environment: [:], store: StateStore()).stdoutText
        let realPct = String(decoding: try Paths.fixtureBytes("real/unattributed/update-notes/pct-list.txt"), as: UTF8.self)
        #expect(pct.split(separator: "\n").first == realPct.split(separator: "\n").first)
        // Both parse to the same kind of rows.
        #expect(try GuestTable.parseContainers(pct, node: "pve1").allSatisfy { $0.type == .lxc && $0.name != nil })
    }

    /// `pct list` rows laid out like the PVE 9.1 table of 43 containers (id padded to 10, status to
    /// 10, an empty lock column of 12, the name).
    @Test func containerRowsLikeThePVE9Table() throws {
        let pct = SimulatorCLI.run(program: "pct", arguments: ["list"], environment: [:], store: StateStore()).stdoutText
        let realPct = String(decoding: try Paths.fixtureBytes("real/wlfogle-bulletproof-mediastack/pct-list.pve9.txt"), as: UTF8.self)
        #expect(pct.split(separator: "\n").first == realPct.split(separator: "\n").first)
        let row = /^\d+ {1,9} (running|stopped) {3,4} .{12} \S+ *$/
        for line in (pct + realPct).split(separator: "\n") where !line.hasPrefix("VMID") {
            #expect(line.wholeMatch(of: row) != nil, "'\(line)'")
        }
    }

    /// `qm config` prints the description percent-encoded, as the PVE 9.1 inventory shows
    /// (`%3A`, `%0A`); the parser reads it back as the text the API gives.
    @Test func configDescriptionEncodedLikeTheRealOne() throws {
        let store = StateStore()
        let text = "Notes: first line\nsecond line, ünïcode"
        let set = SimulatorCLI.run(program: "qm", arguments: ["set", "100", "--description", text], environment: [:], store: store)
        #expect(set.exitStatus == 0, "\(set.stderrText)")
        let config = SimulatorCLI.run(program: "qm", arguments: ["config", "100"], environment: [:], store: store).stdoutText
        let line = config.split(separator: "\n").first { $0.hasPrefix("description: ") }
        #expect(line == "description: Notes%3A first line%0Asecond line, %C3%BCn%C3%AFcode")
        let realLine = String(decoding: try Paths.fixtureBytes("real/wlfogle-bulletproof-mediastack/pct-config-110.pve9.txt"), as: UTF8.self)
            .split(separator: "\n").first { $0.hasPrefix("description: ") }
        #expect(realLine == "description: FileBrowser is reachable at%3A http%3A//192.168.12.251%3A8183%0A")
        #expect(try GuestConfig.parseText(config).options["description"] == text)
        let api = SimulatorCLI.run(program: "pvesh", arguments: ["get", "/nodes/pve1/qemu/100/config", "--output-format", "json"], environment: [:], store: store)
        #expect(try JSONValue.parse(api.stdout)["description"]?.stringValue == text)
    }

    /// `qm listsnapshot`: the tree the real one prints (arrow, name, time, description; `current` last, one level in).
    @Test func snapshotTreeLikeTheRealOne() throws {
        let tree = SimulatorCLI.run(program: "qm", arguments: ["listsnapshot", "100"], environment: ["PVE_SIM_CLOCK": "1764100000"], store: StateStore()).stdoutText
        let realTree = String(decoding: try Paths.fixtureBytes("real/unattributed/kasm-runbook/qm-listsnapshot-122.one.pve9.txt"), as: UTF8.self)
        for text in [tree, realTree] {
            let entries = try SnapshotEntry.parseTree(text)
            #expect(entries.last?.current == true && entries.last?.parent != nil, "\(text)")
            #expect(entries.dropLast().allSatisfy { $0.snaptime != nil }, "\(text)")
        }
    }
}
