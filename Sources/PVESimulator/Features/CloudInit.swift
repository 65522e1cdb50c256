import ProxmoxCore

/// Simulated cloud-init: the drive rebuilt from the config's `ci*` options, and the user and
/// network data the guest reads, in the shape qemu-server writes them (nocloud).
enum CloudInit: SimulatedFeature {
    static let routes: [ApiRoute] = [
        ApiRoute("GET", "nodes/{node}/qemu/{vmid}/cloudinit/dump", ["type"]) { call in
            let vmid = try call.vmid()
            let part = call.options.value("type") ?? ""
            return .data(.string(try call.store.read { cluster in try dump(part, cluster.guests[try GuestOperations.locate(cluster, vmid, .qemu, on: call.node)]) }))
        },
        ApiRoute("PUT", "nodes/{node}/qemu/{vmid}/cloudinit", []) { call in
            let vmid = try call.vmid()
            try call.store.read { cluster in _ = try drive(cluster.guests[try GuestOperations.locate(cluster, vmid, .qemu, on: call.node)]) }
            return .data(nil)
        },
    ]

    static func verbs(_ kind: GuestKind) -> [String: GuestCLI.Verb] {
        guard kind == .qemu else { return [:] }
        return [
            "cloudinit dump": GuestCLI.Verb(positional: ["vmid", "type"], options: []) { call in
                let vmid = try call.vmid()
                return .text(try call.context.store.read { cluster in
                    try dump(call.positional["type"] ?? "", cluster.guests[try GuestOperations.locate(cluster, vmid, .qemu, on: call.node)])
                })
            },
            "cloudinit update": GuestCLI.Verb(positional: ["vmid"], options: []) { call in
                let vmid = try call.vmid()
                try call.context.store.read { cluster in _ = try drive(cluster.guests[try GuestOperations.locate(cluster, vmid, .qemu, on: call.node)]) }
                return .text("")
            },
        ]
    }

    /// The config key of the cloud-init drive.
    static func drive(_ guest: SimulatedGuest) throws(CLIFailure) -> String {
        guard let key = guest.config.keys.sorted().first(where: { guest.config[$0]?.contains("cloudinit") == true }) else {
            throw .die("no cloudinit disk found for VM \(guest.vmid)")
        }
        return key
    }

    static func dump(_ part: String, _ guest: SimulatedGuest) throws(CLIFailure) -> String {
        let name = guest.config["name"] ?? "VM\(guest.vmid)"
        switch part {
        case "user":
            var lines = ["#cloud-config", "hostname: \(name)", "manage_etc_hosts: true", "fqdn: \(name)"]
            if let user = guest.config["ciuser"] { lines.append("user: \(user)") }
            if let password = guest.config["cipassword"] { lines.append("password: \(password)") }
            if let keys = guest.config["sshkeys"] {
                lines.append("ssh_authorized_keys:")
                lines += (keys.removingPercentEncoding ?? keys).split(separator: "\n").map { "  - \($0)" }
            }
            lines += ["chpasswd:", "  expire: False", "users:", "  - default", "package_upgrade: true"]
            return lines.joined(separator: "\n") + "\n"
        case "network":
            var lines = ["version: 1", "config:"]
            for key in guest.config.keys.sorted() where key.hasPrefix("net") && key.dropFirst(3).allSatisfy(\.isNumber) {
                let index = String(key.dropFirst(3))
                let mac = (guest.config[key] ?? "").split(separator: ",").first?.split(separator: "=").last.map { $0.lowercased() } ?? ""
                lines += ["    - type: physical", "      name: eth\(index)", "      mac_address: '\(mac)'", "      subnets:"]
                let settings = (guest.config["ipconfig\(index)"] ?? "ip=dhcp").split(separator: ",").map(String.init)
                let ip = settings.first { $0.hasPrefix("ip=") }.map { String($0.dropFirst(3)) } ?? "dhcp"
                if ip == "dhcp" {
                    lines.append("      - type: dhcp4")
                } else {
                    let parts = ip.split(separator: "/")
                    lines += ["      - type: static", "        address: '\(parts[0])'", "        netmask: '\(netmask(Int(parts.last ?? "24") ?? 24))'"]
                    if let gateway = settings.first(where: { $0.hasPrefix("gw=") }) { lines.append("        gateway: '\(gateway.dropFirst(3))'") }
                }
            }
            if let servers = guest.config["nameserver"] {
                lines += ["    - type: nameserver", "      address:"] + servers.split(separator: " ").map { "      - '\($0)'" }
                if let search = guest.config["searchdomain"] { lines += ["      search:"] + search.split(separator: " ").map { "      - '\($0)'" } }
            }
            return lines.joined(separator: "\n") + "\n"
        case "meta":
            return "instance-id: \(SHA1.hex(GuestListText.config(guest.config)))\n"
        default:
            throw ConfigSchema.fieldError("type", "value '\(part)' does not have a value in the enumeration 'user, network, meta'")
        }
    }

    static func netmask(_ prefix: Int) -> String {
        let bits: UInt32 = prefix == 0 ? 0 : ~UInt32(0) << (32 - UInt32(min(prefix, 32)))
        return [24, 16, 8, 0].map { String((bits >> UInt32($0)) & 0xFF) }.joined(separator: ".")
    }
}
