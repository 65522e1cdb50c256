import MCP
import ProxmoxCore

/// VMs and containers: list, power, create, delete, clone. One implementation, parameterised by
/// kind (`qm` + `/qemu` for VMs, `pct` + `/lxc` for containers). Names are fixed: proxmox_vm_*
/// and proxmox_ct_*.
enum Guests {
    static let toolset = Toolset(
        id: "guests", summary: "List, start, stop, restart, create, clone and delete VMs and containers", isDefault: true,
        tools: tools(.qemu) + tools(.lxc))

    static func tools(_ kind: GuestKind) -> [ToolDefinition] {
        let actions: [(PowerAction, String)] = kind == .qemu
            ? [(.start, "start"), (.stop, "stop"), (.reboot, "restart"), (.shutdown, "shutdown")]
            : [(.start, "start"), (.stop, "stop"), (.reboot, "restart")]
        return [list(kind)] + actions.map { power(kind, $0.0, toolVerb: $0.1) }
            + [kind == .qemu ? createVM : createContainer, delete(kind), clone(kind)]
    }

    static func prefix(_ kind: GuestKind) -> String { kind == .qemu ? "proxmox_vm" : "proxmox_ct" }
    static func noun(_ kind: GuestKind) -> String { kind == .qemu ? "VM" : "container" }

    // MARK: List

    static let status = Argument<String?>.choice("status", "Only guests in this state, as the cluster's resource list reports it (a paused VM there is running; unknown: its node is offline)", ["running", "stopped", "paused", "suspended", "unknown"])
    static let tag = Argument<FreeText?>.text("tag", "Only guests with this tag (case-insensitive)", maxLength: 128, oneLine: true)
    static let pool = Argument<FreeText?>.text("pool", "Only members of this resource pool", maxLength: 128, oneLine: true)
    static let name = Argument<FreeText?>.text("name", "Only names containing this (case-insensitive), or matching it as a glob with * and ?, e.g. web-*", maxLength: 128, oneLine: true)
    static let template = Argument<Bool?>.flag("template", "true: templates only; false: no templates; default both")
    static let limit = Argument<Int>.integer("limit", "Guests per page, by id", unit: "guests", range: 1...1000, default: 200)
    static let cursor = Argument<FreeText?>.text("cursor", "nextCursor of the previous page; default: the first page", maxLength: 64, oneLine: true)

    static func list(_ kind: GuestKind) -> ToolDefinition {
        let key = kind == .qemu ? "vms" : "containers"
        return ToolDefinition(
            name: "\(prefix(kind))_list", title: "List \(noun(kind))s",
            description: "List \(kind == .qemu ? "QEMU VMs" : "LXC containers") of the whole cluster (or one node) with status, node, CPU, memory, disk, tags, pool and lock; templates are flagged. Filters combine; pages of limit by id, total always given. transport cli with a node runs `\(kind.cliTool) list` on that node (that node only, no tags or usage). Read-only.",
            arguments: [Shared.filterNode.erased, status.erased, tag.erased, pool.erased, name.erased, template.erased, limit.erased,
                        cursor.erased, Shared.transport.erased],
            annotations: Shared.readOnly,
            output: Shared.provenance + [
                .list(key, "\(noun(kind))s of this page, by id", GuestSummary.schema, required: true),
                .integer("total", "\(noun(kind))s matching the filters, on all pages", required: true),
                .string("nextCursor", "Pass as cursor for the next page; absent on the last"),
            ]
        ) { call in
            let after: Int? = try call[cursor].map { text in
                guard let id = GuestPage.id(fromCursor: text.value) else {
                    throw ProxmoxError.invalidArgument(field: "cursor", reason: "'\(text.value.prefix(40))' is not a cursor of this tool (pass nextCursor as returned)")
                }
                return id
            }
            let filter = GuestFilter(status: try call[status], tag: try call[tag]?.value, pool: try call[pool]?.value,
                                     name: try call[name]?.value, template: try call[template])
            let node = try await call.node(Shared.filterNode)
            var outcome = try await call.engine.read(ListGuests(kind: kind, node: node), transport: try call.transport())
            if outcome.command.family == .cli, let node { outcome.notes.append(ListGuests.cliNote(kind, node: node)) }
            let page = GuestPage(outcome.value, filter: filter, limit: try call[limit], after: after)
            var text = page.guests.isEmpty ? "No \(noun(kind))s." : page.guests.map(\.line).joined(separator: "\n")
            if let next = page.nextCursor {
                text += "\n(\(page.guests.count) of \(page.total); cursor \(next) for the next page)"
            }
            var fields: [String: Value] = [key: try Structured.encode(page.guests), "total": .int(page.total)]
            if let next = page.nextCursor { fields["nextCursor"] = .string(next) }
            return call.answer(fields, outcome, text: text)
        }
    }

