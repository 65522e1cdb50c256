/// Plans the emptying of a node before it goes down: every guest on it, where it would go, and
/// what holds it. Reads only; each move is then one migrate call.
public enum EvacuationPlanner {
    /// One guest's place in the plan.
    public struct Entry: Codable, Hashable, Sendable {
        public enum Action: String, Codable, Sendable { case migrate, ha, blocked }
        public var vmid: Int
        public var type: GuestKind
        public var name: String?
        public var status: String
        public var action: Action
        public var target: String?
        public var online: Bool
        public var withLocalDisks: Bool
        public var memory: Int64
        public var reason: String?

        /// `migrate VM 100 web01 (running, 4.0 GiB) to pve2 online with local disks`.
        public var line: String {
            let what = "\(type.noun) \(vmid)\(name.map { " \($0)" } ?? "") (\(status), \(memory / 1_048_576) MiB)"
            switch action {
            case .migrate:
                return "migrate \(what) to \(target ?? "?")\(online ? (type == .qemu ? " online" : " with restart") : "")\(withLocalDisks ? " with local disks" : "")"
            case .ha: return "HA moves \(what): \(reason ?? "")"
            case .blocked: return "cannot move \(what): \(reason ?? "")"
            }
        }
    }

    /// A node that takes guests, and its free memory before and after.
    public struct Target: Codable, Hashable, Sendable {
        public var node: String
        public var freeBefore: Int64
        public var freeAfter: Int64
    }

    public struct Plan: Sendable {
        public var entries: [Entry]
        public var targets: [Target]
        public var notes: [String]
        public var commands: [Command]
    }

    public static func plan(_ node: NodeName, engine: ProxmoxEngine) async throws -> Plan {
        let nodes = try await engine.listNodes(transport: .api)
        let guests = try await engine.listGuests(transport: .api)
        var commands = [nodes.command, guests.command]
        var notes: [String] = []
        var haStates: [Int: String] = [:]
        do {
            let ha = try await engine.read(HAResourceList(), transport: .api)
            haStates = ha.value
            commands.append(ha.command)
        } catch {
            notes.append("HA resources could not be read (\(error)); HA-managed guests are planned as plain migrations")
        }
        // A paused VM holds its memory and moves online, like a running one.
        func active(_ guest: GuestSummary) -> Bool { guest.status == "running" || guest.status == "paused" }
        let here = guests.value.filter { $0.node == node.value }
            .sorted { (active($0) ? 0 : 1, -($0.maxmem ?? 0), $0.vmid) < (active($1) ? 0 : 1, -($1.maxmem ?? 0), $1.vmid) }
        var free: [String: Int64] = [:]
        for candidate in nodes.value where candidate.node != node.value && candidate.status == "online" {
            free[candidate.node] = (candidate.maxmem ?? 0) - (candidate.mem ?? 0)
        }
        let before = free
        // What Proxmox says about each guest, read concurrently.
        let checks = try await withThrowingTaskGroup(of: (Int, MigrationCheck?, Command?, String?).self) { group in
            for guest in here {
                group.addTask {
                    let ref = GuestRef(kind: guest.type, vmid: try VMID(guest.vmid), node: node)
                    let operation = MigrationPreconditions(ref, to: nil)
                    do {
                        let outcome = try await engine.read(operation, transport: .api)
                        return (guest.vmid, outcome.value, outcome.command, nil)
                    } catch {
                        return (guest.vmid, nil, operation.apiCommand, "\(error)")
                    }
                }
            }
            var found: [Int: (MigrationCheck?, Command?, String?)] = [:]
            for try await (vmid, check, command, problem) in group { found[vmid] = (check, command, problem) }
            return found
        }
        var entries: [Entry] = []
        for guest in here {
            let (check, command, problem) = checks[guest.vmid] ?? (nil, nil, nil)
            if let command { commands.append(command) }
            if let problem, guest.type == .qemu || !problem.contains("No 'get' handler") {
                notes.append("\(guest.type.noun) \(guest.vmid): preconditions not read (\(problem))")
            }
            let running = active(guest)
            let memory = guest.maxmem ?? 0
            var entry = Entry(vmid: guest.vmid, type: guest.type, name: guest.name, status: guest.status, action: .blocked, target: nil,
                              online: running, withLocalDisks: check?.localDisks.contains { !$0.cdrom } ?? false, memory: memory, reason: nil)
            if let state = haStates[guest.vmid], !["ignored", "disabled"].contains(state) {
                entry.action = .ha
                entry.reason = "HA resource (state \(state)): node maintenance (ha-manager crm-command node-maintenance enable \(node)) lets the HA manager move it"
                entries.append(entry)
                continue
            }
            if let reason = check?.tiedToNode {
                entry.reason = reason
                entries.append(entry)
                continue
            }
            let blocked = Set(check?.blockedNodes.map(\.node) ?? [])
            // A running VM's allowed_nodes is absent or partial (PVE lists it for offline moves); blocked nodes still count.
            let allowed = free.keys.filter { name in !blocked.contains(name) && (running || check?.allowedNodes?.contains(name) ?? true) }
            let fitting = allowed.filter { !running || free[$0]! >= memory }
            guard let best = fitting.max(by: { (free[$0]!, $1) < (free[$1]!, $0) }) else {
                entry.reason = allowed.isEmpty
                    ? (free.isEmpty ? "no other node is online" : "Proxmox allows none of the online nodes (\(check?.blockedNodes.map { "\($0.node): \($0.reason)" }.joined(separator: "; ") ?? ""))")
                    : "no allowed node has \(memory / 1_048_576) MiB free"
                entries.append(entry)
                continue
            }
            entry.action = .migrate
            entry.target = best
            if running { free[best]! -= memory }
            entries.append(entry)
        }
        let targets = before.keys.sorted().map { Target(node: $0, freeBefore: before[$0]!, freeAfter: free[$0]!) }
        if nodes.value.contains(where: { $0.status != "online" && $0.node != node.value }) {
            notes.append("offline nodes take no guests: \(nodes.value.filter { $0.status != "online" && $0.node != node.value }.map(\.node).joined(separator: ", "))")
        }
        return Plan(entries: entries, targets: targets, notes: notes, commands: commands)
    }
}
