import Foundation
import ProxmoxCore
import ProxmoxMCP
import PVESimulator
import Synchronization
import Testing
import TestSupport

/// The guest→node shortcut: `/etc/pve/.vmlist` (a file pmxcfs keeps on every node, read with `cat`, no
/// Perl start) answers where a guest lives exactly as the long way, `/cluster/resources`, does.
@Suite struct VMListShortcutTests {
    /// The simulator behind a runner that records what runs and, when `catRefused`, answers `cat` as a
    /// host where the login may not read /etc/pve (or a guard without the file).
    final class Runner: CommandRunner, Sendable {
        let store: StateStore
        let catRefused: Bool
        let ran = Mutex<[String]>([])
        init(store: StateStore = StateStore(), catRefused: Bool) {
            self.store = store
            self.catRefused = catRefused
        }
        func run(_ command: Command) async throws -> CommandOutput {
            ran.withLock { $0.append(command.description) }
            if catRefused && command.program == "cat" {
                return CommandOutput(stdout: [], stderr: Array("cat: \(command.argv[1]): Permission denied\n".utf8), exitStatus: 1)
            }
            return try await SimulatedRunner(store: store).run(command)
        }
    }

    static func engines() -> (short: ProxmoxEngine, long: ProxmoxEngine, shortRunner: Runner, longRunner: Runner) {
        let short = Runner(catRefused: false), long = Runner(catRefused: true)
        return (ProxmoxEngine(runner: short), ProxmoxEngine(runner: long), short, long)
    }

    /// What a lookup answers, as text: the guest found, or the error it throws.
    static func outcome(_ body: () async throws -> GuestRef) async -> String {
        do { return "\(try await body())" } catch { return "error: \(error)" }
    }

    @Test func everyGuestIsPlacedAsTheResourcesPlaceIt() async throws {
        let (short, long, shortRunner, longRunner) = Self.engines()
        let fromFile = try await short.placements()
        let fromResources = try await long.placements()
        #expect(fromFile == fromResources)
        #expect(fromFile.count == (try shortRunner.store.read { $0.guests.count }))
        #expect(shortRunner.ran.withLock { $0 } == ["cat /etc/pve/.vmlist"])
        #expect(longRunner.ran.withLock { $0 } == ["cat /etc/pve/.vmlist", "pvesh get /cluster/resources --output-format json"])
    }