    // MARK: Power

    static func power(_ kind: GuestKind, _ action: PowerAction, toolVerb: String) -> ToolDefinition {
        let (title, effect, destructive): (String, String, Bool) = switch action {
        case .start: ("Start", "Start a stopped \(noun(kind)).", false)
        case .stop: ("Stop (hard)", "Stop a \(noun(kind)) at once, like pulling the plug: unsaved data in the guest is lost. Prefer shutdown or restart.", true)
        case .shutdown: ("Shut down", "Shut a VM down cleanly through ACPI (the guest OS powers off).", false)
        case .reboot: ("Restart", "Restart a running \(noun(kind)) cleanly through its OS.", false)
        }
        var definition = ToolDefinition(
            name: "\(prefix(kind))_\(toolVerb)", title: "\(title) \(noun(kind))", description: "\(effect) Waits for the Proxmox task.",
            arguments: [Shared.vmid.erased, Shared.node.erased] + Shared.taskOptions,
            annotations: Shared.changing(destructive: destructive), output: Shared.change()
        ) { call in
            let guest = try await call.guest(kind)
            return try await call.perform(GuestPower(guest, action), guest: guest, action: toolVerb)
        }
        definition.protection = action == .start ? .never : .always
        return definition
    }

    // MARK: Delete

    static let purge = Argument<Bool>.flag("purge", "Also remove it from backup jobs, replication and HA", default: false)
    static let unreferenced = Argument<Bool>.flag("destroy_unreferenced_disks", "Also destroy disks of this id that its config does not name",
                                                  default: false)

    static func delete(_ kind: GuestKind) -> ToolDefinition {
        var definition = ToolDefinition(
            name: "\(prefix(kind))_delete", title: "Delete \(noun(kind))",
            description: "Delete a stopped \(noun(kind)) and its disks. IRREVERSIBLE: needs confirm: true, else the user is asked (when the client can ask).",
            arguments: [Shared.vmid.erased, Shared.node.erased, Shared.confirm.erased, purge.erased, unreferenced.erased] + Shared.taskOptions,
            annotations: Shared.changing(destructive: true), output: Shared.change()
        ) { call in
            let guest = try await call.guest(kind)
            return try await call.perform(DeleteGuest(guest, purge: try call[purge], destroyUnreferencedDisks: try call[unreferenced]),
                                          guest: guest, action: "delete")
        }
        definition.createsOrDeletes = true
        definition.protection = .always
        definition.confirmationText = { call in try await deletion(call, try await call.guest(kind)) }
        return definition
    }

    /// What a delete asks: what would be lost.
    static func deletion(_ call: ToolCall, _ guest: GuestRef) async throws -> ConfirmationText {
        do {
            let summary = try await call.engine.guest(guest.vmid)
            let snapshots = (try? await call.engine.snapshots(guest, transport: .api).value.filter { !$0.current }.count) ?? 0
            let name = summary?.name.map { " (\($0))" } ?? ""
            let disks = ((try? await call.engine.config(guest, transport: .auto).value).map(GuestDisk.disks(of:)) ?? []).map(\.line)
            let lost = disks.isEmpty ? "Its disks" : "Its disks (\(disks.joined(separator: ", ")))"
            return ConfirmationText(
                what: "deleting \(guest.kind.noun) \(guest.vmid) on \(guest.node)",
                question: "Delete \(guest.kind.noun) \(guest.vmid)\(name) on node \(guest.node)? It is \(summary?.status ?? "in an unknown state") "
                    + "and has \(snapshots) snapshot\(snapshots == 1 ? "" : "s"). \(lost) and snapshots are destroyed; this cannot be undone.")
        }
    }

