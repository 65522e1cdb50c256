import MCP
import ProxmoxCore

/// Guest disks, for both kinds: grow one, move one to other storage, and turn a guest into a
/// template. The disks themselves are listed by the config tools (`disks`).
enum Disks {
    static let toolset = Toolset(
        id: "disks", summary: "Grow guest disks, move them to other storage, turn guests into templates", isDefault: false,
        tools: [resize, move, template])

    static let vmid = Argument<VMID>.vmid("vmid", "Guest id (VM or container)")
    /// Checked against both kinds' keys here, and against the guest's kind once it is found.
    static let disk = Argument<String>("disk", ["type": "string", "pattern": .string(DiskKey.pattern),
                                               "description": "Disk's config key: scsi0, virtio0, sata0, ide0, efidisk0, tpmstate0 (VMs); rootfs, mp0 (containers); unused0 (both, move only)"],
                                       required: true) { arguments, name in
        let text = try arguments.requiredString(name)
        if (try? DiskKey(text, kind: .qemu, field: name)) == nil { _ = try DiskKey(text, kind: .lxc, field: name) }
        return text
    }
    static let size = Argument<DiskSize>("size", ["type": "string", "pattern": .string(DiskSize.pattern), "maxLength": 24,
                                                 "description": "+10G grows by 10 GiB; 50G makes it 50 GiB (units K, M, G, T, binary). Only growing: Proxmox cannot shrink"],
                                         required: true) { arguments, name in
        try DiskSize(try arguments.requiredString(name), field: name)
    }
    static let storage = Argument<StorageID>.storage("storage", "Storage to move the disk to")
    static let deleteSource = Argument<Bool>.flag("delete_source", "Remove the source volume after the copy; false keeps it as an unused disk", default: false)
    static let format = Argument<String?>.choice("format", "VMs on file storage: image format of the copy; default: as it is", ["raw", "qcow2", "vmdk"])

    static let diskFields: [Field] = [.string("disk", "Disk's config key", required: true)]

    /// The guest and its config, and the named disk in it.
    static func target(_ call: ToolCall) async throws -> (GuestRef, DiskKey, GuestDisk?, GuestConfig) {
        let guest = try await call.engine.locate(vmid: try call[vmid])
        let key = try DiskKey(try call[disk], kind: guest.kind)
        let config = try await call.engine.config(guest, transport: .auto).value
        let disks = GuestDisk.disks(of: config)
        return (guest, key, disks.first { $0.key == key.value }, config)
    }

    static func missing(_ guest: GuestRef, _ key: DiskKey, _ config: GuestConfig) -> ProxmoxError {
        let present = GuestDisk.disks(of: config).map(\.key)
        return .invalidArgument(field: "disk", reason: "\(guest.kind.noun) \(guest.vmid) has no disk \(key) (disks: \(present.isEmpty ? "none" : present.joined(separator: ", ")))")
    }

    static let resize: ToolDefinition = {
        var definition = ToolDefinition(
            name: "proxmox_guest_disk_resize", title: "Grow a guest disk",
            description: "Grow a VM's or container's disk (+10G, or a new size). Shrinking is refused before anything runs (Proxmox cannot shrink). The guest's partitions and file systems are not grown: do that inside the guest.",
            arguments: [vmid.erased, Shared.node.erased, disk.erased, size.erased] + Shared.taskOptions,
            annotations: Shared.changing(destructive: false),
            output: Shared.change(diskFields + [.string("sizeBefore", "Size before, as configured"), .string("sizeAfter", "Size after, as configured (read back)")])
        ) { call in
            let (guest, key, found, config) = try await target(call)
            guard let found else { throw missing(guest, key, config) }
            if ["unused", "efidisk", "tpmstate"].contains(key.bus) {
                throw ProxmoxError.invalidArgument(field: "disk", reason: "\(key) cannot be resized (only disks in use: scsi, virtio, sata, ide, rootfs, mp)")
            }
            let size = try call[size]
            if !size.isIncrement, let current = found.size.flatMap(DiskSize.bytes(ofConfigSize:)), size.bytes <= current {
                throw ProxmoxError.refused("shrinking disks is not supported: \(key) is \(found.size ?? "?"), asked for \(size) (give a larger size or +N); nothing ran")
            }
            var output = try await call.perform(DiskResize(guest, disk: key, size: size), guest: guest, action: "resize disk",
                                                fields: ["disk": .string(key.value), "sizeBefore": found.size.map { .string($0) } ?? .null])
            if output.structured.objectValue?["dryRun"] == false,
               let after = try? await call.engine.config(guest, transport: .auto).value,
               let grown = GuestDisk.disks(of: after).first(where: { $0.key == key.value })?.size, case var .object(fields) = output.structured {
                fields["sizeAfter"] = .string(grown)
                output.structured = .object(fields)
                output.text += "; \(key) is now \(grown)"
            }
            return output
        }
        definition.protection = .always
        return definition
    }()

    static let move: ToolDefinition = {
        var definition = ToolDefinition(
            name: "proxmox_guest_disk_move", title: "Move a guest disk",
            description: "Copy a VM's or container's disk to another storage and use the copy; the source stays as an unused disk unless delete_source. Running VMs move online; a container must be stopped.",
            arguments: [vmid.erased, Shared.node.erased, disk.erased, storage.erased, deleteSource.erased, format.erased] + Shared.taskOptions,
            annotations: Shared.changing(destructive: false),
            output: Shared.change(diskFields + [.string("storage", "Storage it moves to", required: true), .string("from", "Volume it moves from")])
        ) { call in
            let (guest, key, found, config) = try await target(call)
            guard let found else { throw missing(guest, key, config) }
            let storage = try call[storage]
            if found.storage == storage.value {
                throw ProxmoxError.invalidArgument(field: "storage", reason: "\(key) is already on \(storage) (\(found.volume))")
            }
            let format = try call[format]
            if format != nil && guest.kind == .lxc { throw ProxmoxError.invalidArgument(field: "format", reason: "applies to VM disks only") }
            return try await call.perform(DiskMove(guest, disk: key, storage: storage, deleteSource: try call[deleteSource], format: format),
                                          guest: guest, action: "move disk",
                                          fields: ["disk": .string(key.value), "storage": .string(storage.value), "from": .string(found.volume)])
        }
        definition.protection = .always
        return definition
    }()

    static let template: ToolDefinition = {
        var definition = ToolDefinition(
            name: "proxmox_guest_template", title: "Convert a guest to a template",
            description: "Turn a stopped VM or container into a template: its disks become read-only base images, it can no longer start, only be cloned (linked or full). Irreversible.",
            arguments: [Disks.vmid.erased, Shared.node.erased] + Shared.taskOptions,
            annotations: Shared.changing(destructive: true), output: Shared.change()
        ) { call in
            let guest = try await call.engine.locate(vmid: try call[Disks.vmid])
            if let summary = try await call.engine.guest(guest.vmid) {
                if summary.template { throw ProxmoxError.refused("\(guest.kind.noun) \(guest.vmid) is already a template; nothing ran") }
                if summary.status != "stopped" {
                    throw ProxmoxError.refused("\(guest.kind.noun) \(guest.vmid) is \(summary.status): shut it down first, a template cannot run; nothing ran")
                }
            }
            return try await call.perform(MakeTemplate(guest), guest: guest, action: "convert to template")
        }
        definition.protection = .always
        return definition
    }()
}
