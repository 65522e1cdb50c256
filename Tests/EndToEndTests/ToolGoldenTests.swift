import Foundation
import MCP
import ProxmoxCore
import ProxmoxMCP
import PVESimulator
import Testing

/// For every tool and transport: the exact remote command line (dry run for changes, the read itself
/// for reads), against the in-process simulator.
@Suite struct ToolGoldenTests {
    static func environment(safeMode: Bool = false) -> ToolEnvironment {
        let store = StateStore()
        return ToolEnvironment(engine: ProxmoxEngine(runner: SimulatedRunner(store: store), nodeRunners: SimulatedNodeRunners(store: store)),
                               defaultTransport: .auto, simulated: true, safeMode: safeMode)
    }

    static func call(_ tool: String, _ arguments: [String: Value], environment: ToolEnvironment = environment()) async -> CallTool.Result {
        let definition = ToolCatalog.all.first { $0.name == tool }!
        return await ProxmoxMCPServer.call(definition, arguments, environment: environment, logger: .init(label: "test"))
    }

    static func commands(_ result: CallTool.Result) -> [String] {
        result.structuredContent?.objectValue?["commands"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// (tool, arguments, expected line with transport ssh, expected line with transport api)
    static let changes: [(String, [String: Value], String, String)] = [
        ("proxmox_vm_start", ["vmid": 102], "qm start 102", "pvesh create /nodes/pve2/qemu/102/status/start --output-format json"),
        ("proxmox_vm_stop", ["vmid": 100], "qm stop 100", "pvesh create /nodes/pve1/qemu/100/status/stop --output-format json"),
        ("proxmox_vm_restart", ["vmid": 100], "qm reboot 100", "pvesh create /nodes/pve1/qemu/100/status/reboot --output-format json"),
        ("proxmox_vm_shutdown", ["vmid": 101], "qm shutdown 101", "pvesh create /nodes/pve1/qemu/101/status/shutdown --output-format json"),
        ("proxmox_vm_create", ["vmid": 300, "name": "new-vm", "memory": 4096, "cores": 4, "disk_size": 20, "iso": "local:iso/debian-12.8.0-amd64-netinst.iso"],
         "qm create 300 --name new-vm --memory 4096 --cores 4 --sockets 1 --scsihw virtio-scsi-single --scsi0 local-lvm:20 --net0 'virtio,bridge=vmbr0' --ostype l26 --ide2 'local:iso/debian-12.8.0-amd64-netinst.iso,media=cdrom'",
         "pvesh create /nodes/pve1/qemu --vmid 300 --name new-vm --memory 4096 --cores 4 --sockets 1 --scsihw virtio-scsi-single --scsi0 local-lvm:20 --net0 'virtio,bridge=vmbr0' --ostype l26 --ide2 'local:iso/debian-12.8.0-amd64-netinst.iso,media=cdrom' --output-format json"),
        ("proxmox_vm_create", ["vmid": 301, "name": "from-template", "template": 9000, "full": true],
         "qm clone 9000 301 --name from-template --full 1", "pvesh create /nodes/pve1/qemu/9000/clone --newid 301 --name from-template --full 1 --output-format json"),
        ("proxmox_vm_delete", ["vmid": 102, "confirm": true, "purge": true],
         "qm destroy 102 --purge 1", "pvesh delete /nodes/pve2/qemu/102 --purge 1 --output-format json"),
        ("proxmox_vm_clone", ["vmid": 100, "newid": 310, "name": "web02", "full": true, "target_node": "pve2", "target_storage": "local-lvm"],
         "qm clone 100 310 --name web02 --full 1 --target pve2 --storage local-lvm",
         "pvesh create /nodes/pve1/qemu/100/clone --newid 310 --name web02 --full 1 --target pve2 --storage local-lvm --output-format json"),
        ("proxmox_vm_snapshot_create", ["vmid": 100, "snapshot": "pre-change", "description": "before the upgrade", "include_ram": true],
         "qm snapshot 100 pre-change --description 'before the upgrade' --vmstate 1",
         "pvesh create /nodes/pve1/qemu/100/snapshot --snapname pre-change --description 'before the upgrade' --vmstate 1 --output-format json"),
        ("proxmox_vm_snapshot_restore", ["vmid": 100, "snapshot": "pre-upgrade", "start": true],
         "qm rollback 100 pre-upgrade --start 1", "pvesh create /nodes/pve1/qemu/100/snapshot/pre-upgrade/rollback --start 1 --output-format json"),
        ("proxmox_vm_snapshot_delete", ["vmid": 100, "snapshot": "pre-upgrade"],
         "qm delsnapshot 100 pre-upgrade", "pvesh delete /nodes/pve1/qemu/100/snapshot/pre-upgrade --output-format json"),
        ("proxmox_vm_config", ["vmid": 100, "set": ["memory": 8192, "onboot": true, "description": "-leading dash"], "delete": ["tags", "ide2"], "digest": "0123456789abcdef0123456789abcdef01234567"],
         "qm set 100 --description=-leading dash --memory 8192 --onboot 1 --delete tags,ide2 --digest 0123456789abcdef0123456789abcdef01234567".replacingOccurrences(of: "--description=-leading dash", with: "'--description=-leading dash'"),
         "pvesh set /nodes/pve1/qemu/100/config '--description=-leading dash' --memory 8192 --onboot 1 --delete tags,ide2 --digest 0123456789abcdef0123456789abcdef01234567 --output-format json"),
        ("proxmox_ct_start", ["vmid": 203], "pct start 203", "pvesh create /nodes/pve1/lxc/203/status/start --output-format json"),
        ("proxmox_ct_stop", ["vmid": 200], "pct stop 200", "pvesh create /nodes/pve1/lxc/200/status/stop --output-format json"),
        ("proxmox_ct_restart", ["vmid": 201], "pct reboot 201", "pvesh create /nodes/pve2/lxc/201/status/reboot --output-format json"),
        ("proxmox_ct_create", ["vmid": 320, "hostname": "ct-new", "ostemplate": "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst", "password": "s3cret!pw", "memory": 1024],
         "pct create 320 local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst --hostname ct-new --cores 1 --memory 1024 --swap 512 --rootfs local-lvm:8 --net0 'name=eth0,bridge=vmbr0,ip=dhcp' --password '<redacted>' --unprivileged 1",
         "pvesh create /nodes/pve1/lxc --vmid 320 --ostemplate local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst --hostname ct-new --cores 1 --memory 1024 --swap 512 --rootfs local-lvm:8 --net0 'name=eth0,bridge=vmbr0,ip=dhcp' --password '<redacted>' --unprivileged 1 --output-format json"),
        ("proxmox_ct_delete", ["vmid": 203, "confirm": true], "pct destroy 203", "pvesh delete /nodes/pve1/lxc/203 --output-format json"),
        ("proxmox_ct_clone", ["vmid": 203, "newid": 330, "name": "mon2"], "pct clone 203 330 --hostname mon2", "pvesh create /nodes/pve1/lxc/203/clone --newid 330 --hostname mon2 --output-format json"),
        ("proxmox_ct_snapshot_create", ["vmid": 200, "snapshot": "s1"], "pct snapshot 200 s1", "pvesh create /nodes/pve1/lxc/200/snapshot --snapname s1 --output-format json"),
        ("proxmox_ct_snapshot_restore", ["vmid": 203, "snapshot": "base"], "pct rollback 203 base", "pvesh create /nodes/pve1/lxc/203/snapshot/base/rollback --output-format json"),
        ("proxmox_ct_snapshot_delete", ["vmid": 203, "snapshot": "base"], "pct delsnapshot 203 base", "pvesh delete /nodes/pve1/lxc/203/snapshot/base --output-format json"),
    ]

    @Test(arguments: changes)
    func changesInBothTransports(_ tool: String, _ arguments: [String: Value], _ ssh: String, _ api: String) async {
        for (transport, expected) in [("ssh", ssh), ("api", api)] {
            var withOptions = arguments
            withOptions["transport"] = .string(transport)
            withOptions["dryRun"] = true
            let result = await Self.call(tool, withOptions)
            #expect(result.isError == false, "\(tool) \(transport): \(result.content)")
            #expect(Self.commands(result) == [expected], "\(tool) \(transport)")
            #expect(result.structuredContent?.objectValue?["dryRun"] == true)
        }
    }

    /// Reads: (tool, arguments, line with ssh, line with api). Reads without a qm/pct form use pvesh in both.
    static let reads: [(String, [String: Value], String, String)] = [
        ("proxmox_vm_list", [:], "pvesh get /cluster/resources --type vm --output-format json", "pvesh get /cluster/resources --type vm --output-format json"),
        ("proxmox_ct_list", ["node": "pve2"], "pvesh get /cluster/resources --type vm --output-format json", "pvesh get /cluster/resources --type vm --output-format json"),
        ("proxmox_vm_snapshot_list", ["vmid": 100], "qm listsnapshot 100", "pvesh get /nodes/pve1/qemu/100/snapshot --output-format json"),
        ("proxmox_ct_snapshot_list", ["vmid": 203], "pct listsnapshot 203", "pvesh get /nodes/pve1/lxc/203/snapshot --output-format json"),
        ("proxmox_vm_config", ["vmid": 101], "qm config 101", "pvesh get /nodes/pve1/qemu/101/config --output-format json"),
        ("proxmox_node_list", [:], "pvesh get /nodes --output-format json", "pvesh get /nodes --output-format json"),
        ("proxmox_node_status", ["node": "PVE2"], "pvesh get /nodes/pve2/status --output-format json", "pvesh get /nodes/pve2/status --output-format json"),
        ("proxmox_cluster_status", [:], "pvesh get /cluster/status --output-format json", "pvesh get /cluster/status --output-format json"),
        ("proxmox_storage_list", ["node": "pve1.example.lan"], "pvesh get /nodes/pve1/storage --output-format json", "pvesh get /nodes/pve1/storage --output-format json"),
        ("proxmox_storage_list", [:], "pvesh get /cluster/resources --type storage --output-format json", "pvesh get /cluster/resources --type storage --output-format json"),
        ("proxmox_storage_content", ["storage": "local", "content": "vztmpl"], "pvesh get /nodes/pve1/storage/local/content --content vztmpl --output-format json",
         "pvesh get /nodes/pve1/storage/local/content --content vztmpl --output-format json"),
    ]

    @Test(arguments: reads)
    func readsInBothTransports(_ tool: String, _ arguments: [String: Value], _ ssh: String, _ api: String) async {
        for (transport, expected) in [("ssh", ssh), ("api", api)] {
            var withTransport = arguments
            withTransport["transport"] = .string(transport)
            let result = await Self.call(tool, withTransport)
            #expect(result.isError == false, "\(tool) \(transport): \(result.content)")
            #expect(Self.commands(result) == [expected], "\(tool) \(transport)")
        }
    }

    @Test func toolListStaysCompact() throws {
        let bytes = try JSONEncoder().encode(ListTools.Result(tools: ToolCatalog.all.map(\.tool))).count
        #expect(bytes <= 30_000, "tools/list is \(bytes) bytes")
    }

    @Test func everyToolIsCovered() {
        let covered = Set(Self.changes.map(\.0) + Self.reads.map(\.0))
        #expect(Set(ToolCatalog.all.map(\.name)) == covered)
        #expect(ToolCatalog.all.count == 29)
    }

    @Test func sameShapeWhicheverTransportRan() async throws {
        let environment = Self.environment()
        let viaSSH = await Self.call("proxmox_vm_snapshot_list", ["vmid": 100, "transport": "ssh"], environment: environment)
        let viaAPI = await Self.call("proxmox_vm_snapshot_list", ["vmid": 100, "transport": "api"], environment: environment)
        let names = { (result: CallTool.Result) in
            result.structuredContent?.objectValue?["snapshots"]?.arrayValue?.compactMap { $0.objectValue?["name"]?.stringValue }
        }
        #expect(names(viaSSH) == ["pre-upgrade", "post-upgrade", "current"])
        #expect(names(viaSSH) == names(viaAPI))
        let parents = { (result: CallTool.Result) in
            result.structuredContent?.objectValue?["snapshots"]?.arrayValue?.map { $0.objectValue?["parent"]?.stringValue ?? "-" }
        }
        #expect(parents(viaSSH) == parents(viaAPI))
    }
}