    // MARK: Clone

    static let newid = Argument<VMID?>.vmid("newid", "Id of the new guest; default: the next free id")
    static let full = Argument<Bool?>.flag("full", "Full copy; false: linked clone (templates only, shares the base disk); default: linked for templates, full otherwise")
    static let targetNode = Argument<String?>.node("target_node", "Node for the copy; default: the source's node")
    static let targetStorage = Argument<StorageID?>.storage("target_storage", "Storage for the copy's disks (full clones); default: the source's")

    static func clone(_ kind: GuestKind) -> ToolDefinition {
        let name = Argument<GuestName?>.dnsName("name", kind == .qemu ? "Name of the copy (DNS name)" : "Hostname of the copy (DNS name)")
        var definition = ToolDefinition(
            name: "\(prefix(kind))_clone", title: "Clone \(noun(kind))",
            description: "Clone a \(noun(kind)) or template to a new id: full copy, or linked (templates only). Optional target node and storage.",
            arguments: [Shared.vmid.erased, Shared.node.erased, newid.erased, name.erased, full.erased, targetNode.erased, targetStorage.erased,
                        Shared.description.erased] + Shared.taskOptions,
            annotations: Shared.changing(destructive: false), output: Shared.change([.integer("newid", "Id of the copy", required: true)])
        ) { call in
            let guest = try await call.guest(kind)
            let spec = CloneSpec(newid: try await newID(call, newid), name: try call[name], full: try call[full],
                                 target: try await call.node(targetNode), storage: try call[targetStorage], description: try call[Shared.description])
            return try await call.perform(CloneGuest(guest, spec), guest: guest, action: "clone", fields: ["newid": .int(spec.newid.value)])
        }
        definition.createsOrDeletes = true
        return definition
    }

    /// The id for a new guest: given (and free), or the next free one.
    static func newID(_ call: ToolCall, _ argument: Argument<VMID?>) async throws -> VMID {
        if let vmid = try call[argument] {
            if let placed = try await call.engine.placements()[vmid.value] {
                let name = (try? await call.engine.guest(vmid))?.flatMap(\.name) ?? ""
                throw ProxmoxError.invalidArgument(field: argument.name, reason: "\(vmid) is already used by \(placed.kind.noun) \(name)")
            }
            return vmid
        }
        return try await call.engine.nextID()
    }

    // MARK: Create

    static let ostypes = ["l26", "l24", "win11", "win10", "win8", "win7", "w2k8", "wvista", "w2k3", "wxp", "w2k", "solaris", "other"]
    static let creationNode = Argument<String?>.node("node", "Node to create it on; default: the server's defaultNode, else the node logged in to")
    static let start = Argument<Bool>.flag("start", "Start it once created", default: false)