    @Test func lookupsAnswerTheSameBothWays() async throws {
        let guests = try StateStore().read { $0.guests.map { ($0.vmid, $0.kind, $0.node) } }
        var cases: [(Int, GuestKind, String?)] = [(9999, .qemu, nil), (9999, .lxc, "pve1"), (100, .qemu, "nosuchnode")]
        for (vmid, kind, node) in guests {
            let other: GuestKind = kind == .qemu ? .lxc : .qemu
            let elsewhere = guests.first { $0.2 != node }?.2
            cases += [(vmid, kind, nil), (vmid, kind, node), (vmid, kind, node.uppercased()), (vmid, kind, node + ".example.lan"),
                      (vmid, other, nil), (vmid, other, node), (vmid, kind, elsewhere)]
        }
        let (short, long, _, _) = Self.engines()
        for (vmid, kind, node) in cases {
            let id = try VMID(vmid)
            let fast = await Self.outcome { try await short.locate(vmid: id, kind: kind, node: node) }
            let slow = await Self.outcome { try await long.locate(vmid: id, kind: kind, node: node) }
            #expect(fast == slow, "\(vmid) \(kind) \(node ?? "-")")
        }
        for (vmid, _, _) in guests + [(9999, .qemu, "")] {
            let id = try VMID(vmid)
            #expect(await Self.outcome { try await short.locate(vmid: id) } == (await Self.outcome { try await long.locate(vmid: id) }))
        }
        // The cases mean something: a right answer, a wrong node, a wrong kind and a missing guest.
        let answers = await Self.outcome { try await short.locate(vmid: try VMID(101), kind: .qemu, node: "PVE1.example.lan") }
        #expect(answers == "\(GuestRef(kind: .qemu, vmid: try VMID(101), node: try NodeName("pve1")))")
        #expect(await Self.outcome { try await short.locate(vmid: try VMID(100), kind: .qemu, node: "pve2") }
            == "error: VM 100 is on node pve1, not on pve2")
        #expect(await Self.outcome { try await short.locate(vmid: try VMID(100), kind: .lxc, node: nil) }
            == "error: invalid vmid: 100 is a VM, use the proxmox_vm_* tools")
    }

    @Test func anUnreadableFileIsTriedOnceThenTheLongWayAlone() async throws {
        let runner = Runner(catRefused: true)
        let engine = ProxmoxEngine(runner: runner)
        _ = try await engine.placements()
        await engine.forgetGuestMap()
        _ = try await engine.placements()
        #expect(runner.ran.withLock { $0 } == ["cat /etc/pve/.vmlist", "pvesh get /cluster/resources --output-format json",
                                               "pvesh get /cluster/resources --output-format json"])
    }

    @Test func aChangeDropsThePlacements() async throws {
        let runner = Runner(catRefused: false)
        let engine = ProxmoxEngine(runner: runner)
        #expect(try await engine.placements()[100]?.node.value == "pve1")
        try runner.store.modify { cluster in cluster.guests[cluster.guests.firstIndex { $0.vmid == 100 }!].node = "pve2" }
        // Within its lifetime the map answers from memory; once forgotten (as after a change) it is read again.
        #expect(try await engine.placements()[100]?.node.value == "pve1")
        await engine.forgetGuestMap()
        #expect(try await engine.placements()[100]?.node.value == "pve2")
    }

    @Test func theFileIsReadAsPveClusterPrintsIt() throws {
        // cfs_create_vmlist_msg's layout (pve-cluster status.c), with an entry of the openvz era.
        let text = "{\n\"version\": 14,\n\"ids\": {\n\"105\": { \"node\": \"pve2\", \"type\": \"lxc\", \"version\": 9 },\n"
            + "\"100\": { \"node\": \"pve1\", \"type\": \"qemu\", \"version\": 3 },\n\"300\": { \"node\": \"old\", \"type\": \"openvz\", \"version\": 1 }}\n\n}\n"
        #expect(try VMList.parse(Array(text.utf8))
            == [GuestRef(kind: .qemu, vmid: try VMID(100), node: try NodeName("pve1")), GuestRef(kind: .lxc, vmid: try VMID(105), node: try NodeName("pve2"))])
        #expect(try VMList.parse(Array("{\n\"version\": 2\n\n}\n".utf8)) == [])
        for bad in ["", "[]", "{\"ids\": {}}", "{\"version\": 1, \"ids\": {\"x\": {\"node\": \"a\", \"type\": \"qemu\"}}}",
                    "{\"version\": 1, \"ids\": {\"100\": {\"type\": \"qemu\"}}}", "{\"version\": 1, \"ids\": []}",
                    "{\"version\": 1, \"ids\": {\"7\": {\"node\": \"pve1\", \"type\": \"qemu\"}}}",
                    "{\"version\": 1, \"ids\": {\"100\": {\"node\": \"pve 1;x\", \"type\": \"qemu\"}}}"] {
            #expect(throws: ParseFailure.self, "\(bad)") { try VMList.parse(Array(bad.utf8)) }
        }
    }

    @Test func theSimulatorPrintsItThatWay() throws {
        let store = StateStore()
        let output = SimulatorCLI.run(program: "cat", arguments: ["/etc/pve/.vmlist"], environment: [:], store: store)
        let text = output.stdoutText
        #expect(output.exitStatus == 0)
        #expect(text.hasPrefix("{\n\"version\": "))
        #expect(text.contains("\n\"100\": { \"node\": \"pve1\", \"type\": \"qemu\", \"version\": 1 },\n"))
        #expect(text.hasSuffix("}\n\n}\n"))
        let other = SimulatorCLI.run(program: "cat", arguments: ["/etc/pve/priv/authkey.key"], environment: [:], store: store)
        #expect(other.exitStatus == 1 && other.stderrText == "cat: /etc/pve/priv/authkey.key: No such file or directory\n")
    }

    @Test func theGuardLetsThisFileAloneThrough() throws {
        let hostGuard = HostGuard()
        #expect((try? hostGuard.check("timeout -k 5 60 cat /etc/pve/.vmlist", policy: GuardPolicy())) != nil)
        for line in ["cat /etc/pve/priv/authkey.key", "cat /etc/pve/.vmlist /etc/shadow", "cat /etc/pve/../shadow", "cat /etc/pve/.members"] {
            #expect((try? hostGuard.check(line, policy: GuardPolicy())) == nil, "\(line)")
        }
    }
}

