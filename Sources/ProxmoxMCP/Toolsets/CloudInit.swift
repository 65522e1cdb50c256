import MCP
import ProxmoxCore

/// Cloud-init of VMs: user, password, SSH keys, addresses and DNS for the guest's first boot, and
/// what the guest will read. The password and keys appear in no result, log or record.
enum CloudInit {
    static let toolset = Toolset(
        id: "cloud-init", summary: "Set a VM's cloud-init user, password, SSH keys, IP addresses and DNS", isDefault: false,
        tools: [configure])

    static let user = Argument<FreeText?>.text("user", "User cloud-init creates (ciuser); default: the image's", maxLength: 64, oneLine: true)
    static let password = Argument<String?>("password", ["type": "string", "minLength": 5, "maxLength": 256,
                                                         "description": "That user's password (cipassword), at least 5 characters; never shown, logged or recorded"]) { arguments, name in
        let text = try arguments.text(name, maxLength: 256, allowNewlines: false)?.value
        if let text, text.count < 5 { throw ProxmoxError.invalidArgument(field: name, reason: "must be at least 5 characters") }
        return text
    }
    static let sshKeys = Argument<[String]?>("ssh_keys", ["type": "array", "maxItems": 32,
                                                         "items": ["type": "string", "pattern": "^(ssh-|ecdsa-|sk-)[a-z0-9@.-]+ [A-Za-z0-9+/=]+( .*)?$", "maxLength": 16384],
                                                         "description": "Public keys for that user, one OpenSSH line each (ssh-ed25519 AAAA... comment); replaces the keys set before; never shown or logged"]) { arguments, name in
        guard let keys = try arguments.stringList(name, maxCount: 32, maxLength: 16_384) else { return nil }
        for (index, key) in keys.enumerated() {
            let parts = key.split(separator: " ", maxSplits: 2)
            let known = ["ssh-", "ecdsa-", "sk-"].contains { key.hasPrefix($0) }
            guard known, parts.count >= 2, !key.contains("\n"), parts[1].allSatisfy({ $0.isLetter || $0.isNumber || "+/=".contains($0) }) else {
                throw ProxmoxError.invalidArgument(field: "\(name)[\(index)]", reason: "is not an OpenSSH public key line (type, base64 key, optional comment)")
            }
        }
        return keys
    }
    static let ipconfig = Argument<[Int: IPConfig]>("ipconfig", ["type": "object", "propertyNames": ["pattern": "^([0-9]|[12][0-9]|3[01])$"],
                                                                 "additionalProperties": ["type": "string", "maxLength": 256],
                                                                 "description": "Addresses per network card index (ipconfig0 for net0): {\"0\": \"ip=10.0.0.5/24,gw=10.0.0.1\"} or {\"0\": \"ip=dhcp\"}; ip6=auto|dhcp|CIDR and gw6= too"]) { arguments, name in
        var configs: [Int: IPConfig] = [:]
        for (key, value) in try arguments.stringObject(name) {
            guard let index = Int(key), (0...31).contains(index), String(index) == key else {
                throw ProxmoxError.invalidArgument(field: name, reason: "'\(key.prefix(10))' is not a network card index (0-31)")
            }
            configs[index] = try IPConfig(value, field: "\(name).\(key)")
        }
        return configs
    }
    static let nameserver = Argument<FreeText?>.text("nameserver", "DNS servers, space-separated addresses; default: the host's", maxLength: 256, oneLine: true)
    static let searchdomain = Argument<FreeText?>.text("searchdomain", "DNS search domain; default: the host's", maxLength: 256, oneLine: true)
    static let regenerate = Argument<Bool>.flag("regenerate", "Rebuild the cloud-init drive after the change (the VM reads it at its next boot)", default: true)

    static let settingNames = ["user", "password", "ssh_keys", "ipconfig", "nameserver", "searchdomain"]

