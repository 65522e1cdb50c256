/// A guest as commands address it: its kind, id and the node it lives on.
public struct GuestRef: Hashable, Sendable {
    public let kind: GuestKind
    public let vmid: VMID
    public let node: NodeName

    public init(kind: GuestKind, vmid: VMID, node: NodeName) {
        self.kind = kind
        self.vmid = vmid
        self.node = node
    }

    /// `/nodes/{node}/{qemu|lxc}/{vmid}`.
    public var apiPath: String { "/nodes/\(node)/\(kind.apiSegment)/\(vmid)" }
}

/// Power actions. `reboot` is what the restart tools run (a clean reboot through the guest OS).
public enum PowerAction: String, CaseIterable, Sendable, Codable {
    case start, stop, shutdown, reboot
}

/// Free text (descriptions, passwords, config values) may hold anything a shell would choke on;
/// the one thing no command line can carry is NUL.
public struct FreeText: Hashable, Sendable, CustomStringConvertible {
    public let value: String
    public init(_ text: String, field: String, maxLength: Int = 8192, allowNewlines: Bool = true) throws(ProxmoxError) {
        guard !text.contains("\0") else { throw .invalidArgument(field: field, reason: "contains a NUL character") }
        guard text.count <= maxLength else { throw .invalidArgument(field: field, reason: "longer than \(maxLength) characters") }
        if !allowNewlines, text.contains(where: \.isNewline) {
            throw .invalidArgument(field: field, reason: "must be one line")
        }
        value = text
    }
    public var description: String { value }
}

/// A new VM: from an ISO (fresh install) or as a clone of a template.
public struct VMCreateSpec: Hashable, Sendable {
    public var vmid: VMID
    public var name: GuestName?
    public var memoryMiB: Int
    public var cores: Int
    public var sockets: Int
    public var diskStorage: StorageID
    public var diskGiB: Int
    public var iso: VolumeID?
    public var bridge: String
    public var ostype: String
    public var start: Bool
    public var description: FreeText?

    public init(vmid: VMID, name: GuestName?, memoryMiB: Int, cores: Int, sockets: Int, diskStorage: StorageID,
                diskGiB: Int, iso: VolumeID?, bridge: String, ostype: String, start: Bool, description: FreeText?) {
        self.vmid = vmid
        self.name = name
        self.memoryMiB = memoryMiB
        self.cores = cores
        self.sockets = sockets
        self.diskStorage = diskStorage
        self.diskGiB = diskGiB
        self.iso = iso
        self.bridge = bridge
        self.ostype = ostype
        self.start = start
        self.description = description
    }
}

/// A new container from a template in storage.
public struct ContainerCreateSpec: Hashable, Sendable {
    public var vmid: VMID
    public var ostemplate: VolumeID
    public var hostname: GuestName
    public var cores: Int
    public var memoryMiB: Int
    public var swapMiB: Int
    public var rootfsStorage: StorageID
    public var rootfsGiB: Int
    public var net0: FreeText?
    public var password: FreeText?
    public var sshPublicKeys: FreeText?
    public var unprivileged: Bool
    public var start: Bool
    public var description: FreeText?

    public init(vmid: VMID, ostemplate: VolumeID, hostname: GuestName, cores: Int, memoryMiB: Int, swapMiB: Int,
                rootfsStorage: StorageID, rootfsGiB: Int, net0: FreeText?, password: FreeText?,
                sshPublicKeys: FreeText?, unprivileged: Bool, start: Bool, description: FreeText?) {
        self.vmid = vmid
        self.ostemplate = ostemplate
        self.hostname = hostname
        self.cores = cores
        self.memoryMiB = memoryMiB
        self.swapMiB = swapMiB
        self.rootfsStorage = rootfsStorage
        self.rootfsGiB = rootfsGiB
        self.net0 = net0
        self.password = password
        self.sshPublicKeys = sshPublicKeys
        self.unprivileged = unprivileged
        self.start = start
        self.description = description
    }
}

/// A clone: new id and name, full or linked, optionally to another node or storage.
public struct CloneSpec: Hashable, Sendable {
    public var newid: VMID
    public var name: GuestName?
    public var full: Bool?
    public var target: NodeName?
    public var storage: StorageID?
    public var description: FreeText?

    public init(newid: VMID, name: GuestName?, full: Bool?, target: NodeName?, storage: StorageID?, description: FreeText?) {
        self.newid = newid
        self.name = name
        self.full = full
        self.target = target
        self.storage = storage
        self.description = description
    }
}

/// A config edit: keys to set, keys to delete, and the digest the edit is based on.
public struct ConfigChange: Hashable, Sendable {
    public var set: [ConfigKey: FreeText]
    public var delete: [ConfigKey]
    public var digest: String?

    public init(set: [ConfigKey: FreeText], delete: [ConfigKey], digest: String?) throws(ProxmoxError) {
        if let digest, !(digest.count == 40 || digest.count == 64) || !digest.allSatisfy(\.isHexDigit) {
            throw .invalidArgument(field: "digest", reason: "'\(digest.prefix(80))' is not a config digest (40 hex digits)")
        }
        if let both = set.keys.first(where: { delete.contains($0) }) {
            throw .invalidArgument(field: "delete", reason: "'\(both)' is both set and deleted")
        }
        guard !set.isEmpty || !delete.isEmpty else {
            throw .invalidArgument(field: "set", reason: "nothing to change: give options to set or keys to delete")
        }
        self.set = set
        self.delete = delete
        self.digest = digest
    }
}