/// The config shortcut: a guest's file in /etc/pve (read with `cat` from the connected node, no Perl)
/// gives the config `pvesh get .../config` gives: the same options and the same digest.
@Suite struct ConfigFileShortcutTests {
    typealias Runner = VMListShortcutTests.Runner

    @Test func everyGuestsFileReadsAsTheAPIAnswers() async throws {
        let runner = Runner(catRefused: false)
        let engine = ProxmoxEngine(runner: runner, nodeRunners: SimulatedNodeRunners(store: runner.store))
        let guests = try await engine.placements().values.sorted { $0.vmid.value < $1.vmid.value }
        let offline = Set(try runner.store.read { $0.nodes.filter { !$0.online }.map(\.name) })
        #expect(guests.count >= 8 && offline.count == 1)
        for guest in guests {
            runner.ran.withLock { $0 = [] }
            let fromFile = try await engine.config(guest)
            #expect(runner.ran.withLock { $0 } == ["cat \(GuestConfigFile.path(guest))"], "\(guest)")
            // pmxcfs holds the configs of an offline node's guests too; pvesh cannot reach that node.
            if offline.contains(guest.node.value) {
                await #expect(throws: ProxmoxError.self) { try await engine.config(guest, transport: .api) }
                continue
            }
            let fromAPI = try await engine.config(guest, transport: .api)
            #expect(fromFile.value == fromAPI.value, "\(guest)")
            #expect(fromFile.family == .api && fromFile.value.digest?.count == 40)
            // qm/pct config prints the same options (and the digest as one of them).
            var fromCLI = try await engine.config(guest, transport: .cli).value.options
            fromCLI["digest"] = nil
            #expect(fromCLI == fromFile.value.options, "\(guest)")
        }
    }

    @Test func whereTheFilesCannotBeReadPveshAnswers() async throws {
        let runner = Runner(catRefused: true)
        let engine = ProxmoxEngine(runner: runner)
        let guest = try await engine.locate(vmid: try VMID(100), kind: .qemu, node: nil)
        runner.ran.withLock { $0 = [] }
        let config = try await engine.config(guest)
        #expect(config.command.description == "pvesh get /nodes/pve1/qemu/100/config --output-format json")
        #expect(runner.ran.withLock { $0 } == ["pvesh get /nodes/pve1/qemu/100/config --output-format json"])
    }

    @Test func aGuestGoneSinceTheMapIsToldByPvesh() async throws {
        let runner = Runner(catRefused: false)
        let engine = ProxmoxEngine(runner: runner)
        let gone = GuestRef(kind: .qemu, vmid: try VMID(100), node: try NodeName("pve2"))
        await #expect(throws: ProxmoxError.self) { try await engine.config(gone) }
        #expect(runner.ran.withLock { $0 } == ["cat /etc/pve/nodes/pve2/qemu-server/100.conf", "pvesh get /nodes/pve2/qemu/100/config --output-format json"])
        // Not a refusal of the files: the next guest's is read from its file again.
        let there = GuestRef(kind: .qemu, vmid: try VMID(100), node: try NodeName("pve1"))
        #expect(try await engine.config(there).command.program == "cat")
    }