    static let configure: ToolDefinition = {
        var definition = ToolDefinition(
            name: "proxmox_vm_cloudinit", title: "VM cloud-init",
            description: "Set a VM's cloud-init settings (user, password, ssh_keys, ipconfig, nameserver, searchdomain), rebuild its drive, and show the user and network data the guest reads (password and keys shown redacted). Without settings it only shows them.",
            arguments: [Shared.vmid.erased, Shared.node.erased, user.erased, password.erased, sshKeys.erased, ipconfig.erased, nameserver.erased,
                        searchdomain.erased, regenerate.erased, Shared.transport.erased, Shared.dryRun.erased],
            annotations: Shared.changing(destructive: false, idempotent: true),
            output: Shared.guestRead + Shared.provenance + [
                .string("action", "configure, when something was set"),
                .strings("changed", "Options set (ciuser, cipassword, sshkeys, ipconfigN, nameserver, searchdomain)"),
                .boolean("regenerated", "The cloud-init drive was rebuilt"),
                .string("userData", "User data the guest reads (YAML), password and keys redacted"),
                .string("networkData", "Network data the guest reads (YAML)"),
                .boolean("dryRun", "true: nothing ran, commands shows what would"),
                .string("ranOnNode", "Node whose qm ran it, when not the node logged in to"),
            ]
        ) { call in
            let guest = try await call.guest(.qemu)
            let settings = CloudInitSettings(
                user: try call[user], password: try call[password], sshKeys: try call[sshKeys], ipConfigs: try call[ipconfig],
                nameserver: try call[nameserver], searchdomain: try call[searchdomain])
            let read = try await call.engine.config(guest, transport: try call.transport())
            let config = read.value
            let drive = config.options.first { $0.value.contains("cloudinit") && $0.value.contains("media=cdrom") || $0.value.contains(":cloudinit") }?.key
            var fields = Structured.guestFields(guest)
            var commands: [Command] = [read.command]
            var notes: [String] = read.notes
            var family = read.family
            var dryRun = false
            if !settings.isEmpty {
                let options = try call.options()
                let set = try await call.engine.perform(CloudInitSet(guest, settings), options: options)
                commands += set.commands
                notes += set.notes
                family = set.family
                dryRun = set.dryRun
                if let node = set.ranOnNode { fields["ranOnNode"] = .string(node) }
                fields["action"] = "configure"
                fields["changed"] = .array(settings.options.map { .string($0.key) })
                if settings.sshKeys != nil && options.transport == .cli { notes.append("ssh_keys go through pvesh: qm set --sshkeys reads a file on the host") }
                if try call[regenerate] {
                    if drive == nil {
                        notes.append("VM \(guest.vmid) has no cloud-init drive: the settings apply once one is added (proxmox_vm_config set {\"ide2\": \"local-lvm:cloudinit\"})")
                    } else {
                        let rebuilt = try await call.engine.perform(CloudInitRegenerate(guest), options: options)
                        commands += rebuilt.commands
                        fields["regenerated"] = .bool(!rebuilt.dryRun)
                    }
                }
            }
            if !dryRun && drive != nil {
                // Both parts at once: each is a qm start on the host, so one wait instead of two.
                let transport = try call.transport(), engine = call.engine
                async let user = engine.read(CloudInitDump(guest, .user), transport: transport)
                async let network = engine.read(CloudInitDump(guest, .network), transport: transport)
                for (key, dump) in [("userData", try await user), ("networkData", try await network)] {
                    commands.append(dump.command)
                    fields[key] = .string(CloudInitDump.redacted(dump.value, secrets: settings.secrets))
                }
            } else if drive == nil && settings.isEmpty {
                notes.append("VM \(guest.vmid) has no cloud-init drive, so the guest reads no cloud-init data")
            }
            fields["dryRun"] = .bool(dryRun)
            let secrets = settings.secrets
            var structured = Structured.read(fields, family: family, commands: [], notes: notes, environment: call.environment)
            if case var .object(object) = structured {
                object["commands"] = .array(commands.map { .string(Redaction.commandLine($0, secrets: secrets)) })
                structured = .object(object)
            }
            let summary: String
            if settings.isEmpty {
                summary = (fields["userData"]?.stringValue.map { "user data:\n\($0)" } ?? "no cloud-init data") + (notes.first.map { "\nnote: \($0)" } ?? "")
            } else if dryRun {
                summary = "dry run, nothing ran: cloud-init of VM \(guest.vmid) would run " + commands.map { "`\(Redaction.commandLine($0, secrets: secrets))`" }.joined(separator: " then ")
            } else {
                summary = "cloud-init of VM \(guest.vmid): set \(settings.options.map(\.key).joined(separator: ", "))"
                    + (fields["regenerated"] == true ? "; drive rebuilt" : "") + (notes.first.map { "; note: \($0)" } ?? "")
            }
            return ToolOutput(text: Redaction.redact(summary, secrets: secrets), structured: structured)
        }
        definition.protection = .whenGiven(settingNames)
        return definition
    }()
}
