import MCP
import ProxmoxCore
import PVESimulator
import Testing

@Suite struct MigrationTests {
    static let rows: [GoldenRow] = [
        GoldenRow("proxmox_vm_migrate", ["vmid": 100, "target": "pve2", "with_local_disks": true],
                  cli: ["qm migrate 100 pve2 --online 1 --with-local-disks 1"],
                  api: ["pvesh create /nodes/pve1/qemu/100/migrate --target pve2 --online 1 --with-local-disks 1 --output-format json"]),
        GoldenRow("proxmox_vm_migrate", ["vmid": 9000, "target": "pve2", "target_storage": "tank", "bwlimit": 51200],
                  cli: ["qm migrate 9000 pve2 --targetstorage tank --bwlimit 51200"],
                  api: ["pvesh create /nodes/pve1/qemu/9000/migrate --target pve2 --targetstorage tank --bwlimit 51200 --output-format json"]),
        GoldenRow("proxmox_ct_migrate", ["vmid": 200, "target": "pve2", "shutdown_timeout": 60],
                  cli: ["pct migrate 200 pve2 --restart 1 --timeout 60"],
                  api: ["pvesh create /nodes/pve1/lxc/200/migrate --target pve2 --restart 1 --timeout 60 --output-format json"]),
        GoldenRow("proxmox_node_evacuation_plan", ["node": "pve1"], both: [
            "pvesh get /nodes --output-format json", "pvesh get /cluster/resources --type vm --output-format json",
            "pvesh get /cluster/ha/resources --output-format json",
        ] + [("qemu", 101), ("qemu", 100), ("qemu", 104), ("lxc", 200), ("lxc", 203), ("qemu", 9000)].map { "pvesh get /nodes/pve1/\($0.0)/\($0.1)/migrate --output-format json" }),
    ]

    /// At the end of the sweep: a stopped container moves offline (after the disks sweep made it a template).
    static let sweep: [(String, [String: Value])] = [
        ("proxmox_node_evacuation_plan", ["node": "pve1"]),
        ("proxmox_vm_migrate", ["vmid": 104, "target": "pve2", "with_local_disks": true]),
        ("proxmox_ct_migrate", ["vmid": 203, "target": "pve2"]),
    ]

    @Test(arguments: rows) func bothTransports(_ row: GoldenRow) async { await Golden.check(row) }

    static func fields(_ result: CallTool.Result) -> [String: Value] { result.structuredContent?.objectValue ?? [:] }

    @Test(arguments: ["api", "cli"]) func aRunningVMMovesOnlineWithItsLocalDisks(_ transport: String) async throws {
        let store = StateStore()
        let result = await Golden.call("proxmox_vm_migrate", ["vmid": 100, "target": "pve2", "with_local_disks": true, "transport": .string(transport)],
                                       environment: Golden.environment(store: store))
        #expect(result.isError == false, "\(result.content)")
        let fields = Self.fields(result)
        #expect(fields["target"] == "pve2" && fields["action"] == "migrate" && fields["node"] == "pve1")
        let preconditions = try #require(fields["preconditions"]?.objectValue)
        #expect(preconditions["running"] == true && preconditions["allowedNodes"] == ["pve2"])
        #expect(preconditions["localDisks"]?.arrayValue?.first?.objectValue?["volid"] == "local-lvm:vm-100-disk-0")
        #expect(preconditions["localDisks"]?.arrayValue?.first?.objectValue?["size"] == .int(34_359_738_368))
        let log = fields["task"]?.objectValue?["log"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(log.contains("migration finished successfully (duration 00:00:18)"), "\(log)")
        #expect(log.contains("migration completed, transferred 4.0 GiB VM-state"))
        let guest = try #require(try store.read { $0.guests.first { $0.vmid == 100 } })
        #expect(guest.node == "pve2" && guest.status == "running" && guest.lock == nil)
        let volume = try store.read { $0.storages.first { $0.id == "local-lvm" }?.volumes.first { $0.volid == "local-lvm:vm-100-disk-0" } }
        #expect(volume?.node == "pve2")
        // The server knows the new place at once.
        let status = await Golden.call("proxmox_vm_config_get", ["vmid": 100], environment: Golden.environment(store: store))
        #expect(Self.fields(status)["node"] == "pve2", "\(status.content)")
    }

    /// Every refusal comes before anything runs: the guest stays where it is, no task starts.
    @Test func refusalsRunNothing() async throws {
        let store = StateStore()
        let environment = Golden.environment(store: store)
        let tasksBefore = try store.read { $0.tasks.count }
        let cases: [([String: Value], String, String)] = [
            (["vmid": 100, "target": "pve1"], "invalid_argument", "invalid target: VM 100 is already on pve1; name another node"),
            (["vmid": 100, "target": "pve3"], "refused", "node pve3 is offline; a migration needs the target online; nothing ran"),
            (["vmid": 100, "target": "nowhere"], "not_found", "no node 'nowhere' in this cluster; nodes: pve1, pve2, pve3"),
            (["vmid": 100, "target": "pve2"], "refused",
             "cannot migrate VM 100 to pve2: local-lvm:vm-100-disk-0 is on local storage; an online migration copies it only with with_local_disks: true; nothing ran"),
            (["vmid": 100, "target": "pve2", "online": false], "invalid_argument", "invalid online: VM 100 is running: move it live (online: true) or shut it down first"),
            (["vmid": 102, "target": "pve1"], "refused",
             "cannot migrate VM 102 to pve1: local resources hostpci0 tie the guest to its node (passthrough devices cannot move); nothing ran"),
        ]
        for (arguments, reason, message) in cases {
            let result = await Golden.call("proxmox_vm_migrate", arguments, environment: environment)
            #expect(result.errorDetails["reason"] == .string(reason), "\(arguments): \(result.content)")
            #expect(result.errorDetails["message"] == .string(message), "\(arguments)")
        }
        let running = await Golden.call("proxmox_ct_migrate", ["vmid": 200, "target": "pve2", "restart": false], environment: environment)
        #expect(running.errorDetails["field"] == "restart")
        #expect(try store.read { $0.tasks.count } == tasksBefore)
        #expect(try store.read { $0.guests.first { $0.vmid == 100 }?.node } == "pve1")
    }

    @Test func theHostRefusesWhatTheToolWouldNotSend() throws {
        // Straight at the simulated host, the same checks fail as qemu-server's do.
        let store = StateStore()
        let local = SimulatorCLI.run(program: "qm", arguments: ["migrate", "100", "pve2", "--online", "1"], environment: [:], store: store)
        #expect(local.exitStatus == 255)
        #expect(local.stderrText.contains("TASK ERROR") || local.stderrText.contains("can't live migrate attached local disks without with-local-disks option"),
                "\(local.stderrText)")
        let stopped = SimulatorCLI.run(program: "qm", arguments: ["migrate", "100", "pve2"], environment: [:], store: store)
        #expect(stopped.stderrText == "can't migrate running VM without --online\n")
        let same = SimulatorCLI.run(program: "pvesh", arguments: ["create", "/nodes/pve1/qemu/100/migrate", "--target", "pve1"], environment: [:], store: store)
        #expect(same.stderrText.hasPrefix("400 Parameter verification failed.\ntarget: target is local node.\n"), "\(same.stderrText)")
        #expect(try store.read { $0.guests.first { $0.vmid == 100 }?.node } == "pve1")
    }

