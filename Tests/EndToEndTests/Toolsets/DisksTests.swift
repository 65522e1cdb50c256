import MCP
import ProxmoxCore
import PVESimulator
import Testing

@Suite struct DisksTests {
    static let rows: [GoldenRow] = [
        GoldenRow("proxmox_guest_disk_resize", ["vmid": 100, "disk": "scsi0", "size": "+10G"],
                  cli: ["qm disk resize 100 scsi0 +10G"], api: ["pvesh set /nodes/pve1/qemu/100/resize --disk scsi0 --size +10G --output-format json"]),
        GoldenRow("proxmox_guest_disk_resize", ["vmid": 200, "disk": "rootfs", "size": "12G"],
                  cli: ["pct resize 200 rootfs 12G"], api: ["pvesh set /nodes/pve1/lxc/200/resize --disk rootfs --size 12G --output-format json"]),
        GoldenRow("proxmox_guest_disk_move", ["vmid": 100, "disk": "scsi0", "storage": "tank", "delete_source": true],
                  cli: ["qm disk move 100 scsi0 tank --delete 1"],
                  api: ["pvesh create /nodes/pve1/qemu/100/move_disk --disk scsi0 --storage tank --delete 1 --output-format json"]),
        GoldenRow("proxmox_guest_disk_move", ["vmid": 104, "disk": "scsi0", "storage": "tank", "format": "raw"],
                  cli: ["qm disk move 104 scsi0 tank --format raw"],
                  api: ["pvesh create /nodes/pve1/qemu/104/move_disk --disk scsi0 --storage tank --format raw --output-format json"]),
        GoldenRow("proxmox_guest_disk_move", ["vmid": 203, "disk": "rootfs", "storage": "tank"],
                  cli: ["pct move-volume 203 rootfs tank"], api: ["pvesh create /nodes/pve1/lxc/203/move_volume --volume rootfs --storage tank --output-format json"]),
        GoldenRow("proxmox_guest_template", ["vmid": 203], cli: ["pct template 203"], api: ["pvesh create /nodes/pve1/lxc/203/template --output-format json"]),
    ]

    static let sweep: [(String, [String: Value])] = [
        ("proxmox_guest_disk_resize", ["vmid": 100, "disk": "scsi0", "size": "+1G"]),
        ("proxmox_guest_disk_move", ["vmid": 100, "disk": "scsi0", "storage": "tank"]),
        ("proxmox_guest_template", ["vmid": 203, "confirm": true]),
    ]

    @Test(arguments: rows) func bothTransports(_ row: GoldenRow) async { await Golden.check(row) }

    static func fields(_ result: CallTool.Result) -> [String: Value] { result.structuredContent?.objectValue ?? [:] }

    @Test(arguments: ["api", "cli"]) func growingADiskShowsTheNewSize(_ transport: String) async throws {
        let store = StateStore()
        let environment = Golden.environment(store: store)
        let grown = await Golden.call("proxmox_guest_disk_resize", ["vmid": 100, "disk": "scsi0", "size": "+10G", "transport": .string(transport)],
                                      environment: environment)
        #expect(grown.isError == false, "\(grown.content)")
        #expect(Self.fields(grown)["sizeBefore"] == "32G" && Self.fields(grown)["sizeAfter"] == "42G")
        let absolute = await Golden.call("proxmox_guest_disk_resize", ["vmid": 200, "disk": "rootfs", "size": "0.5T", "transport": .string(transport)],
                                         environment: environment)
        #expect(Self.fields(absolute)["sizeAfter"] == "512G", "\(absolute.content)")
        #expect(try store.read { $0.guests.first { $0.vmid == 100 }?.config["scsi0"] } == "local-lvm:vm-100-disk-0,iothread=1,size=42G")
        let volume = try store.read { $0.storages.flatMap(\.volumes).first { $0.volid == "local-lvm:vm-100-disk-0" } }
        #expect(volume?.size == 45_097_156_608)
    }

