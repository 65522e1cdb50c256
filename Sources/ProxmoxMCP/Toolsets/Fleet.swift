import Foundation
import MCP
import ProxmoxCore

/// Every configured cluster at once: one read per cluster, all at the same time.
enum FleetTools {
    static let toolset = Toolset(
        id: "fleet", summary: "Every configured cluster at a glance (on by default with a clusters map)", isDefault: false,
        spansClusters: true, tools: [overview])

    static let entry = ResultSchema.object([
        .string("cluster", "Its name in the clusters map (\"default\" with one cluster)", required: true),
        .boolean("readOnly", "The server may only read this cluster", required: true),
        .boolean("simulated", "Answered by the simulator"),
        Field("overview", ClusterOverview.schema),
        .string("error", "Why this cluster did not answer (the others still did)"),
        .string("reason", "Typed reason of the error: unreachable, refused, ..."),
        .strings("answeredBy", "SSH hosts (host:port) that answered"),
        .strings("commands", "Command lines run for this cluster", required: true),
        .integer("milliseconds", "Time this cluster took to answer", required: true),
    ])

    static let overview = ToolDefinition(
        name: "proxmox_fleet_overview", title: "Fleet overview",
        description: "Every configured cluster at once, read concurrently: quorum, nodes up/down, guests running, CPU and memory in use, failed tasks of the last 24 h. A cluster that cannot be reached gets its own error; the others still answer. Read-only.",
        arguments: [], annotations: Shared.readOnly,
        output: [.choice("transport", ["api"], "Always api (pvesh)", required: true),
                 .strings("commands", "Command lines run, cluster after cluster", required: true),
                 .list("clusters", "One entry per cluster, in configuration order", entry, required: true),
                 .integer("answered", "Clusters that answered", required: true),
                 .integer("failed", "Clusters that did not", required: true)]
    ) { call in
        let members = Fleet.current?.members ?? [call.environment]
        let now = Int64(Date().timeIntervalSince1970)
        let entries = await withTaskGroup(of: (Int, [String: Value]).self) { group in
            for (index, member) in members.enumerated() {
                group.addTask { (index, await read(member, now: now)) }
            }
            return await group.reduce(into: [Int: [String: Value]]()) { $0[$1.0] = $1.1 }
        }
        let ordered = members.indices.map { entries[$0]! }
        let failed = ordered.filter { $0["error"] != nil }.count
        let lines = ordered.map { entry -> String in
            let name = entry["cluster"]?.stringValue ?? ""
            if let error = entry["error"]?.stringValue { return "\(name): ERROR \(error)" }
            let o = entry["overview"]?.objectValue ?? [:]
            let int = { (key: String) in o[key]?.intValue ?? 0 }
            let memory = Double(int("memoryUsed")) / Double(max(1, int("memoryTotal"))) * 100
            return "\(name): \(o["quorate"]?.boolValue == true ? "quorate" : "NO QUORUM"), nodes \(int("nodesOnline"))/\(int("nodesTotal")) up, "
                + "\(int("guestsRunning"))/\(int("guestsTotal")) guests running, CPU \(o["cpuUsedCores"]?.doubleValue ?? 0)/\(int("cpuCores")) cores, "
                + "RAM \(Int(memory.rounded()))%, \(int("failedTasks24h")) failed tasks in 24 h"
        }
        return ToolOutput(text: lines.joined(separator: "\n"),
                          structured: .object(["clusters": .array(ordered.map { .object($0) }), "answered": .int(ordered.count - failed),
                                               "failed": .int(failed), "transport": "api",
                                               "commands": .array(ordered.flatMap { $0["commands"]?.arrayValue ?? [] })]))
    }

    /// One cluster's entry: its three reads at once, or its error.
    static func read(_ environment: ToolEnvironment, now: Int64) async -> [String: Value] {
        let started = ContinuousClock.now
        let journal = CommandJournal()
        var entry: [String: Value] = ["cluster": .string(environment.cluster ?? "default"), "readOnly": .bool(environment.readOnly)]
        if environment.simulated { entry["simulated"] = true }
        let taskFilter = TaskFilter(status: "error", since: now - 86_400, limit: 1000)
        entry["commands"] = .array([ClusterStatus().apiCommand, ClusterResources().apiCommand, TaskList(node: nil, filter: taskFilter).apiCommand]
            .map { .string($0.description) })
        do {
            let engine = environment.engine
            let overview = try await CommandJournal.$current.withValue(journal) {
                async let status = engine.read(ClusterStatus(), transport: .api)
                async let resources = engine.read(ClusterResources(), transport: .api)
                async let tasks = engine.read(TaskList(node: nil, filter: taskFilter), transport: .api)
                return ClusterOverview(status: try await status.value, resources: try await resources.value, tasks: try await tasks.value,
                                       now: now)
            }
            entry["overview"] = try Structured.encode(overview)
        } catch {
            let proxmoxError = error as? ProxmoxError
            entry["error"] = .string(proxmoxError?.description ?? "\(error)")
            entry["reason"] = .string(proxmoxError?.reason.rawValue ?? "other")
        }
        if !journal.answeredBy.isEmpty { entry["answeredBy"] = .array(journal.answeredBy.map { .string($0) }) }
        let elapsed = ContinuousClock.now - started
        entry["milliseconds"] = .int(Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000))
        return entry
    }
}
