import ProxmoxCore

/// Simulated insides of guests: a QEMU guest agent that answers for running VMs whose config
/// enables it (and not for those marked `agentOffline`), a container's interfaces, and canned
/// answers of common programs for `qm guest exec` and `pct exec`.
enum GuestAgent: SimulatedFeature {
    static let queries = ["get-osinfo", "get-host-name", "network-get-interfaces", "get-fsinfo", "info", "get-time", "get-timezone"]

    static let routes: [ApiRoute] = queries.map { query in
        ApiRoute("GET", "nodes/{node}/qemu/{vmid}/agent/\(query)", []) { call in
            let vmid = try call.vmid()
            return .data(.object(["result": try call.store.read { cluster in try answer(query, try agentGuest(cluster, vmid, node: call.node)) }]))
        }
    } + [
        ApiRoute("POST", "nodes/{node}/qemu/{vmid}/agent/exec", ["command", "input-data"]) { call in
            let vmid = try call.vmid()
            let argv = call.options.values.filter { $0.name == "command" }.map(\.value)
            // Fails as the agent does for a program it cannot start; the pid names the canned program for exec-status.
            _ = try call.store.read { cluster in try run(argv, in: try agentGuest(cluster, vmid, node: call.node), viaAgent: true) }
            let pid = 4000 + (canned.firstIndex { $0.key == argv.first } ?? canned.count)
            return .data(.object(["pid": .int(Int64(pid))]))
        },
        ApiRoute("GET", "nodes/{node}/qemu/{vmid}/agent/exec-status", ["pid"]) { call in
            let vmid = try call.vmid()
            let pid = try Values.integer(call.options.value("pid") ?? "", field: "pid")
            let index = pid - 4000
            let program = index >= 0 && index < canned.count ? [canned[index].key] : ["true"]
            let result = try call.store.read { cluster in try run(program, in: try agentGuest(cluster, vmid, node: call.node), viaAgent: true) }
            return .data(execStatus(result))
        },
        ApiRoute("GET", "nodes/{node}/lxc/{vmid}/interfaces", []) { call in
            let vmid = try call.vmid()
            return .data(try call.store.read { cluster in
                let guest = cluster.guests[try GuestOperations.locate(cluster, vmid, .lxc, on: call.node)]
                guard guest.isRunning else { throw CLIFailure.die("CT \(vmid) is not running") }
                return .array(interfaces(guest).map { interface in
                    var entry: [String: JSONValue] = ["name": .string(interface.name), "hwaddr": .string(interface.mac)]
                    if let v4 = interface.v4 { entry["inet"] = .string(v4) }
                    if let v6 = interface.v6 { entry["inet6"] = .string(v6) }
                    return .object(entry)
                })
            })
        },
    ]

    static func verbs(_ kind: GuestKind) -> [String: GuestCLI.Verb] {
        typealias Verb = GuestCLI.Verb
        switch kind {
        case .qemu:
            return [
                "guest cmd": Verb(positional: ["vmid", "command"], options: []) { call in
                    let vmid = try call.vmid()
                    let query = call.positional["command"] ?? ""
                    guard queries.contains(query) else { throw ConfigSchema.fieldError("command", "value '\(query)' does not have a value in the enumeration '\(queries.joined(separator: ", "))'") }
                    return .text(PerlJSONStyle.pretty(try call.context.store.read { cluster in try answer(query, try agentGuest(cluster, vmid, node: call.node)) }) + "\n")
                },
                "guest exec": Verb(positional: ["vmid"], options: ["timeout", "synchronous", "pass-stdin"]) { call in
                    let vmid = try call.vmid()
                    let result = try call.context.store.read { cluster in try run(call.trailing, in: try agentGuest(cluster, vmid, node: call.node), viaAgent: true) }
                    return .text(PerlJSONStyle.pretty(execStatus(result)) + "\n")
                },
            ]
        case .lxc:
            return ["exec": Verb(positional: ["vmid"], options: []) { call in
                let vmid = try call.vmid()
                let guest = try call.context.store.read { cluster in cluster.guests[try GuestOperations.locate(cluster, vmid, .lxc, on: call.node)] }
                guard guest.isRunning else { throw CLIFailure.die("CT \(vmid) not running") }
                let result = try run(call.trailing, in: guest, viaAgent: false)
                return .output(CommandOutput(stdout: Array(result.stdout.utf8), stderr: Array(result.stderr.utf8), exitStatus: Int32(result.exit)))
            }]
        }
    }