    enum VM {
        static let vmid = Argument<VMID?>.vmid("vmid", "Id of the new VM; default: the next free id")
        static let name = Argument<GuestName?>.dnsName("name", "VM name (DNS name)")
        static let template = Argument<VMID?>.vmid("template", "Clone this template instead of installing from an ISO (then only name, full, description apply)")
        static let full = Argument<Bool?>.flag("full", "With template: full copy instead of a linked clone; default: linked")
        static let iso = Argument<VolumeID?>.volume("iso", "Installer ISO volume, e.g. local:iso/debian-12.8.0-amd64-netinst.iso; default: none")
        static let memory = Argument<Int>.integer("memory", "Memory", unit: "MiB", range: 16...4_194_304, default: 2048)
        static let cores = Argument<Int>.integer("cores", "CPU cores per socket", unit: "count", range: 1...512, default: 2)
        static let sockets = Argument<Int>.integer("sockets", "CPU sockets", unit: "count", range: 1...8, default: 1)
        static let diskStorage = Argument<StorageID>.storage("disk_storage", "Storage for the system disk", default: "local-lvm")
        static let diskSize = Argument<Int>.integer("disk_size", "System disk size", unit: "GiB", range: 1...131_072, default: 32)
        static let bridge = Argument<String>("bridge", ["type": "string", "pattern": "^[a-zA-Z][a-zA-Z0-9_.-]*$", "maxLength": 15,
                                                         "description": "Bridge of the network card (virtio); default vmbr0"]) { arguments, name in
            try Guests.bridge(arguments.string(name) ?? "vmbr0")
        }
        static let ostype = Argument<String>.choice("ostype", "Guest OS type (l26: Linux 2.6+)", ostypes, default: "l26")
        /// Only for installs from an ISO; refused with `template`.
        static let hardware = ["iso", "memory", "cores", "sockets", "disk_storage", "disk_size", "bridge", "ostype", "start"]
    }

    static let createVM: ToolDefinition = {
        var definition = ToolDefinition(
            name: "proxmox_vm_create", title: "Create VM",
            description: "Create a VM: from an ISO (new disk, boots the installer), or as a clone of a template (`template`: its id). Stopped unless start: true.",
            arguments: [VM.vmid.erased, VM.name.erased, creationNode.erased, VM.template.erased, VM.full.erased, VM.iso.erased, VM.memory.erased,
                        VM.cores.erased, VM.sockets.erased, VM.diskStorage.erased, VM.diskSize.erased, VM.bridge.erased, VM.ostype.erased,
                        start.erased, Shared.description.erased] + Shared.taskOptions,
            annotations: Shared.changing(destructive: false), output: Shared.change()
        ) { call in
            let node = try await call.scopeNode(creationNode)
            let vmid = try await newID(call, VM.vmid)
            if let template = try call[VM.template] {
                if let conflict = VM.hardware.first(where: call.has) {
                    throw ProxmoxError.invalidArgument(field: conflict, reason: "does not apply to a clone of a template: change it afterwards with proxmox_vm_config")
                }
                let source = try await call.engine.locate(vmid: template, kind: .qemu, node: nil)
                let spec = CloneSpec(newid: vmid, name: try call[VM.name], full: try call[VM.full],
                                     target: source.node == node ? nil : node, storage: nil, description: try call[Shared.description])
                return try await call.perform(CloneGuest(source, spec), guest: GuestRef(kind: .qemu, vmid: vmid, node: node),
                                              action: "create from template \(template)")
            }
            let spec = VMCreateSpec(
                vmid: vmid, name: try call[VM.name], memoryMiB: try call[VM.memory], cores: try call[VM.cores], sockets: try call[VM.sockets],
                diskStorage: try call[VM.diskStorage], diskGiB: try call[VM.diskSize], iso: try call[VM.iso], bridge: try call[VM.bridge],
                ostype: try call[VM.ostype], start: try call[start], description: try call[Shared.description])
            return try await call.perform(CreateVM(node: node, spec), guest: GuestRef(kind: .qemu, vmid: vmid, node: node), action: "create")
        }
        definition.createsOrDeletes = true
        return definition
    }()

