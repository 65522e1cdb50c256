import MCP
import ProxmoxCore

/// Routines an administrator runs often, as MCP prompts: each one a message that tells the
/// assistant which tools to use in which order, and where to stop and ask.
enum PromptCatalog {
    struct Entry {
        let prompt: Prompt
        /// The tools its text names: the prompt is offered only while all of them are listed.
        let tools: [String]
        let text: @Sendable ([String: String]) -> String
    }

    /// The prompts whose tools are all listed now.
    static func offered(_ environment: ToolEnvironment) -> [Entry] {
        let listed = Set(environment.tools.map(\.name))
        return entries.filter { $0.tools.allSatisfy(listed.contains) }
    }

    static let entries: [Entry] = [
        Entry(prompt: Prompt(name: "cluster_health_check", title: "Cluster health check",
                             description: "Quorum, nodes, storage and guests: what needs attention. Changes nothing.",
                             arguments: [.init(name: "node", title: "Node", description: "Only this node (default: all)", required: false)]),
              tools: ["proxmox_cluster_status", "proxmox_node_status", "proxmox_storage_list", "proxmox_vm_list", "proxmox_ct_list"]) { arguments in
            let scope = arguments["node"].map { "node \($0)" } ?? "every online node"
            return """
                Check the health of the Proxmox VE cluster and change nothing.
                1. proxmox_cluster_status: is the cluster quorate, which nodes are offline?
                2. proxmox_node_status for \(scope): CPU, memory, swap, root disk, load average against CPU count, uptime, PVE version (mixed versions?).
                3. proxmox_storage_list: storages above 80 % used, inactive storages.
                4. proxmox_vm_list and proxmox_ct_list: locked guests (the lock name says which task holds them), guests on offline nodes, paused VMs.
                Report what needs attention first, most urgent on top, each with the figure and the tool result it comes from; then one line that all else is fine. Do not start, stop or change anything.
                """
        },
        Entry(prompt: Prompt(name: "safe_change", title: "Safe change",
                             description: "Snapshot, change, verify, then keep or roll back a guest's change.",
                             arguments: [.init(name: "vmid", title: "Guest id", description: "The VM or container to change", required: true),
                                         .init(name: "change", title: "Change", description: "What to change, in words", required: true)]),
              tools: ["proxmox_vm_list", "proxmox_ct_list", "proxmox_vm_config_get", "proxmox_ct_config_get", "proxmox_vm_snapshot_create",
                      "proxmox_ct_snapshot_create", "proxmox_vm_config", "proxmox_ct_config", "proxmox_vm_snapshot_restore",
                      "proxmox_ct_snapshot_restore"]) { arguments in
            let vmid = arguments["vmid"] ?? "?"
            let change = arguments["change"] ?? "(no change given)"
            return """
                Make this change to guest \(vmid) safely: \(change)
                1. Read its state: proxmox_vm_list or proxmox_ct_list (status, node, lock) and proxmox_vm_config_get or proxmox_ct_config_get (keep the digest).
                2. Take a snapshot named pre-change-<yyyymmdd-hhmm> with proxmox_vm_snapshot_create or proxmox_ct_snapshot_create, with a description of the change. If the guest's storage cannot take snapshots (raw disks on a directory, plain LVM: "snapshot feature is not available"), take a backup instead with proxmox_backup_create (mode snapshot, notes_template "before: <the change>") to a backup storage from proxmox_storage_list, and note its volume id; if that tool is not offered, tell me the backup toolset is needed (proxmox_toolset_enable backup, or the toolsets setting). Stop if neither works.
                3. Show me the exact change as a dryRun (for config: the set/delete map and the digest from step 1) and wait for my go.
                4. Make the change (proxmox_vm_config or proxmox_ct_config with the digest, so someone else's edit in between is refused).
                5. Verify: read the config back, check the guest's status, and ask me to check the service.
                6. If I say it is fine, offer to delete the snapshot (or the backup, proxmox_backup_delete); if not, restore the snapshot with the snapshot_restore tool, or the backup with proxmox_backup_restore over the same vmid (force and confirm: true, the guest stopped first); either discards everything since. Confirm the guest is back.
                """
        },
        Entry(prompt: Prompt(name: "failed_tasks_review", title: "Failed tasks review",
                             description: "What failed (backups, migrations, starts), why, and what to do about it. Changes nothing.",
                             arguments: [.init(name: "hours", title: "Hours", description: "How far back to look, hours (default 24)", required: false),
                                         .init(name: "node", title: "Node", description: "Only this node (default: the whole cluster)", required: false)]),
              tools: ["proxmox_task_list", "proxmox_task_status", "proxmox_task_log", "proxmox_vm_list", "proxmox_ct_list"]) { arguments in
            let hours = arguments["hours"].flatMap { Int($0) }.map { max(1, min($0, 24 * 365)) } ?? 24
            let scope = arguments["node"].map { "node: \"\($0)\"" } ?? "no node (the whole cluster)"
            return """
                Review the Proxmox tasks that failed in the last \(hours) hours and change nothing.
                1. proxmox_task_list with errors: true and \(scope), since = now minus \(hours * 3600) seconds (seconds since the epoch); also status: running, to spot tasks stuck for hours.
                2. For each failed task: proxmox_task_status (its exit status and last lines); for a backup job (type vzdump), proxmox_task_log to find each "ERROR: Backup of VM N failed - ..." line, as a job can fail for one guest and succeed for the others.
                3. proxmox_vm_list and proxmox_ct_list: guests still locked by a task that ended (lock backup, migrate, snapshot), which block later jobs.
                Report one line per failure, newest first: when, node, task type, guest, the error in Proxmox's words, the likely cause (storage full, lock held, timeout talking to the guest, node unreachable) and the next step (which tool, which arguments). Then tasks still running for suspiciously long. Do not retry, stop or unlock anything without asking me.
                """
        },
        Entry(prompt: Prompt(name: "capacity_review", title: "Capacity review",
                             description: "Memory, CPU and storage use and allocation per node, with where to make room. Changes nothing.",
                             arguments: [.init(name: "node", title: "Node", description: "Only this node (default: all)", required: false)]),
              tools: ["proxmox_node_list", "proxmox_node_status", "proxmox_vm_list", "proxmox_ct_list", "proxmox_storage_list",
                      "proxmox_storage_content"]) { arguments in
            let scope = arguments["node"].map { "node \($0)" } ?? "each node"
            return """
                Review capacity for \(scope) and change nothing.
                1. proxmox_node_list and proxmox_node_status: used and total memory, CPU count and load, root disk.
                2. proxmox_vm_list and proxmox_ct_list: per node, the sum of guests' maximum memory and cores against the node's (overcommit ratio), running versus stopped.
                3. proxmox_storage_list: used, available and total per storage; proxmox_storage_content for the fullest ones (old backups, unused ISOs, disks of guests that no longer exist).
                Present a table per node (memory used/allocated/total, cores allocated/total, storage used/total) and at most five concrete suggestions, each naming the guests or volumes concerned.
                """
        },
        Entry(prompt: Prompt(name: "snapshot_restore_review", title: "Snapshot restore review",
                             description: "Before rolling a guest back: what the snapshot holds and what would be lost.",
                             arguments: [.init(name: "vmid", title: "Guest id", description: "The VM or container", required: true),
                                         .init(name: "snapshot", title: "Snapshot", description: "The snapshot to restore", required: true)]),
              tools: ["proxmox_vm_snapshot_list", "proxmox_ct_snapshot_list", "proxmox_vm_config_get", "proxmox_ct_config_get",
                      "proxmox_vm_snapshot_restore", "proxmox_ct_snapshot_restore"]) { arguments in
            let vmid = arguments["vmid"] ?? "?"
            let snapshot = arguments["snapshot"] ?? "?"
            return """
                I am considering restoring guest \(vmid) to snapshot \(snapshot). Change nothing yet.
                1. proxmox_vm_snapshot_list or proxmox_ct_snapshot_list: when \(snapshot) was taken, its description, whether it holds RAM state, and the snapshots after it.
                2. The guest's current status and config (proxmox_vm_config_get or proxmox_ct_config_get).
                Tell me what a restore discards (everything since the snapshot's time, and that the guest is stopped for it), then ask before calling proxmox_vm_snapshot_restore or proxmox_ct_snapshot_restore.
                """
        },
    ]