    /// The VM whose agent answers, or Proxmox's refusal.
    static func agentGuest(_ cluster: SimulatedCluster, _ vmid: Int, node: String) throws(CLIFailure) -> SimulatedGuest {
        let guest = cluster.guests[try GuestOperations.locate(cluster, vmid, .qemu, on: node)]
        guard guest.isRunning else { throw .die("VM \(vmid) is not running") }
        let agent = guest.config["agent"] ?? "0"
        guard agent.hasPrefix("1") || agent.contains("enabled=1") else { throw .die("No QEMU guest agent configured") }
        if guest.agentOffline == true { throw .die("QEMU guest agent is not running") }
        return guest
    }

    struct Interface {
        var name: String
        var mac: String
        var v4: String?
        var v6: String?
    }

    /// lo, then one interface per NIC: a static address from `ipconfigN`/`ip=` when set, else a
    /// documentation-range address (192.0.2.0/24, never a real network).
    static func interfaces(_ guest: SimulatedGuest) -> [Interface] {
        var list = [Interface(name: "lo", mac: "00:00:00:00:00:00", v4: "127.0.0.1/8", v6: "::1/128")]
        for key in guest.config.keys.sorted() where key.hasPrefix("net") && key.dropFirst(3).allSatisfy(\.isNumber) {
            let index = Int(key.dropFirst(3)) ?? 0
            let parts = (guest.config[key] ?? "").split(separator: ",").map(String.init)
            let mac = (guest.kind == .qemu ? parts.first?.split(separator: "=").last.map(String.init)
                : parts.first { $0.hasPrefix("hwaddr=") }.map { String($0.dropFirst(7)) }) ?? "BC:24:11:00:00:00"
            let ip = (guest.kind == .qemu ? guest.config["ipconfig\(index)"]?.split(separator: ",").map(String.init) : parts)?
                .first { $0.hasPrefix("ip=") }.map { String($0.dropFirst(3)) }
            let v4 = ip.flatMap { $0.contains("/") ? $0 : nil } ?? "192.0.2.\(guest.vmid % 200 + index + 10)/24"
            let name = guest.kind == .qemu ? "ens\(18 + index)" : parts.first { $0.hasPrefix("name=") }.map { String($0.dropFirst(5)) } ?? "eth\(index)"
            let bytes = mac.lowercased().split(separator: ":")
            let v6 = bytes.count == 6 ? "fe80::be24:11ff:fe\(bytes[3]):\(bytes[4])\(bytes[5])/64" : nil
            list.append(Interface(name: name, mac: mac.lowercased(), v4: v4, v6: v6))
        }
        return list
    }

    static func answer(_ query: String, _ guest: SimulatedGuest) throws(CLIFailure) -> JSONValue {
        let windows = (guest.config["ostype"] ?? "").hasPrefix("win")
        let name = guest.config["name"] ?? "vm\(guest.vmid)"
        switch query {
        case "get-osinfo":
            return windows
                ? ["id": "mswindows", "kernel-release": "26100", "kernel-version": "10.0", "machine": "x86_64", "name": "Microsoft Windows",
                   "pretty-name": "Windows 11 Pro", "version": "Microsoft Windows 11", "version-id": "11"]
                : ["id": "debian", "kernel-release": "6.1.0-27-amd64", "kernel-version": "#1 SMP PREEMPT_DYNAMIC Debian 6.1.115-1 (2024-11-01)",
                   "machine": "x86_64", "name": "Debian GNU/Linux", "pretty-name": "Debian GNU/Linux 12 (bookworm)", "version": "12 (bookworm)", "version-id": "12"]
        case "get-host-name":
            return ["host-name": .string(name)]
        case "network-get-interfaces":
            return .array(interfaces(guest).map { interface in
                var addresses: [JSONValue] = []
                for (address, family) in [(interface.v4, "ipv4"), (interface.v6, "ipv6")] {
                    guard let address else { continue }
                    let parts = address.split(separator: "/")
                    addresses.append(["ip-address": .string(String(parts[0])), "ip-address-type": .string(family), "prefix": .int(Int64(parts[1]) ?? 0)])
                }
                return ["name": .string(interface.name), "hardware-address": .string(interface.mac), "ip-addresses": .array(addresses),
                        "statistics": ["rx-bytes": .int(Int64(guest.stats.netin)), "tx-bytes": .int(Int64(guest.stats.netout)), "rx-dropped": 0, "tx-dropped": 0,
                                       "rx-errs": 0, "tx-errs": 0, "rx-packets": .int(Int64(guest.stats.netin / 1400)), "tx-packets": .int(Int64(guest.stats.netout / 1400))]]
            })
        case "get-fsinfo":
            let total = guest.maxdisk - 1_073_741_824
            return .array([["name": windows ? "Volume{2c3a}" : "sda1", "mountpoint": windows ? "C:\\" : "/", "type": windows ? "NTFS" : "ext4",
                            "total-bytes": .int(total), "used-bytes": .int(total / 100 * 35),
                            "disk": .array([["bus-type": "scsi", "bus": 0, "target": 0, "unit": 0, "dev": windows ? "\\\\.\\PhysicalDrive0" : "/dev/sda1",
                                             "serial": .string("drive-scsi0")]])]])
        case "info":
            return ["version": "7.2.15", "supported_commands": .array(queries.map { ["name": .string("guest-" + $0), "enabled": true] })]
        case "get-time":
            return .int(1_764_000_000_000_000_000)
        default:
            return ["zone": "UTC", "offset": 0]
        }
    }