    static func bridge(_ bridge: String) throws -> String {
        guard bridge.count <= 15, let first = bridge.unicodeScalars.first, first.properties.isAlphabetic, first.isASCII,
              bridge.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0)) })
        else { throw ProxmoxError.invalidArgument(field: "bridge", reason: "'\(bridge.prefix(40))' is not a bridge name (e.g. vmbr0)") }
        return bridge
    }

    enum CT {
        static let vmid = Argument<VMID?>.vmid("vmid", "Id of the new container; default: the next free id")
        static let hostname = Argument<GuestName>.dnsName("hostname", "Hostname (DNS name)")
        static let ostemplate = Argument<VolumeID>.volume("ostemplate", "Template volume, e.g. local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst")
        static let cores = Argument<Int>.integer("cores", "CPU cores", unit: "count", range: 1...8192, default: 1)
        static let memory = Argument<Int>.integer("memory", "Memory", unit: "MiB", range: 16...4_194_304, default: 512)
        static let swap = Argument<Int>.integer("swap", "Swap", unit: "MiB", range: 0...4_194_304, default: 512)
        static let rootfsStorage = Argument<StorageID>.storage("rootfs_storage", "Storage for the root filesystem", default: "local-lvm")
        static let rootfsSize = Argument<Int>.integer("rootfs_size", "Root filesystem size", unit: "GiB", range: 1...131_072, default: 8)
        static let defaultNet = "name=eth0,bridge=vmbr0,ip=dhcp"
        static let net0 = Argument<FreeText>("net0", ["type": "string", "maxLength": 512,
                                                     "description": .string("First network device, Proxmox property string; default \(defaultNet)")]) { arguments, name in
            try arguments.text(name, maxLength: 512, allowNewlines: false) ?? FreeText(defaultNet, field: name)
        }
        static let password = Argument<FreeText?>("password", ["type": "string", "minLength": 5, "maxLength": 256,
                                                              "description": "Root password, at least 5 characters (never logged or shown)"]) { arguments, name in
            let password = try arguments.text(name, maxLength: 256, allowNewlines: false)
            if let password, password.value.count < 5 { throw ProxmoxError.invalidArgument(field: name, reason: "must be at least 5 characters") }
            return password
        }
        static let sshKeys = Argument<FreeText?>.text("ssh_public_keys", "Authorized keys for root, one per line (runs the pvesh form)", maxLength: 65_536)
        static let unprivileged = Argument<Bool>.flag("unprivileged", "Unprivileged container (root inside is not root outside)", default: true)
    }

    static let createContainer: ToolDefinition = {
        var definition = ToolDefinition(
            name: "proxmox_ct_create", title: "Create container",
            description: "Create an LXC container from a template in storage. Give a root password or SSH public keys. Stopped unless start: true.",
            arguments: [CT.vmid.erased, CT.hostname.erased, creationNode.erased, CT.ostemplate.erased, CT.cores.erased, CT.memory.erased,
                        CT.swap.erased, CT.rootfsStorage.erased, CT.rootfsSize.erased, CT.net0.erased, CT.password.erased, CT.sshKeys.erased,
                        CT.unprivileged.erased, start.erased, Shared.description.erased] + Shared.taskOptions,
            annotations: Shared.changing(destructive: false), output: Shared.change()
        ) { call in
            let node = try await call.scopeNode(creationNode)
            let vmid = try await newID(call, CT.vmid)
            let spec = ContainerCreateSpec(
                vmid: vmid, ostemplate: try call[CT.ostemplate], hostname: try call[CT.hostname], cores: try call[CT.cores],
                memoryMiB: try call[CT.memory], swapMiB: try call[CT.swap], rootfsStorage: try call[CT.rootfsStorage],
                rootfsGiB: try call[CT.rootfsSize], net0: try call[CT.net0], password: try call[CT.password], sshPublicKeys: try call[CT.sshKeys],
                unprivileged: try call[CT.unprivileged], start: try call[start], description: try call[Shared.description])
            if spec.password == nil && spec.sshPublicKeys == nil {
                throw ProxmoxError.invalidArgument(field: "password", reason: "give a root password or ssh_public_keys, or the container cannot be logged into")
            }
            return try await call.perform(CreateContainer(node: node, spec), guest: GuestRef(kind: .lxc, vmid: vmid, node: node), action: "create",
                                          secrets: [spec.password?.value].compactMap { $0 })
        }
        definition.createsOrDeletes = true
        return definition
    }()
}
