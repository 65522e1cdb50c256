/// Pure translation of an intent into the argv that carries it out, per command family.
///
/// `cli` is what an administrator types (`qm start 100`); `api` is `pvesh <verb> <path> [options]
/// --output-format json`. Intents without a qm/pct form (cluster-wide reads, nodes, storage, tasks)
/// are always built as pvesh, whatever family was asked for; ``Command/family`` tells what was built.
public enum CommandBuilder {
    public static func command(for intent: Intent, family: CommandFamily) -> Command {
        if family == .cli && intent.hasCLIForm, let command = cliCommand(for: intent) {
            return command
        }
        return apiCommand(for: intent)
    }

    // MARK: qm / pct

    static func cliCommand(for intent: Intent) -> Command? {
        switch intent {
        case let .power(guest, action):
            return cli(guest.kind, action.rawValue, guest.vmid)
        case let .createVM(_, spec):
            return Command(["qm", "create", spec.vmid.description] + vmOptions(spec), isReadOnly: false)
        case let .createContainer(_, spec):
            return Command(["pct", "create", spec.vmid.description, spec.ostemplate.value] + containerOptions(spec),
                           isReadOnly: false)
        case let .delete(guest, purge, unreferenced):
            return cli(guest.kind, "destroy", guest.vmid, deleteOptions(purge: purge, unreferenced: unreferenced))
        case let .clone(guest, spec):
            return cli(guest.kind, "clone", guest.vmid, [spec.newid.description] + cloneOptions(guest.kind, spec))
        case let .snapshotCreate(guest, name, description, includeRAM):
            return cli(guest.kind, "snapshot", guest.vmid, [name.value] + snapshotOptions(guest.kind, description, includeRAM))
        case let .snapshotList(guest):
            return cli(guest.kind, "listsnapshot", guest.vmid, readOnly: true)
        case let .snapshotRollback(guest, name, start):
            return cli(guest.kind, "rollback", guest.vmid, [name.value] + (start ? option("start", "1") : []))
        case let .snapshotDelete(guest, name):
            return cli(guest.kind, "delsnapshot", guest.vmid, [name.value])
        case let .configGet(guest):
            return cli(guest.kind, "config", guest.vmid, readOnly: true)
        case let .configSet(guest, change):
            return cli(guest.kind, "set", guest.vmid, configOptions(change))
        default:
            return nil
        }
    }

    static func cli(_ kind: GuestKind, _ verb: String, _ vmid: VMID, _ rest: [String] = [],
                    readOnly: Bool = false) -> Command {
        Command([kind.cliTool, verb, vmid.description] + rest, isReadOnly: readOnly)
    }

    // MARK: pvesh

    static func apiCommand(for intent: Intent) -> Command {
        switch intent {
        case .listNodes:
            return pvesh("get", "/nodes")
        case let .nodeStatus(node):
            return pvesh("get", "/nodes/\(node)/status")
        case .clusterStatus:
            return pvesh("get", "/cluster/status")
        case .listGuests:
            // Filtering by kind and node happens on the parsed result: the endpoint's only filter is `type`.
            return pvesh("get", "/cluster/resources", ["--type", "vm"])
        case let .power(guest, action):
            return pvesh("create", guest.apiPath + "/status/\(action.rawValue)")
        case let .createVM(node, spec):
            return pvesh("create", "/nodes/\(node)/qemu", ["--vmid", spec.vmid.description] + vmOptions(spec))
        case let .createContainer(node, spec):
            var options = ["--vmid", spec.vmid.description, "--ostemplate", spec.ostemplate.value] + containerOptions(spec)
            if let keys = spec.sshPublicKeys { options += option("ssh-public-keys", keys.value) }
            return pvesh("create", "/nodes/\(node)/lxc", options)
        case let .delete(guest, purge, unreferenced):
            return pvesh("delete", guest.apiPath, deleteOptions(purge: purge, unreferenced: unreferenced))
        case let .clone(guest, spec):
            return pvesh("create", guest.apiPath + "/clone", ["--newid", spec.newid.description] + cloneOptions(guest.kind, spec))
        case let .snapshotCreate(guest, name, description, includeRAM):
            return pvesh("create", guest.apiPath + "/snapshot",
                         ["--snapname", name.value] + snapshotOptions(guest.kind, description, includeRAM))
        case let .snapshotList(guest):
            return pvesh("get", guest.apiPath + "/snapshot")
        case let .snapshotRollback(guest, name, start):
            return pvesh("create", guest.apiPath + "/snapshot/\(name)/rollback", start ? option("start", "1") : [])
        case let .snapshotDelete(guest, name):
            return pvesh("delete", guest.apiPath + "/snapshot/\(name)")
        case let .configGet(guest):
            return pvesh("get", guest.apiPath + "/config")
        case let .configSet(guest, change):
            // PUT: synchronous for both kinds (containers have no POST config).
            return pvesh("set", guest.apiPath + "/config", configOptions(change))
        case let .storageList(node?):
            return pvesh("get", "/nodes/\(node)/storage")
        case .storageList(nil):
            return pvesh("get", "/cluster/resources", ["--type", "storage"])
        case let .storageContent(node, storage, content):
            return pvesh("get", "/nodes/\(node)/storage/\(storage)/content", content.map { option("content", $0) } ?? [])
        case .nextID:
            return pvesh("get", "/cluster/nextid")
        case let .taskStatus(upid):
            return pvesh("get", "/nodes/\(upid.node)/tasks/\(upid)/status")
        case let .taskLog(upid, start, limit):
            return pvesh("get", "/nodes/\(upid.node)/tasks/\(upid)/log", ["--start", String(start), "--limit", String(limit)])
        case let .activeTasks(node, vmid):
            return pvesh("get", "/nodes/\(node)/tasks", ["--vmid", vmid.description, "--source", "active"])
        }
    }