    @Test func shrinkingAndBadDisksAreRefusedBeforeAnythingRuns() async throws {
        let store = StateStore()
        let environment = Golden.environment(store: store)
        let tasks = try store.read { $0.tasks.count }
        let shrink = await Golden.call("proxmox_guest_disk_resize", ["vmid": 100, "disk": "scsi0", "size": "20G"], environment: environment)
        #expect(shrink.errorDetails["reason"] == "refused")
        #expect(shrink.errorDetails["message"] == "shrinking disks is not supported: scsi0 is 32G, asked for 20G (give a larger size or +N); nothing ran")
        let same = await Golden.call("proxmox_guest_disk_resize", ["vmid": 100, "disk": "scsi0", "size": "32G"], environment: environment)
        #expect(same.errorDetails["reason"] == "refused")
        let missing = await Golden.call("proxmox_guest_disk_resize", ["vmid": 100, "disk": "scsi3", "size": "+1G"], environment: environment)
        #expect(missing.errorDetails["message"] == "invalid disk: VM 100 has no disk scsi3 (disks: scsi0)")
        let wrongKind = await Golden.call("proxmox_guest_disk_resize", ["vmid": 200, "disk": "scsi0", "size": "+1G"], environment: environment)
        #expect(wrongKind.errorDetails["field"] == "disk")
        for size in ["-1G", "10GB", "1e3", "+0", "", "1..5G"] {
            let bad = await Golden.call("proxmox_guest_disk_resize", ["vmid": 100, "disk": "scsi0", "size": .string(size)], environment: environment)
            #expect(bad.errorDetails["reason"] == "invalid_argument" && bad.errorDetails["field"] == "size", "\(size)")
        }
        for disk in ["scsi31", "rootfs1", "scsi01", "../x", "net0"] {
            let bad = await Golden.call("proxmox_guest_disk_resize", ["vmid": 100, "disk": .string(disk), "size": "+1G"], environment: environment)
            #expect(bad.errorDetails["field"] == "disk", "\(disk)")
        }
        let sameStorage = await Golden.call("proxmox_guest_disk_move", ["vmid": 100, "disk": "scsi0", "storage": "local-lvm"], environment: environment)
        #expect(sameStorage.errorDetails["message"] == "invalid storage: scsi0 is already on local-lvm (local-lvm:vm-100-disk-0)")
        #expect(try store.read { $0.tasks.count } == tasks)
        // The host itself refuses to shrink, with Proxmox's words.
        let host = SimulatorCLI.run(program: "qm", arguments: ["disk", "resize", "100", "scsi0", "20G"], environment: [:], store: store)
        #expect(host.stderrText == "shrinking disks is not supported\n" && host.exitStatus == 255)
    }

    @Test(arguments: ["api", "cli"]) func movingKeepsTheSourceAsUnusedUnlessDeleted(_ transport: String) async throws {
        let store = StateStore()
        let environment = Golden.environment(store: store)
        let kept = await Golden.call("proxmox_guest_disk_move", ["vmid": 100, "disk": "scsi0", "storage": "tank", "transport": .string(transport)],
                                     environment: environment)
        #expect(kept.isError == false, "\(kept.content)")
        #expect(Self.fields(kept)["from"] == "local-lvm:vm-100-disk-0")
        let config = try #require(try store.read { $0.guests.first { $0.vmid == 100 }?.config })
        #expect(config["scsi0"] == "tank:vm-100-disk-0,iothread=1,size=32G" && config["unused0"] == "local-lvm:vm-100-disk-0")
        let listed = await Golden.call("proxmox_vm_config_get", ["vmid": 100], environment: environment)
        let disks = Self.fields(listed)["disks"]?.arrayValue?.compactMap { $0.objectValue?["key"]?.stringValue }
        #expect(disks == ["scsi0", "unused0"])
        let deleted = await Golden.call("proxmox_guest_disk_move", ["vmid": 203, "disk": "rootfs", "storage": "tank", "delete_source": true,
                                                                   "transport": .string(transport)], environment: environment)
        #expect(deleted.isError == false, "\(deleted.content)")
        let container = try #require(try store.read { $0.guests.first { $0.vmid == 203 }?.config })
        #expect(container["rootfs"] == "tank:vm-203-disk-0,size=16G" && container["unused0"] == nil)
        #expect(try store.read { $0.storages.flatMap(\.volumes).contains { $0.volid == "local-lvm:vm-203-disk-0" } } == false)
    }