    @Test func aContainerRestartMigrationComesUpOnTheTarget() async throws {
        let store = StateStore()
        let result = await Golden.call("proxmox_ct_migrate", ["vmid": 200, "target": "pve2"], environment: Golden.environment(store: store))
        #expect(result.isError == false, "\(result.content)")
        let log = Self.fields(result)["task"]?.objectValue?["log"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(log.contains("  successfully started CT 200 on 'pve2'"), "\(log)")
        #expect(Self.fields(result)["preconditions"]?.objectValue?["allowedNodes"] == ["pve2"])
        let guest = try #require(try store.read { $0.guests.first { $0.vmid == 200 } })
        #expect(guest.node == "pve2" && guest.status == "running")
    }

    /// The plan for pve1: HA moves its HA resources, the rest goes to pve2 by free memory.
    @Test func evacuationPlanOfPve1() async throws {
        let result = await Golden.call("proxmox_node_evacuation_plan", ["node": "pve1"])
        #expect(result.isError == false, "\(result.content)")
        let guests = Self.fields(result)["guests"]?.arrayValue?.compactMap(\.objectValue) ?? []
        let summary = guests.map { "\($0["vmid"]?.intValue ?? 0) \($0["action"]?.stringValue ?? "") \($0["target"]?.stringValue ?? "-") \($0["online"] == true)" }
        #expect(summary == ["101 ha - true", "100 ha - true", "104 migrate pve2 true", "200 migrate pve2 true", "203 migrate pve2 false", "9000 migrate pve2 false"],
                "\(summary)")
        #expect(guests.first { $0["vmid"] == 104 }?["withLocalDisks"] == true)
        let targets = Self.fields(result)["targets"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(targets.count == 1 && targets.first?["node"] == "pve2")
        // pve2 had 33539407872 - 6442450944 free; 104 (2 GiB) and 200 (512 MiB) run there afterwards.
        #expect(targets.first?["freeBefore"] == .int(27_096_956_928))
        #expect(targets.first?["freeAfter"] == .int(27_096_956_928 - 2_147_483_648 - 536_870_912))
        #expect(Self.fields(result)["notes"] == ["offline nodes take no guests: pve3"])
        // pve2: its VM with a GPU cannot move; the rest goes to pve1.
        let other = await Golden.call("proxmox_node_evacuation_plan", ["node": "pve2"])
        let blocked = Self.fields(other)["guests"]?.arrayValue?.compactMap(\.objectValue).first { $0["vmid"] == 102 }
        #expect(blocked?["action"] == "blocked")
        #expect(blocked?["reason"] == "local resources hostpci0 tie the guest to its node (passthrough devices cannot move)")
    }
}
