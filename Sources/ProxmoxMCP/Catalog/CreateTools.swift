import MCP
import ProxmoxCore

/// The two create tools: a VM from an ISO or a template, a container from a template in storage.
extension GuestTools {
    static let ostypes = ["l26", "l24", "win11", "win10", "win8", "win7", "w2k8", "wvista", "w2k3", "wxp", "w2k", "solaris", "other"]

    /// The node for a new guest: the call's, else the configured default, else the connected node.
    static func creationNode(_ arguments: ToolArguments, _ environment: ToolEnvironment) async throws -> NodeName {
        if let text = try arguments.nodeText() ?? environment.defaultNode { return try await environment.engine.node(named: text) }
        return try await environment.engine.connectedNode()
    }

    static let createVM: ToolDefinition = {
        var definition = ToolDefinition(
            name: "proxmox_vm_create", title: "Create VM",
            description: "Create a VM: from an ISO (new disk, boots the installer), or as a clone of a template (`template`: its id). Stopped unless start: true.",
            properties: ["vmid": SchemaFragments.newid, "name": SchemaFragments.dnsName, "node": SchemaFragments.node,
                         "template": ["type": "integer", "minimum": 100, "maximum": 999_999_999, "description": "Clone this template instead of installing from an ISO"],
                         "full": ["type": "boolean", "description": "With template: full copy instead of a linked clone"],
                         "iso": ["type": "string", "description": "ISO volume, e.g. local:iso/debian-12.8.0-amd64-netinst.iso"],
                         "memory": ["type": "integer", "minimum": 16, "maximum": 4_194_304, "default": 2048, "description": "MiB"],
                         "cores": ["type": "integer", "minimum": 1, "maximum": 512, "default": 2],
                         "sockets": ["type": "integer", "minimum": 1, "maximum": 8, "default": 1],
                         "disk_storage": SchemaFragments.storage, "disk_size": ["type": "integer", "minimum": 1, "maximum": 131_072, "default": 32, "description": "GiB"],
                         "bridge": ["type": "string", "pattern": "^[a-zA-Z][a-zA-Z0-9_.-]*$", "maxLength": 15, "default": "vmbr0"],
                         "ostype": ["type": "string", "enum": .array(ostypes.map { .string($0) }), "default": "l26"],
                         "start": ["type": "boolean", "default": false], "description": SchemaFragments.description]
                .merging(SchemaFragments.taskOptions) { $1 },
            required: [], annotations: changing(destructive: false, idempotent: false), outputSchema: OutputSchemas.change
        ) { arguments, environment in
            let node = try await creationNode(arguments, environment)
            let vmid = try await newID(arguments, "vmid", environment)
            let name = try arguments.string("name").map { text throws(ProxmoxError) in try GuestName(text) }
            if let template = try arguments.vmid("template") {
                let hardware = ["iso", "memory", "cores", "sockets", "disk_storage", "disk_size", "bridge", "ostype", "start"]
                if let conflict = hardware.first(where: arguments.has) {
                    throw ProxmoxError.invalidArgument(field: conflict, reason: "does not apply to a clone of a template: change it afterwards with proxmox_vm_config")
                }
                let source = try await environment.engine.locate(vmid: template, kind: .qemu, node: nil)
                let spec = CloneSpec(newid: vmid, name: name, full: try arguments.bool("full"),
                                     target: source.node == node ? nil : node, storage: nil, description: try arguments.text("description"))
                return try await perform(.clone(source, spec), guest: GuestRef(kind: .qemu, vmid: vmid, node: node),
                                         action: "create from template \(template)", arguments: arguments, environment: environment)
            }
            let spec = VMCreateSpec(
                vmid: vmid, name: name, memoryMiB: try arguments.integer("memory", in: 16...4_194_304) ?? 2048,
                cores: try arguments.integer("cores", in: 1...512) ?? 2, sockets: try arguments.integer("sockets", in: 1...8) ?? 1,
                diskStorage: try StorageID(try arguments.string("disk_storage") ?? "local-lvm", field: "disk_storage"),
                diskGiB: try arguments.integer("disk_size", in: 1...131_072) ?? 32,
                iso: try arguments.string("iso").map { text throws(ProxmoxError) in try VolumeID(text, field: "iso") },
                bridge: try bridge(arguments), ostype: try arguments.choice("ostype", ostypes) ?? "l26",
                start: try arguments.bool("start") ?? false, description: try arguments.text("description"))
            return try await perform(.createVM(node: node, spec), guest: GuestRef(kind: .qemu, vmid: vmid, node: node),
                                     action: "create", arguments: arguments, environment: environment)
        }
        definition.createsOrDeletes = true
        return definition
    }()

