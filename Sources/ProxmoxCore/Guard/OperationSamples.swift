/// One instance of every operation the tools build (of every kind and variant whose command has
/// another shape), from which the guard derives what may run on the host: the builders themselves
/// make the commands here, so the allowlist is whatever they produce. `APIGet` and `APICall` are
/// absent on purpose: they take any path of the schema, which the guard treats as raw API access.
/// A test fails when an operation type of `Operations/` is missing here.
public enum OperationSamples {
    /// Values chosen distinct from one another, so that a positional argument of a qm/pct form is
    /// recognised by its value in the pvesh form (`qm migrate 100 pve2` ↔ `--target pve2`).
    public static var all: [any ProxmoxOperation] {
        let node = try! NodeName("pve1"), other = try! NodeName("pve2")
        let upid = try! UPID(parsing: "UPID:pve1:0003A1B2:01C59578:6B115C22:qmstart:100:root@pam:")
        var samples: [any ProxmoxOperation] = [
            TaskStatusRead(upid), TaskLogRead(upid, start: 0, limit: 50), TaskStop(upid), ActiveTasks(node: node, vmid: try! VMID(100), type: "qmstart"),
            TaskList(node: node, filter: TaskFilter(status: "error", vmid: try! VMID(100), type: "vzdump")), TaskList(node: nil, filter: TaskFilter()),
            ListGuests(), ListGuests(kind: .qemu, node: node), ListGuests(kind: .lxc, node: node), NextFreeID(), ListNodes(), NodeStatus(node), ClusterStatus(), ClusterResources(), StorageList(node: node), StorageList(node: nil),
            StorageContent(node: node, storage: try! StorageID("local"), content: "iso", vmid: nil),
            BackupList(node: node, storage: try! StorageID("nas"), vmid: try! VMID(100)), BackupStorages(node: node),
            BackupDelete(node: node, archive: try! VolumeID("nas:backup/vzdump-qemu-100-2025_11_20-01_00_03.vma.zst", field: "volume")),
            BackupCreate(node: node, guests: [guest(.qemu, 100), guest(.lxc, 201)],
                         spec: BackupSpec(storage: try! StorageID("nas"), mode: "snapshot", compress: "zstd", notesTemplate: try! FreeText("{{guestname}}", field: "notes"), protected: true)),
            CreateVM(node: node, VMCreateSpec(vmid: try! VMID(300), name: try! GuestName("new"), memoryMiB: 2048, cores: 2, sockets: 1,
                                              diskStorage: try! StorageID("local-lvm"), diskGiB: 8, iso: try! VolumeID("local:iso/debian.iso", field: "iso"),
                                              bridge: "vmbr0", ostype: "l26", start: true, description: try! FreeText("text", field: "description"))),
            CreateContainer(node: node, ContainerCreateSpec(
                vmid: try! VMID(320), ostemplate: try! VolumeID("local:vztmpl/debian.tar.zst", field: "ostemplate"), hostname: try! GuestName("ct"),
                cores: 1, memoryMiB: 512, swapMiB: 512, rootfsStorage: try! StorageID("local-lvm"), rootfsGiB: 8, net0: try! FreeText("name=eth0,bridge=vmbr0,ip=dhcp", field: "net0"),
                password: try! FreeText("secret-1", field: "password"), sshPublicKeys: try! FreeText("ssh-ed25519 AAAA k", field: "keys"),
                unprivileged: true, start: true, description: nil)),
            // Without SSH keys the qm/pct form exists too (pct create reads keys from a file).
            CreateContainer(node: node, ContainerCreateSpec(
                vmid: try! VMID(321), ostemplate: try! VolumeID("local:vztmpl/alpine.tar.xz", field: "ostemplate"), hostname: try! GuestName("ct2"),
                cores: 2, memoryMiB: 1024, swapMiB: 256, rootfsStorage: try! StorageID("tank"), rootfsGiB: 4, net0: nil,
                password: try! FreeText("secret-3", field: "password"), sshPublicKeys: nil, unprivileged: false, start: false, description: nil)),
            HAResourceList(),
        ]
        for kind in GuestKind.allCases {
            let target = guest(kind, kind == .qemu ? 100 : 200)
            samples += PowerAction.allCases.map { GuestPower(target, $0) } as [any ProxmoxOperation]
            samples += [
                DeleteGuest(target, purge: true, destroyUnreferencedDisks: true),
                CloneGuest(target, CloneSpec(newid: try! VMID(310), name: try! GuestName("copy"), full: true, target: other, storage: try! StorageID("tank"),
                                             description: try! FreeText("copy", field: "description"))),
                SnapshotCreate(target, try! SnapshotName("snap1"), description: try! FreeText("before", field: "description"), includeRAM: true),
                SnapshotList(target), SnapshotRollback(target, try! SnapshotName("snap2"), start: true), SnapshotDelete(target, try! SnapshotName("snap3")),
                ConfigGet(target), ConfigSet(target, try! ConfigChange(set: [try! ConfigKey("memory"): try! FreeText("4096", field: "memory")],
                                                                      delete: [try! ConfigKey("ide2")], digest: String(repeating: "a", count: 40))),
                DiskResize(target, disk: try! DiskKey(kind == .qemu ? "scsi0" : "rootfs", kind: kind), size: try! DiskSize("+10G")),
                DiskMove(target, disk: try! DiskKey(kind == .qemu ? "scsi1" : "mp0", kind: kind), storage: try! StorageID("tank"), deleteSource: true,
                         format: kind == .qemu ? "qcow2" : nil),
                MakeTemplate(target), MigrationPreconditions(target, to: other),
                Migrate(target, to: other, mode: MigrationMode(online: kind == .qemu, withLocalDisks: kind == .qemu, targetStorage: try! StorageID("tank"),
                                                               restart: kind == .lxc, shutdownTimeout: 60, bandwidthLimit: 1024)),
                RestoreBackup(guest(kind, 150), RestoreSpec(archive: try! VolumeID(kind == .qemu ? "nas:backup/vzdump-qemu-100.vma.zst" : "nas:backup/vzdump-lxc-200.tar.zst",
                                                                                  field: "volume"), storage: try! StorageID("local-lvm"), force: true, unique: true)),
            ]
        }
        let vm = guest(.qemu, 100), container = guest(.lxc, 200)
        samples += AgentQuery.Query.allCases.map { AgentQuery(vm, $0) } as [any ProxmoxOperation]
        samples += CloudInitDump.Part.allCases.map { CloudInitDump(vm, $0) } as [any ProxmoxOperation]
        let program = try! GuestProgram(["df", "-h"], allowed: ["df"])
        samples += [
            CloudInitSet(vm, CloudInitSettings(user: try! FreeText("admin", field: "user"), password: "secret-2", ipConfigs: [0: try! IPConfig("ip=dhcp", field: "ip")],
                                               nameserver: try! FreeText("192.0.2.53", field: "ns"), searchdomain: try! FreeText("lab", field: "sd"))),
            CloudInitSet(vm, CloudInitSettings(sshKeys: ["ssh-ed25519 AAAA k"])), CloudInitRegenerate(vm),
            ContainerInterfaces(container), AgentExec(vm, program, timeout: 30), AgentExecStatus(vm, pid: 4001), ContainerExec(container, program),
        ]
        return samples
    }

    static func guest(_ kind: GuestKind, _ id: Int) -> GuestRef {
        GuestRef(kind: kind, vmid: try! VMID(id), node: try! NodeName("pve1"))
    }
}
