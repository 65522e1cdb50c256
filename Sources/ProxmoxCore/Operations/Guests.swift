/// Guests: listing, power, create, delete, clone. VM and container operations are one
/// declaration each, parameterised by ``GuestKind`` (`qm` + `/qemu`, `pct` + `/lxc`).

/// All guests of the cluster, optionally one kind and/or one node only. The pvesh form reads
/// `/cluster/resources` (every node); the qm/pct form, `qm list` / `pct list`, exists for one
/// kind on one node, and runs on that node.
public struct ListGuests: ReadOperation {
    public var kind: GuestKind?
    public var node: NodeName?
    public init(kind: GuestKind? = nil, node: NodeName? = nil) {
        self.kind = kind
        self.node = node
    }

    // Filtering by kind and node happens on the parsed result: the endpoint's only filter is `type`.
    public var apiCommand: Command { CommandForm.pvesh("get", "/cluster/resources", ["--type", "vm"]) }
    public var cliCommand: Command? {
        guard let kind, node != nil else { return nil }
        return Command([kind.cliTool, "list"], isReadOnly: true)
    }
    public var autoFamily: CommandFamily { .api }
    public var guest: GuestRef? { nil }
    public var cliNode: NodeName? { node }

    /// What a listing by qm/pct leaves out, said with its answer.
    public static func cliNote(_ kind: GuestKind, node: NodeName) -> String {
        "`\(kind.cliTool) list` shows the \(kind == .qemu ? "VMs" : "containers") of node \(node) only, without tags, pools, "
            + "templates or usage (template reads false); transport api lists the whole cluster with them"
    }

    public func parse(_ output: CommandOutput, family: CommandFamily) throws(ParseFailure) -> [GuestSummary] {
        if family == .cli, let kind, let node {
            let text = String(decoding: output.stdout, as: UTF8.self)
            return kind == .qemu ? try GuestTable.parseQemu(text, node: node.value) : try GuestTable.parseContainers(text, node: node.value)
        }
        // Row by row: a cluster of 10,000 guests is a 3 MB answer.
        let records: [[(String, JSONValue)]]?
        do { records = try JSONValue.parseRecords(output.stdout) } catch {
            throw ParseFailure(output.stdout.isEmpty ? "no output" : "not JSON (\(output.stdout.count) bytes)")
        }
        let guests = if let records { try GuestSummary.parseList(records: records) } else { try GuestSummary.parseList(try Self.document(output)) }
        return guests.filter { guest in
            (kind == nil || guest.type == kind) && (node == nil || guest.node == node?.value)
        }
    }
}

/// Start, stop (hard), clean shutdown or reboot.
public struct GuestPower: ChangeOperation {
    public var target: GuestRef
    public var action: PowerAction
    public init(_ target: GuestRef, _ action: PowerAction) {
        self.target = target
        self.action = action
    }

    public var apiCommand: Command { CommandForm.pvesh("create", target.apiPath + "/status/\(action.rawValue)") }
    public var cliCommand: Command? { CommandForm.cli(target.kind, action.rawValue, target.vmid) }
    public var autoFamily: CommandFamily { .api }
    public var guest: GuestRef? { target }
    public var effect: ChangeEffect { .task }
}

/// A new VM from an ISO: `qm create` / `POST /nodes/{node}/qemu`.
public struct CreateVM: ChangeOperation {
    public var node: NodeName
    public var spec: VMCreateSpec
    public init(node: NodeName, _ spec: VMCreateSpec) {
        self.node = node
        self.spec = spec
    }

    public var apiCommand: Command {
        CommandForm.pvesh("create", "/nodes/\(node)/qemu", ["--vmid", spec.vmid.description] + options)
    }
    public var cliCommand: Command? { Command(["qm", "create", spec.vmid.description] + options, isReadOnly: false) }
    public var autoFamily: CommandFamily { .cli }
    public var guest: GuestRef? { GuestRef(kind: .qemu, vmid: spec.vmid, node: node) }
    public var effect: ChangeEffect { .task }

    var options: [String] {
        typealias F = CommandForm
        return F.option("name", spec.name) + F.option("memory", String(spec.memoryMiB)) + F.option("cores", String(spec.cores))
            + F.option("sockets", String(spec.sockets)) + F.option("scsihw", "virtio-scsi-single")
            + F.option("scsi0", "\(spec.diskStorage):\(spec.diskGiB)") + F.option("net0", "virtio,bridge=\(spec.bridge)")
            + F.option("ostype", spec.ostype) + F.option("ide2", spec.iso.map { "\($0),media=cdrom" })
            + F.option("description", spec.description) + F.flag("start", spec.start)
    }
}

