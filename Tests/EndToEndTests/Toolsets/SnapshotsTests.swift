import MCP
import Testing

@Suite struct SnapshotsTests {
    static let rows: [GoldenRow] = [
        GoldenRow("proxmox_vm_snapshot_create", ["vmid": 100, "snapshot": "pre-change", "description": "before the upgrade", "include_ram": true],
                  cli: ["qm snapshot 100 pre-change --description 'before the upgrade' --vmstate 1"],
                  api: ["pvesh create /nodes/pve1/qemu/100/snapshot --snapname pre-change --description 'before the upgrade' --vmstate 1 --output-format json"]),
        GoldenRow("proxmox_vm_snapshot_list", ["vmid": 100], cli: ["qm listsnapshot 100"], api: ["pvesh get /nodes/pve1/qemu/100/snapshot --output-format json"]),
        GoldenRow("proxmox_vm_snapshot_restore", ["vmid": 100, "snapshot": "pre-upgrade", "start": true],
                  cli: ["qm rollback 100 pre-upgrade --start 1"], api: ["pvesh create /nodes/pve1/qemu/100/snapshot/pre-upgrade/rollback --start 1 --output-format json"]),
        GoldenRow("proxmox_vm_snapshot_delete", ["vmid": 100, "snapshot": "pre-upgrade"],
                  cli: ["qm delsnapshot 100 pre-upgrade"], api: ["pvesh delete /nodes/pve1/qemu/100/snapshot/pre-upgrade --output-format json"]),
        GoldenRow("proxmox_ct_snapshot_create", ["vmid": 200, "snapshot": "s1"],
                  cli: ["pct snapshot 200 s1"], api: ["pvesh create /nodes/pve1/lxc/200/snapshot --snapname s1 --output-format json"]),
        GoldenRow("proxmox_ct_snapshot_list", ["vmid": 203], cli: ["pct listsnapshot 203"], api: ["pvesh get /nodes/pve1/lxc/203/snapshot --output-format json"]),
        GoldenRow("proxmox_ct_snapshot_restore", ["vmid": 203, "snapshot": "base"],
                  cli: ["pct rollback 203 base"], api: ["pvesh create /nodes/pve1/lxc/203/snapshot/base/rollback --output-format json"]),
        GoldenRow("proxmox_ct_snapshot_delete", ["vmid": 203, "snapshot": "base"],
                  cli: ["pct delsnapshot 203 base"], api: ["pvesh delete /nodes/pve1/lxc/203/snapshot/base --output-format json"]),
    ]

    @Test(arguments: rows) func bothTransports(_ row: GoldenRow) async { await Golden.check(row) }

    @Test func sameShapeWhicheverTransportRan() async throws {
        let environment = Golden.environment()
        let viaSSH = await Golden.call("proxmox_vm_snapshot_list", ["vmid": 100, "transport": "ssh"], environment: environment)
        let viaAPI = await Golden.call("proxmox_vm_snapshot_list", ["vmid": 100, "transport": "api"], environment: environment)
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