    static func bridge(_ arguments: ToolArguments) throws -> String {
        let bridge = try arguments.string("bridge") ?? "vmbr0"
        guard bridge.count <= 15, let first = bridge.unicodeScalars.first, first.properties.isAlphabetic, first.isASCII,
              bridge.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0)) })
        else { throw ProxmoxError.invalidArgument(field: "bridge", reason: "'\(bridge.prefix(40))' is not a bridge name (e.g. vmbr0)") }
        return bridge
    }

    static let createContainer: ToolDefinition = {
        var definition = ToolDefinition(
            name: "proxmox_ct_create", title: "Create container",
            description: "Create an LXC container from a template in storage (e.g. local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst). Give a root password or SSH public keys. Stopped unless start: true.",
            properties: ["vmid": SchemaFragments.newid, "hostname": SchemaFragments.dnsName, "node": SchemaFragments.node,
                         "ostemplate": ["type": "string", "description": "Template volume, e.g. local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"],
                         "cores": ["type": "integer", "minimum": 1, "maximum": 8192, "default": 1],
                         "memory": ["type": "integer", "minimum": 16, "maximum": 4_194_304, "default": 512, "description": "MiB"],
                         "swap": ["type": "integer", "minimum": 0, "maximum": 4_194_304, "default": 512, "description": "MiB"],
                         "rootfs_storage": SchemaFragments.storage, "rootfs_size": ["type": "integer", "minimum": 1, "maximum": 131_072, "default": 8, "description": "GiB"],
                         "net0": ["type": "string", "maxLength": 512, "default": "name=eth0,bridge=vmbr0,ip=dhcp", "description": "Network device, Proxmox property string"],
                         "password": ["type": "string", "minLength": 5, "maxLength": 256, "description": "Root password (never logged or shown)"],
                         "ssh_public_keys": ["type": "string", "maxLength": 65_536, "description": "Authorized keys for root, one per line"],
                         "unprivileged": ["type": "boolean", "default": true], "start": ["type": "boolean", "default": false],
                         "description": SchemaFragments.description]
                .merging(SchemaFragments.taskOptions) { $1 },
            required: ["hostname", "ostemplate"], annotations: changing(destructive: false, idempotent: false), outputSchema: OutputSchemas.change
        ) { arguments, environment in
            let node = try await creationNode(arguments, environment)
            let vmid = try await newID(arguments, "vmid", environment)
            let password = try arguments.text("password", maxLength: 256, allowNewlines: false)
            if let password, password.value.count < 5 { throw ProxmoxError.invalidArgument(field: "password", reason: "must be at least 5 characters") }
            let spec = ContainerCreateSpec(
                vmid: vmid, ostemplate: try VolumeID(try arguments.requiredString("ostemplate"), field: "ostemplate"),
                hostname: try GuestName(try arguments.requiredString("hostname"), field: "hostname"),
                cores: try arguments.integer("cores", in: 1...8192) ?? 1, memoryMiB: try arguments.integer("memory", in: 16...4_194_304) ?? 512,
                swapMiB: try arguments.integer("swap", in: 0...4_194_304) ?? 512,
                rootfsStorage: try StorageID(try arguments.string("rootfs_storage") ?? "local-lvm", field: "rootfs_storage"),
                rootfsGiB: try arguments.integer("rootfs_size", in: 1...131_072) ?? 8,
                net0: try arguments.text("net0", maxLength: 512, allowNewlines: false) ?? FreeText("name=eth0,bridge=vmbr0,ip=dhcp", field: "net0"),
                password: password, sshPublicKeys: try arguments.text("ssh_public_keys", maxLength: 65_536),
                unprivileged: try arguments.bool("unprivileged") ?? true, start: try arguments.bool("start") ?? false,
                description: try arguments.text("description"))
            if spec.password == nil && spec.sshPublicKeys == nil {
                throw ProxmoxError.invalidArgument(field: "password", reason: "give a root password or ssh_public_keys, or the container cannot be logged into")
            }
            return try await perform(.createContainer(node: node, spec), guest: GuestRef(kind: .lxc, vmid: vmid, node: node),
                                     action: "create", secrets: [password?.value].compactMap { $0 }, arguments: arguments, environment: environment)
        }
        definition.createsOrDeletes = true
        return definition
    }()
}
