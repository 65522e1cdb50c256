import Foundation
import ProxmoxCore

/// The long tail reached through `proxmox_api_get`: HA resources and status, RRD graphs of a guest,
/// pending package updates. Formats follow the endpoints' schemas and PVE's own handlers
/// (PVE::API2::HA::Status for the status entries and their `status` texts).
enum API: SimulatedFeature {
    static let routes: [ApiRoute] = [
        ApiRoute("GET", "cluster/ha/resources", ["type"]) { call in
            let type = call.options.value("type")
            if let type, !["vm", "ct"].contains(type) {
                throw ConfigSchema.fieldError("type", "value '\(type)' does not have a value in the enumeration 'ct, vm'")
            }
            return .data(try call.store.read { cluster in
                .array((cluster.haResources ?? []).filter { type == nil || $0.sid.hasPrefix(type! + ":") }.map(resource))
            })
        },
        ApiRoute("GET", "cluster/ha/status/current", []) { call in
            .data(try call.store.read { cluster in .array(status(cluster, now: call.context.now, localNode: call.context.localNode(cluster))) })
        },
        ApiRoute("GET", "nodes/{node}/qemu/{vmid}/rrddata", ["timeframe", "cf"]) { call in try rrd(call, .qemu) },
        ApiRoute("GET", "nodes/{node}/lxc/{vmid}/rrddata", ["timeframe", "cf"]) { call in try rrd(call, .lxc) },
        ApiRoute("GET", "nodes/{node}/apt/update", []) { call in
            .data(try call.store.read { cluster in
                .array((cluster.aptUpdates?[call.node] ?? []).map { update in
                    .object(["Package": .string(update.package), "Title": .string(update.title), "Description": .string(update.title),
                             "OldVersion": .string(update.oldVersion), "Version": .string(update.version), "Origin": .string(update.origin),
                             "Priority": .string(update.priority), "Section": .string(update.section), "Arch": "amd64"])
                })
            })
        },
    ]

    static func verbs(_ kind: GuestKind) -> [String: GuestCLI.Verb] { [:] }

    static func resource(_ resource: SimulatedHAResource) -> JSONValue {
        var fields: [String: JSONValue] = [
            "sid": .string(resource.sid), "type": .string(String(resource.sid.prefix { $0 != ":" })), "state": .string(resource.state),
            "max_restart": .int(Int64(resource.maxRestart)), "max_relocate": .int(Int64(resource.maxRelocate)),
            "digest": .string(SHA1.hex("\(resource.sid)\(resource.state)")),
        ]
        if let comment = resource.comment { fields["comment"] = .string(comment) }
        return .object(fields)
    }

    /// The entries PVE's HA status lists: quorum, the manager, one LRM per online node, one per service.
    static func status(_ cluster: SimulatedCluster, now: Int64, localNode: String) -> [JSONValue] {
        let online = cluster.nodes.filter(\.online)
        let stamp = now - 5
        let time = Self.localtime(stamp)
        var entries: [JSONValue] = [
            ["id": "quorum", "type": "quorum", "node": .string(localNode), "status": "OK", "quorate": 1],
            ["id": "master", "type": "master", "node": .string(online.first?.name ?? localNode),
             "status": .string("\(online.first?.name ?? localNode) (active, \(time))"), "timestamp": .int(stamp)],
        ]
        for node in online {
            entries.append(["id": .string("lrm:\(node.name)"), "type": "lrm", "node": .string(node.name),
                            "status": .string("\(node.name) (active, \(time))"), "timestamp": .int(stamp)])
        }
        for resource in (cluster.haResources ?? []).sorted(by: { $0.sid < $1.sid }) {
            let vmid = Int(resource.sid.split(separator: ":").last ?? "") ?? 0
            let guest = cluster.guests.first { $0.vmid == vmid }
            let crm = resource.crmState ?? (resource.state == "started" ? (guest?.status == "running" ? "started" : "starting") : resource.state)
            let node = guest?.node ?? "---"
            var entry: [String: JSONValue] = [
                "id": .string("service:\(resource.sid)"), "type": "service", "sid": .string(resource.sid), "node": .string(node),
                "crm_state": .string(crm), "state": .string(crm), "status": .string("\(resource.sid) (\(node), \(crm))"),
                "request_state": .string(resource.state), "max_restart": .int(Int64(resource.maxRestart)),
                "max_relocate": .int(Int64(resource.maxRelocate)),
            ]
            if let comment = resource.comment { entry["comment"] = .string(comment) }
            entries.append(.object(entry))
        }
        return entries
    }

    /// Perl's `localtime` in a scalar context: `Thu Dec  3 09:41:07 2026` (UTC here).
    static func localtime(_ time: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE MMM d HH:mm:ss yyyy"
        let text = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(time)))
        // Perl pads the day of the month to two places with a space.
        let parts = text.split(separator: " ")
        return parts.count == 5 && parts[2].count == 1 ? "\(parts[0]) \(parts[1])  \(parts[2]) \(parts[3]) \(parts[4])" : text
    }

    /// RRD points of a guest: 70 per timeframe, at the step rrdcached keeps for it, shaped by the
    /// guest's current figures (a stopped guest reports only its maxima).
    static func rrd(_ call: ApiCall, _ kind: GuestKind) throws -> ApiResult {
        let steps = ["hour": 60, "day": 1800, "week": 10_800, "month": 43_200, "year": 604_800]
        guard let timeframe = call.options.value("timeframe") else {
            throw CLIFailure.http(400, "Parameter verification failed.", fields: [("timeframe", "property is missing and it is not optional")])
        }
        guard let step = steps[timeframe] else {
            throw ConfigSchema.fieldError("timeframe", "value '\(timeframe)' does not have a value in the enumeration 'hour, day, week, month, year'")
        }
        if let cf = call.options.value("cf"), !["AVERAGE", "MAX"].contains(cf) {
            throw ConfigSchema.fieldError("cf", "value '\(cf)' does not have a value in the enumeration 'AVERAGE, MAX'")
        }
        let vmid = try call.vmid()
        let now = call.context.now
        return .data(try call.store.read { cluster -> JSONValue in
            guard let guest = cluster.guests.first(where: { $0.vmid == vmid && $0.kind == kind && $0.node == call.node }) else {
                throw CLIFailure.die("Configuration file 'nodes/\(call.node)/\(kind == .qemu ? "qemu-server" : "lxc")/\(vmid).conf' does not exist")
            }
            let last = now / Int64(step) * Int64(step)
            return .array((0..<70).map { index -> JSONValue in
                let time = last - Int64(69 - index) * Int64(step)
                var point: [String: JSONValue] = ["time": .int(time), "maxcpu": .int(Int64(guest.maxcpu)), "maxmem": .int(guest.maxmem),
                                                  "maxdisk": .int(guest.maxdisk)]
                guard guest.status == "running" else { return .object(point) }
                // A gentle, repeatable wave around the current figures.
                let wave = 1 + 0.2 * sin(Double(time / Int64(step)) / 5)
                point["cpu"] = .double((guest.stats.cpu * wave * 1e6).rounded() / 1e6)
                point["mem"] = .double(Double(guest.stats.mem) * wave)
                point["disk"] = .int(0)
                point["netin"] = .double(Double(guest.stats.netin % 100_000) * wave)
                point["netout"] = .double(Double(guest.stats.netout % 100_000) * wave)
                point["diskread"] = .double(4096 * wave)
                point["diskwrite"] = .double(16_384 * wave)
                return .object(point)
            })
        })
    }
}