    /// `pvesh <verb> <path> [options] --output-format json`.
    static func pvesh(_ verb: String, _ path: String, _ options: [String] = []) -> Command {
        Command(["pvesh", verb, path] + options + ["--output-format", "json"], isReadOnly: verb == "get")
    }

    // MARK: Options

    /// `--key value`, or `--key=value` when the value starts with '-' so it can never be read as an option.
    static func option(_ key: String, _ value: String) -> [String] {
        value.hasPrefix("-") ? ["--\(key)=\(value)"] : ["--\(key)", value]
    }

    static func vmOptions(_ spec: VMCreateSpec) -> [String] {
        var options: [String] = []
        if let name = spec.name { options += option("name", name.value) }
        options += option("memory", String(spec.memoryMiB)) + option("cores", String(spec.cores))
            + option("sockets", String(spec.sockets)) + option("scsihw", "virtio-scsi-single")
            + option("scsi0", "\(spec.diskStorage):\(spec.diskGiB)") + option("net0", "virtio,bridge=\(spec.bridge)")
            + option("ostype", spec.ostype)
        if let iso = spec.iso { options += option("ide2", "\(iso),media=cdrom") }
        if let description = spec.description { options += option("description", description.value) }
        if spec.start { options += option("start", "1") }
        return options
    }

    static func containerOptions(_ spec: ContainerCreateSpec) -> [String] {
        var options = option("hostname", spec.hostname.value) + option("cores", String(spec.cores))
            + option("memory", String(spec.memoryMiB)) + option("swap", String(spec.swapMiB))
            + option("rootfs", "\(spec.rootfsStorage):\(spec.rootfsGiB)")
        if let net0 = spec.net0 { options += option("net0", net0.value) }
        if let password = spec.password { options += option("password", password.value) }
        options += option("unprivileged", spec.unprivileged ? "1" : "0")
        if let description = spec.description { options += option("description", description.value) }
        if spec.start { options += option("start", "1") }
        return options
    }

    static func deleteOptions(purge: Bool, unreferenced: Bool) -> [String] {
        (purge ? option("purge", "1") : []) + (unreferenced ? option("destroy-unreferenced-disks", "1") : [])
    }

    static func cloneOptions(_ kind: GuestKind, _ spec: CloneSpec) -> [String] {
        var options: [String] = []
        if let name = spec.name { options += option(kind == .qemu ? "name" : "hostname", name.value) }
        if let full = spec.full { options += option("full", full ? "1" : "0") }
        if let target = spec.target { options += option("target", target.value) }
        if let storage = spec.storage { options += option("storage", storage.value) }
        if let description = spec.description { options += option("description", description.value) }
        return options
    }

    static func snapshotOptions(_ kind: GuestKind, _ description: FreeText?, _ includeRAM: Bool) -> [String] {
        (description.map { option("description", $0.value) } ?? []) + (kind == .qemu && includeRAM ? option("vmstate", "1") : [])
    }

    static func configOptions(_ change: ConfigChange) -> [String] {
        var options = change.set.keys.sorted { $0.value < $1.value }.flatMap { option($0.value, change.set[$0]!.value) }
        if !change.delete.isEmpty { options += option("delete", change.delete.map(\.value).joined(separator: ",")) }
        if let digest = change.digest { options += option("digest", digest) }
        return options
    }
}