    /// Canned programs: name → output for a guest.
    static let canned: [(key: String, output: @Sendable (SimulatedGuest, [String]) -> (String, String, Int))] = [
        ("uptime", { guest, _ in (" 10:00:00 up \(guest.stats.uptime / 86_400) days,  2 users,  load average: 0.08, 0.03, 0.01\n", "", 0) }),
        ("df", { guest, _ in
            let total = guest.maxdisk / 1024
            return ("Filesystem     1K-blocks     Used Available Use% Mounted on\n/dev/sda1      \(total) \(total / 100 * 35) \(total / 100 * 65)  35% /\n", "", 0)
        }),
        ("hostname", { guest, _ in ((guest.config["name"] ?? guest.config["hostname"] ?? "guest") + "\n", "", 0) }),
        ("systemctl", { _, argv in
            if argv.dropFirst().first == "is-active" { return argv.count > 2 && argv[2].hasPrefix("nginx") ? ("inactive\n", "", 3) : ("active\n", "", 0) }
            return ("  UNIT           LOAD   ACTIVE SUB     DESCRIPTION\n  ssh.service    loaded active running OpenBSD Secure Shell server\n", "", 0)
        }),
        ("journalctl", { guest, _ in ("Dec 02 09:58:01 \(guest.config["name"] ?? guest.config["hostname"] ?? "guest") systemd[1]: Started ssh.service - OpenBSD Secure Shell server.\n", "", 0) }),
        ("uname", { _, _ in ("Linux\n", "", 0) }),
        ("true", { _, _ in ("", "", 0) }),
        ("false", { _, _ in ("", "", 1) }),
    ]

    struct Result {
        var stdout: String
        var stderr: String
        var exit: Int
    }

    static func run(_ argv: [String], in guest: SimulatedGuest, viaAgent: Bool) throws(CLIFailure) -> Result {
        guard let program = argv.first else { throw .die(viaAgent ? "missing command" : "missing command, use 'pct enter' for a shell") }
        let base = program.split(separator: "/").last.map(String.init) ?? program
        guard let entry = canned.first(where: { $0.key == base }) else {
            if viaAgent { throw .die("Agent error: Failed to execute child process “\(program)” (No such file or directory)") }
            return Result(stdout: "", stderr: "lxc-attach: \(guest.vmid): ../src/lxc/attach.c: lxc_attach_run_command: 1841 No such file or directory - Failed to exec \"\(program)\"\n", exit: 255)
        }
        let (out, err, code) = entry.output(guest, argv)
        return Result(stdout: out, stderr: err, exit: code)
    }

    static func execStatus(_ result: Result) -> JSONValue {
        var fields: [String: JSONValue] = ["exited": 1, "exitcode": .int(Int64(result.exit))]
        if !result.stdout.isEmpty { fields["out-data"] = .string(result.stdout) }
        if !result.stderr.isEmpty { fields["err-data"] = .string(result.stderr) }
        return .object(fields)
    }
}