    static func register(on server: Server, environment: ToolEnvironment) async {
        await server.withMethodHandler(ListPrompts.self) { _ in
            ListPrompts.Result(prompts: offered(environment).map(\.prompt))
        }
        await server.withMethodHandler(GetPrompt.self) { parameters in
            guard let entry = offered(environment).first(where: { $0.prompt.name == parameters.name }) else {
                throw MCPError.invalidParams("unknown prompt '\(parameters.name.prefix(64))'; see prompts/list")
            }
            let arguments = parameters.arguments ?? [:]
            for argument in entry.prompt.arguments ?? [] where argument.required == true && (arguments[argument.name] ?? "").isEmpty {
                throw MCPError.invalidParams("prompt \(entry.prompt.name) needs '\(argument.name)'")
            }
            if let vmid = arguments["vmid"], (try? VMID(parsing: vmid)) == nil {
                throw MCPError.invalidParams("prompt \(entry.prompt.name): vmid '\(vmid.prefix(20))' is not a guest id (100-999999999)")
            }
            return GetPrompt.Result(description: entry.prompt.description, messages: [.user(.text(text: entry.text(arguments)))])
        }
    }
}

extension ProxmoxMCPServer {
    /// The prompts `prompts/list` offers under this environment: those whose tools are all listed.
    public static func promptNames(_ environment: ToolEnvironment) -> [String] {
        PromptCatalog.offered(environment).map(\.prompt.name)
    }
}
