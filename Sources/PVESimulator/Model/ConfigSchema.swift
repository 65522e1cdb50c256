import ProxmoxCore

/// The guest config keys Proxmox accepts and their types (PVE 9.1 API schema, `PUT .../config`,
/// appendices A and B of the reference digest). Used to refuse unknown keys and bad values as
/// Proxmox does, and to type values in JSON output (integers and booleans print as numbers).
enum ConfigSchema {
    enum ValueType { case integer, number, boolean, string }

    static func type(of key: String, kind: GuestKind) -> ValueType? {
        let table = kind == .qemu ? qemu : lxc
        if let type = table[key] { return type }
        // Indexed keys: net0, scsi3, mp1, ...
        let stem = String(key.prefix { !$0.isNumber })
        let index = key.dropFirst(stem.count)
        guard !index.isEmpty, index.allSatisfy(\.isNumber), index.count <= 3 else { return nil }
        return (kind == .qemu ? qemuIndexed : lxcIndexed).contains(stem) ? .string : nil
    }

    static let qemu: [String: ValueType] = [
        "acpi": .boolean, "affinity": .string, "agent": .string, "arch": .string, "args": .string, "audio0": .string,
        "autostart": .boolean, "balloon": .integer, "bios": .string, "boot": .string, "bootdisk": .string,
        "cdrom": .string, "cicustom": .string, "cipassword": .string, "citype": .string, "ciupgrade": .boolean,
        "ciuser": .string, "cores": .integer, "cpu": .string, "cpulimit": .number, "cpuunits": .integer,
        "description": .string, "efidisk0": .string, "freeze": .boolean, "hookscript": .string, "hotplug": .string,
        "hugepages": .string, "ivshmem": .string, "keephugepages": .boolean, "keyboard": .string, "kvm": .boolean,
        "localtime": .boolean, "lock": .string, "machine": .string, "memory": .string, "meta": .string,
        "migrate_downtime": .number, "migrate_speed": .integer, "name": .string, "nameserver": .string,
        "numa": .boolean, "onboot": .boolean, "ostype": .string, "protection": .boolean, "reboot": .boolean,
        "rng0": .string, "scsihw": .string, "searchdomain": .string, "shares": .integer, "smbios1": .string,
        "smp": .integer, "sockets": .integer, "spice_enhancements": .string, "sshkeys": .string,
        "startdate": .string, "startup": .string, "tablet": .boolean, "tags": .string, "tdf": .boolean,
        "template": .boolean, "tpmstate0": .string, "vcpus": .integer, "vga": .string, "vmgenid": .string,
        "vmstatestorage": .string, "watchdog": .string,
    ]
    static let qemuIndexed: Set<String> = [
        "hostpci", "ide", "ipconfig", "net", "numa", "parallel", "sata", "scsi", "serial", "unused", "usb", "virtio",
        "virtiofs",
    ]
    static let lxc: [String: ValueType] = [
        "arch": .string, "cmode": .string, "console": .boolean, "cores": .integer, "cpulimit": .number,
        "cpuunits": .integer, "debug": .boolean, "description": .string, "entrypoint": .string, "env": .string,
        "features": .string, "hookscript": .string, "hostname": .string, "lock": .string, "memory": .integer,
        "nameserver": .string, "onboot": .boolean, "ostype": .string, "protection": .boolean, "rootfs": .string,
        "searchdomain": .string, "startup": .string, "swap": .integer, "tags": .string, "template": .boolean,
        "timezone": .string, "tty": .integer, "unprivileged": .boolean,
    ]
    static let lxcIndexed: Set<String> = ["dev", "mp", "net", "unused"]

    /// Checks and normalises a value the way Proxmox's schema does (booleans become 0/1); the
    /// error text when it does not fit.
    static func normalised(_ value: String, type: ValueType) -> Result<String, FieldProblem> {
        switch type {
        case .integer:
            return Int(value) != nil ? .success(value) : .failure(FieldProblem("type check ('integer') failed - got '\(value)'"))
        case .number:
            return Double(value) != nil ? .success(value) : .failure(FieldProblem("type check ('number') failed - got '\(value)'"))
        case .boolean:
            switch value.lowercased() {
            case "1", "on", "yes", "true": return .success("1")
            case "0", "off", "no", "false": return .success("0")
            default: return .failure(FieldProblem("type check ('boolean') failed - got '\(value)'"))
            }
        case .string:
            return .success(value)
        }
    }

    struct FieldProblem: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    static func normalise(_ value: String, key: String, type: ValueType) throws(CLIFailure) -> String {
        switch normalised(value, type: type) {
        case let .success(text): return text
        case let .failure(problem): throw fieldError(key, problem.message)
        }
    }

    /// Checks the keys and values of a config change: the normalised values and every problem,
    /// reported together as Proxmox does.
    static func validate(_ pairs: [(key: String, value: String)],
                         kind: GuestKind) -> (values: [(key: String, value: String)], problems: [(String, String)]) {
        var values: [(key: String, value: String)] = []
        var problems: [(String, String)] = []
        for (key, value) in pairs {
            guard let type = type(of: key, kind: kind) else {
                problems.append((key, "property is not defined in schema and the schema does not allow additional properties"))
                continue
            }
            switch normalised(value, type: type) {
            case let .success(text): values.append((key, text))
            case let .failure(problem): problems.append((key, problem.message))
            }
        }
        return (values, problems)
    }

    static func fieldError(_ key: String, _ message: String) -> CLIFailure {
        .http(400, "Parameter verification failed.", fields: [(key, message)])
    }

    /// A value typed for JSON output.
    static func json(_ value: String, key: String, kind: GuestKind) -> JSONValue {
        switch type(of: key, kind: kind) {
        case .integer?, .boolean?: Int64(value).map(JSONValue.int) ?? .string(value)
        case .number?: Int64(value).map(JSONValue.int) ?? Double(value).map(JSONValue.double) ?? .string(value)
        default: .string(value)
        }
    }
}
