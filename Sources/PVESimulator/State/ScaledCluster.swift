import ProxmoxCore

extension SimulatedCluster {
    /// The size of a generated cluster: `PVE_SIM_SCALE=16x10000` (nodes x guests).
    public struct Scale: Sendable, Equatable {
        public var nodes: Int
        public var guests: Int

        public init(nodes: Int, guests: Int) {
            self.nodes = nodes
            self.guests = guests
        }

        /// `NxM`, 1-64 nodes and 1-100000 guests; nil otherwise.
        public init?(parsing text: String) {
            let parts = text.lowercased().split(separator: "x").map { Int($0) }
            guard parts.count == 2, let nodes = parts[0], let guests = parts[1], (1...64).contains(nodes),
                  (1...100_000).contains(guests) else { return nil }
            self.init(nodes: nodes, guests: guests)
        }
    }

    /// A large cluster generated the same way every time: nodes `pve01`... (the last one offline
    /// when there are four or more), guests from id 100 named after their role (`web-0001`,
    /// `db-0002`...), seven in ten VMs, with environment and role tags, a team pool for most, about
    /// two in three running, a few paused, locked by a backup or templates. For the fleet's scale
    /// figures: filters and pages over 10,000 guests.
    public static func scaled(_ scale: Scale) -> SimulatedCluster {
        let models = ["AMD EPYC 7543P 32-Core Processor", "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz"]
        let nodes = (1...scale.nodes).map { index -> SimulatedNode in
            let name = index < 10 ? "pve0\(index)" : "pve\(index)"
            let online = scale.nodes < 4 || index < scale.nodes
            return node(name, online: online, ip: "127.0.1.\(index)", cpu: online ? 0.05 + Double(index % 7) / 50 : 0,
                        maxcpu: 64, model: models[index % 2], mem: online ? Int64(100 + index * 13) * 1_073_741_824 : 0,
                        maxmem: 512 * 1_073_741_824, disk: online ? 12_884_901_888 : 0, uptime: online ? Int64(86_400 * (10 + index)) : 0,
                        load: online ? ["1.20", "1.10", "0.95"] : ["0.00", "0.00", "0.00"], fingerprint: UInt8(truncatingIfNeeded: index))
        }
        let roles = ["web", "db", "cache", "worker", "ci", "mail", "dns", "proxy", "monitor", "build"]
        let environments = ["prod", "staging", "dev"]
        let teams = ["team-alpha", "team-beta", "team-gamma", "team-delta", "platform"]
        var guests: [SimulatedGuest] = []
        guests.reserveCapacity(scale.guests)
        for index in 0..<scale.guests {
            let vmid = 100 + index
            // A fixed mix from the index, not a random one: the same cluster in every run.
            let mix = (index &* 2_654_435_761) % 1000
            let role = roles[index % roles.count]
            let environment = environments[(index / roles.count) % environments.count]
            let name = "\(role)-\(String(repeating: "0", count: max(0, 4 - String(index + 1).count)))\(index + 1)"
            let home = nodes[index % nodes.count]
            let isVM = mix % 10 < 7
            let template = isVM && mix % 100 == 42
            var status = template ? "stopped" : mix < 650 ? "running" : mix < 670 && isVM ? "paused" : "stopped"
            if !home.online { status = "stopped" }
            let running = status != "stopped"
            let memory = [512, 1024, 2048, 4096, 8192][mix % 5]
            let usage = running ? stats(cpu: Double(mix % 37) / 100, mem: Int64(memory) * 1_048_576 * Int64(30 + mix % 60) / 100,
                                        uptime: Int64(3600 + mix * 97), seed: Int64(vmid % 1000)) : .idle
            let tags = template ? "template" : "\(environment);\(role)"
            var guest = isVM
                ? vm(vmid, name, on: home.name, status: status, memory: memory, cores: 1 + mix % 4, disk: "scsi0",
                     size: 16 + mix % 5 * 16, tags: tags, template: template, stats: usage)
                : ct(vmid, name, on: home.name, status: status, memory: memory, cores: 1 + mix % 2, size: 8 + mix % 3 * 8,
                     tags: tags, stats: usage)
            if mix % 10 != 9 { guest.pool = teams[(index / 7) % teams.count] }
            if mix % 200 == 17 && running { guest.lock = "backup" }
            guests.append(guest)
        }
        var cluster = builtIn
        cluster.name = "scale-\(scale.nodes)x\(scale.guests)"
        cluster.nodes = nodes
        cluster.guests = guests
        // Storage stays that of the built-in cluster, now on every generated node.
        cluster.storages = cluster.storages.map { storage in
            var copy = storage
            if copy.nodes != nil { copy.nodes = nodes.map(\.name) }
            copy.volumes = copy.volumes.filter { $0.node == nil || $0.node == "pve1" }.map { volume in
                var moved = volume
                if moved.node != nil { moved.node = nodes[0].name }
                return moved
            }
            return copy
        }
        cluster.haResources = nil
        cluster.aptUpdates = nil
        return cluster
    }
}