/// A new container from a template: `pct create` / `POST /nodes/{node}/lxc`.
public struct CreateContainer: ChangeOperation {
    public var node: NodeName
    public var spec: ContainerCreateSpec
    public init(node: NodeName, _ spec: ContainerCreateSpec) {
        self.node = node
        self.spec = spec
    }

    public var apiCommand: Command {
        CommandForm.pvesh("create", "/nodes/\(node)/lxc", ["--vmid", spec.vmid.description, "--ostemplate", spec.ostemplate.value]
            + options + CommandForm.option("ssh-public-keys", spec.sshPublicKeys))
    }
    /// `pct create --ssh-public-keys` takes a file on the host, not the keys: only the API takes them inline.
    public var cliCommand: Command? {
        spec.sshPublicKeys != nil ? nil
            : Command(["pct", "create", spec.vmid.description, spec.ostemplate.value] + options, isReadOnly: false)
    }
    public var autoFamily: CommandFamily { .cli }
    public var guest: GuestRef? { GuestRef(kind: .lxc, vmid: spec.vmid, node: node) }
    public var effect: ChangeEffect { .task }

    var options: [String] {
        typealias F = CommandForm
        return F.option("hostname", spec.hostname.value) + F.option("cores", String(spec.cores))
            + F.option("memory", String(spec.memoryMiB)) + F.option("swap", String(spec.swapMiB))
            + F.option("rootfs", "\(spec.rootfsStorage):\(spec.rootfsGiB)") + F.option("net0", spec.net0)
            + F.option("password", spec.password) + F.option("unprivileged", spec.unprivileged ? "1" : "0")
            + F.option("description", spec.description) + F.flag("start", spec.start)
    }
}

/// Destroy a guest and its disks.
public struct DeleteGuest: ChangeOperation {
    public var target: GuestRef
    public var purge: Bool
    public var destroyUnreferencedDisks: Bool
    public init(_ target: GuestRef, purge: Bool, destroyUnreferencedDisks: Bool) {
        self.target = target
        self.purge = purge
        self.destroyUnreferencedDisks = destroyUnreferencedDisks
    }

    public var apiCommand: Command { CommandForm.pvesh("delete", target.apiPath, options) }
    public var cliCommand: Command? { CommandForm.cli(target.kind, "destroy", target.vmid, options) }
    public var autoFamily: CommandFamily { .cli }
    public var guest: GuestRef? { target }
    public var effect: ChangeEffect { .task }

    var options: [String] { CommandForm.flag("purge", purge) + CommandForm.flag("destroy-unreferenced-disks", destroyUnreferencedDisks) }
}

/// Clone a guest or template to a new id; the task carries the source's id.
public struct CloneGuest: ChangeOperation {
    public var source: GuestRef
    public var spec: CloneSpec
    public init(_ source: GuestRef, _ spec: CloneSpec) {
        self.source = source
        self.spec = spec
    }

    public var apiCommand: Command {
        CommandForm.pvesh("create", source.apiPath + "/clone", ["--newid", spec.newid.description] + options)
    }
    public var cliCommand: Command? { CommandForm.cli(source.kind, "clone", source.vmid, [spec.newid.description] + options) }
    public var autoFamily: CommandFamily { .cli }
    public var guest: GuestRef? { source }
    public var effect: ChangeEffect { .task }

    var options: [String] {
        typealias F = CommandForm
        return F.option(source.kind == .qemu ? "name" : "hostname", spec.name) + F.option("full", spec.full.map { $0 ? "1" : "0" })
            + F.option("target", spec.target) + F.option("storage", spec.storage) + F.option("description", spec.description)
    }
}

/// The next free guest id (Proxmox prints it as a string, the schema says integer: both parse).
public struct NextFreeID: ReadOperation {
    public init() {}
    public var apiCommand: Command { CommandForm.pvesh("get", "/cluster/nextid") }
    public var cliCommand: Command? { nil }
    public var autoFamily: CommandFamily { .api }
    public var guest: GuestRef? { nil }

    public func parse(_ output: CommandOutput, family: CommandFamily) throws(ParseFailure) -> VMID {
        guard let number = try Self.document(output).intValue, let vmid = try? VMID(Int(number)) else { throw ParseFailure("not a VM id") }
        return vmid
    }
}