    @Test func aTemplateNeedsConfirmAndAStoppedGuest() async throws {
        let store = StateStore()
        let environment = Golden.environment(store: store)
        let unconfirmed = await Golden.call("proxmox_guest_template", ["vmid": 203], environment: environment)
        #expect(unconfirmed.errorDetails["reason"] == "refused" && Golden.commands(unconfirmed).isEmpty)
        let running = await Golden.call("proxmox_guest_template", ["vmid": 100, "confirm": true], environment: environment)
        #expect(running.errorDetails["message"] == "VM 100 is running: shut it down first, a template cannot run; nothing ran")
        let already = await Golden.call("proxmox_guest_template", ["vmid": 9000, "confirm": true], environment: environment)
        #expect(already.errorDetails["message"] == "VM 9000 is already a template; nothing ran")
        for transport in ["api", "cli"] {
            let vmid = transport == "api" ? 203 : 102
            let made = await Golden.call("proxmox_guest_template", ["vmid": .int(vmid), "confirm": true, "transport": .string(transport)], environment: environment)
            #expect(made.isError == false, "\(made.content)")
        }
        let container = try #require(try store.read { $0.guests.first { $0.vmid == 203 }?.config })
        #expect(container["template"] == "1" && container["rootfs"] == "local-lvm:base-203-disk-0,size=16G")
        #expect(try store.read { $0.guests.first { $0.vmid == 102 }?.config["template"] } == "1")
        let list = await Golden.call("proxmox_ct_list", [:], environment: environment)
        let entry = Self.fields(list)["containers"]?.arrayValue?.compactMap(\.objectValue).first { $0["vmid"] == 203 }
        #expect(entry?["template"] == true, "\(list.content)")
    }

    /// A template on shared storage gives linked clones on any node; one on local storage only where it is.
    @Test(arguments: ["api", "cli"]) func aLinkedCloneOfATemplateOnSharedStorageLandsOnAnotherNode(_ transport: String) async throws {
        let store = StateStore()
        let environment = Golden.environment(store: store)
        let made = await Golden.call("proxmox_vm_create", ["vmid": 410, "name": "from-ceph", "template": 9001, "node": "pve1",
                                                           "transport": .string(transport)], environment: environment)
        #expect(made.isError == false, "\(made.content)")
        #expect(Golden.commands(made).first == (transport == "cli" ? "qm clone 9001 410 --name from-ceph --target pve1"
            : "pvesh create /nodes/pve2/qemu/9001/clone --newid 410 --name from-ceph --target pve1 --output-format json"))
        let clone = try #require(try store.read { $0.guests.first { $0.vmid == 410 } })
        #expect(clone.node == "pve1" && clone.config["scsi0"] == "ceph-vm:vm-410-disk-0,iothread=1,size=12G")
        #expect(Self.fields(made)["task"]?.objectValue?["log"]?.arrayValue?.first == "create linked clone of drive scsi0 (ceph-vm:base-9001-disk-0)")
        // The local template cannot be cloned linked to pve2: Proxmox refuses before any task, nothing is made.
        let local = await Golden.call("proxmox_vm_create", ["vmid": 411, "name": "far", "template": 9000, "node": "pve2",
                                                            "transport": .string(transport)], environment: environment)
        #expect(local.errorDetails["message"]?.stringValue?.hasSuffix("can't clone VM to node 'pve2' (VM uses local storage)") == true, "\(local.errorDetails)")
        #expect(try store.read { $0.guests.contains { $0.vmid == 411 } } == false)
    }
}