    /// A file as qemu-server writes it: description comments, a pending change and deletion, the
    /// cloud-init and snapshot sections (left out); a container's pending section and raw lxc keys.
    @Test func theFileIsReadAsProxmoxReadsIt() throws {
        let vm = "#web front%3A nginx\n#second line \n" + "boot: order=scsi0\ncores: 2\nmemory: 2048\nnet0: virtio=BC:24:11:00:00:01,bridge=vmbr0\n"
            + "onboot: 1\nparent: before-upgrade\nscsi0: local-lvm:vm-101-disk-0,size=32G\n\n"
            + "[PENDING]\ncores: 4\ndelete: onboot,!net1\n\n[special:cloudinit]\nipconfig0: ip=dhcp\n\n"
            + "[before-upgrade]\n#old\ncores: 1\nsnaptime: 1763000000\nvmstate: local-lvm:vm-101-state-before-upgrade\n"
        let config = try GuestConfigFile.parse(Array(vm.utf8))
        #expect(config.options == ["description": "web front: nginx\nsecond line", "boot": "order=scsi0", "cores": "4", "memory": "2048",
                                   "net0": "virtio=BC:24:11:00:00:01,bridge=vmbr0", "parent": "before-upgrade",
                                   "scsi0": "local-lvm:vm-101-disk-0,size=32G"])
        #expect(config.digest == SHA1.hex(vm))
        let ct = "arch: amd64\r\nhostname: dns\r\nlxc.mount.entry: /a a none bind 0 0\r\nlxc.mount.entry: /b b none bind 0 0\r\n"
            + "rootfs: local-lvm:vm-200-disk-0,size=8G\r\n[pve:pending]\r\nmemory: 1024\r\n[snap1]\r\nmemory: 256\r\n"
        #expect(try GuestConfigFile.parse(Array(ct.utf8)).options == ["arch": "amd64", "hostname": "dns", "memory": "1024",
            "lxc.mount.entry": "/a a none bind 0 0\n/b b none bind 0 0", "rootfs": "local-lvm:vm-200-disk-0,size=8G"])
        for bad in ["cores 2\n", "[PENDING\ncores: 2\n", ": 2\n"] {
            #expect(throws: ParseFailure.self, "\(bad)") { try GuestConfigFile.parse(Array(bad.utf8)) }
        }
        // The digest is SHA-1 (FIPS 180 test vector).
        #expect(SHA1.hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d")
    }

    @Test func theGuardLetsExactlyConfigPathsThrough() {
        let hostGuard = HostGuard()
        for line in ["cat /etc/pve/nodes/pve1/qemu-server/100.conf", "timeout -k 5 60 sudo -n cat /etc/pve/nodes/pve2/lxc/200.conf"] {
            #expect((try? hostGuard.check(line, policy: GuardPolicy())) != nil, "\(line)")
        }
        for line in ["cat /etc/pve/nodes/pve1/qemu-server/0100.conf", "cat /etc/pve/nodes/pve1/qemu-server/100.conf.tmp",
                     "cat /etc/pve/nodes/../priv/authkey.key", "cat /etc/pve/nodes/pve1/qemu-server/../../../priv/token.cfg",
                     "cat /etc/pve/nodes/pve1/openvz/100.conf", "cat /etc/pve/nodes/pve1/qemu-server/100.conf /etc/shadow",
                     "cat /etc/pve/qemu-server/100.conf", "cat /etc/pve/nodes/pve1/qemu-server/42.conf"] {
            #expect((try? hostGuard.check(line, policy: GuardPolicy())) == nil, "\(line)")
        }
        // The host's policy applies to the guest the file belongs to.
        #expect((try? hostGuard.check("cat /etc/pve/nodes/pve1/qemu-server/100.conf", policy: GuardPolicy(vmids: ["200"]))) == nil)
    }
}
