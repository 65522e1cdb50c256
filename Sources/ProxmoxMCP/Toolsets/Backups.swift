import MCP
import ProxmoxCore

/// Backups: vzdump archives of guests on directory, NFS, CIFS or Proxmox Backup Server storage;
/// list, restore, delete.
enum Backups {
    static let toolset = Toolset(
        id: "backup", summary: "Back up guests (vzdump), list, restore and delete backup archives (dir, NFS, CIFS, Proxmox Backup Server)",
        isDefault: false, tools: [backupCreate, backupList, backupRestore, backupDelete])

    static let archive = Argument<VolumeID>.volume("volume", "Backup archive volume id, as proxmox_backup_list shows it, e.g. local:backup/vzdump-qemu-100-2025_11_20-01_00_03.vma.zst or pbs:backup/vm/100/2025-11-23T02:00:05Z")
    static let archiveNode = Argument<String?>.node("node", "Node that sees the archive (any node for shared storage); default: defaultNode setting, else the one logged in to")
    static let archiveField = Field.string("volume", "Archive volume id", required: true)

    // MARK: Create

    static let vmids = Argument<[VMID]>.vmids("vmids", "Guests to back up; guests on several nodes run as one job per node", limit: 50)
    static let storage = Argument<StorageID>.storage("storage", "Backup storage (content type backup), e.g. local, an NFS share or a PBS storage; proxmox_storage_list shows them")
    static let mode = Argument<String>.choice("mode", "snapshot: no downtime; suspend: short pause; stop: the guest is shut down for the backup and started again",
                                              ["snapshot", "suspend", "stop"], default: "snapshot")
    static let compress = Argument<String>.choice("compress", "Compression of file archives (0: none); Proxmox Backup Server ignores it", ["zstd", "lzo", "gzip", "0"],
                                                  default: "zstd")
    static let notes = Argument<FreeText?>.text("notes_template", "Notes of each archive; {{guestname}}, {{vmid}}, {{node}}, {{cluster}} are filled in; one line; default none",
                                                maxLength: 1024, oneLine: true)
    static let protectedFlag = Argument<Bool>.flag("protected", "Mark the archives protected: never pruned, not deletable until unprotected", default: false)

    static let backupCreate = {
        var definition = ToolDefinition(
            name: "proxmox_backup_create", title: "Back up guests",
            description: "Back up VMs and containers with vzdump to a backup storage, waiting with progress (percent); answers each archive's volume id, size and duration. A safety net before risky changes, also where snapshots are impossible.",
            arguments: [vmids.erased, storage.erased, mode.erased, compress.erased, notes.erased, protectedFlag.erased] + Shared.taskOptions,
            annotations: Shared.changing(destructive: false),
            output: Shared.provenance + [
                .string("storage", "Backup storage", required: true),
                .choice("mode", ["snapshot", "suspend", "stop"], "Backup mode", required: true),
                .boolean("dryRun", "Nothing ran", required: true),
                .list("backups", "Each guest's backup, in the order done (empty when not waited for)", GuestBackup.schema, required: true),
                .list("jobs", "One vzdump job per node", ResultSchema.object([
                    .string("node", "Node the job ran on", required: true),
                    .integers("vmids", "Its guests", required: true),
                    Field("task", TaskReport.schema),
                ]), required: true),
            ]
        ) { call in try await create(call) }
        definition.protection = .never
        return definition
    }()

    static func create(_ call: ToolCall) async throws -> ToolOutput {
        let ids = try call[vmids]
        let spec = BackupSpec(storage: try call[storage], mode: try call[mode], compress: try call[compress], notesTemplate: try call[notes],
                              protected: try call[protectedFlag])
        if spec.mode != "snapshot", let id = ids.first(where: { call.environment.protectedVMIDs.contains($0.value) }) {
            throw ProxmoxError.refused("mode \(spec.mode) pauses or stops guest \(id), which is protected (protectedVmids): use mode snapshot; nothing ran")
        }
        var guests: [GuestRef] = []
        for id in ids { guests.append(try await call.engine.locate(vmid: id)) }
        var nodes: [NodeName] = []
        for guest in guests where !nodes.contains(guest.node) { nodes.append(guest.node) }
        let options = try call.options()
        var executions: [Execution] = []
        var backups: [GuestBackup] = []
        var jobs: [Value] = []
        for (index, node) in nodes.enumerated() {
            let job = BackupCreate(node: node, guests: guests.filter { $0.node == node }, spec: spec)
            var jobOptions = options
            jobOptions.progress = percentProgress(options.progress, share: index, of: nodes.count)
            let execution: Execution
            do {
                execution = try await call.engine.perform(job, options: jobOptions)
            } catch let error as ProxmoxError {
                throw await jobFailure(error, job, call)
            }
            executions.append(execution)
            var entry: [String: Value] = ["node": .string(node.value), "vmids": .array(job.guests.map { .int($0.vmid.value) })]
            if let task = execution.task { entry["task"] = try Structured.encode(task) }
            jobs.append(.object(entry))
            guard !execution.dryRun, execution.task?.status == "stopped" else { continue }
            backups += try await outcome(of: execution, job, call)
        }
        var fields: [String: Value] = ["storage": .string(spec.storage.value), "mode": .string(spec.mode), "backups": try Structured.encode(backups),
                                       "jobs": .array(jobs)]
        var combined = executions[0]
        combined.commands = executions.flatMap(\.commands)
        combined.notes = executions.flatMap(\.notes)
        combined.task = nil
        fields["dryRun"] = .bool(options.dryRun)
        let structured = try Structured.execution(combined, fields: fields, secrets: [], environment: call.environment)
        let text: String
        if options.dryRun {
            text = Structured.summary(combined, subject: "guests \(ids.map(\.description).joined(separator: ", "))", action: "back up", secrets: [])
        } else if backups.isEmpty {
            let tasks = executions.compactMap { $0.task?.upid }
            text = "backup started: task\(tasks.count == 1 ? "" : "s") \(tasks.joined(separator: ", ")); follow with proxmox_task_wait"
        } else {
            text = "backed up to \(spec.storage):\n" + backups.map(\.line).joined(separator: "\n")
        }
        return ToolOutput(text: text, structured: structured)
    }

    /// Progress in percent of the whole call (0 until the log shows one), the `share`-th of
    /// `count` equal shares: a backup of guests on several nodes is one job per node.
    static func percentProgress(_ progress: ProgressHandler?, share: Int, of count: Int) -> ProgressHandler? {
        guard let progress else { return nil }
        return { (report: TaskProgress) async in
            var overall = report
            overall.percent = (Double(share) * 100 + (report.percent ?? 0)) / Double(count)
            await progress(overall)
        }
    }

    /// What a finished job made: its log's account of each guest, with each archive's exact size
    /// from the storage's listing.
    static func outcome(of execution: Execution, _ job: BackupCreate, _ call: ToolCall) async throws -> [GuestBackup] {
        var backups = GuestBackup.parseLog(try await jobLog(execution, call), storage: job.spec.storage.value)
        let listing = try? await call.engine.read(BackupList(node: job.node, storage: job.spec.storage, vmid: job.guests.count == 1 ? job.guests[0].vmid : nil),
                                                  transport: .api).value
        for index in backups.indices {
            if let archive = listing?.first(where: { $0.volid == backups[index].volid }), let size = archive.size { backups[index].size = size }
        }
        return backups
    }

    /// The whole log of a job: printed by vzdump (in the foreground), or as the wait read it, or
    /// read from its task.
    static func jobLog(_ execution: Execution, _ call: ToolCall) async throws -> [String] {
        if execution.family == .cli { return (execution.output?.stdoutText ?? "").split(separator: "\n").map(String.init) }
        if let whole = execution.task?.wholeLog { return whole }
        guard let text = execution.task?.upid, let upid = try? UPID(parsing: text) else { return [] }
        return try await call.engine.taskLog(upid).value
    }

    /// A job that ended with errors, told as one line: which guests failed and why, and which
    /// archives were made anyway. Errors before the job started (no such storage) stay as they are.
    static func jobFailure(_ error: ProxmoxError, _ job: BackupCreate, _ call: ToolCall) async -> ProxmoxError {
        var upid: UPID?
        switch error {
        case let .taskFailed(text, _, _):
            upid = try? UPID(parsing: text)
        case let .commandFailed(_, _, message) where message.contains("job errors"):
            // vzdump ran the job in the foreground: its task is the node's newest vzdump.
            let newest = try? await call.engine.read(TaskList(node: job.node, filter: TaskFilter(type: "vzdump", limit: 1)), transport: .api).value.first
            upid = newest.flatMap { try? UPID(parsing: $0.upid) }
        default:
            return error
        }
        guard let upid, let log = try? await call.engine.taskLog(upid).value else { return error }
        let backups = GuestBackup.parseLog(log, storage: job.spec.storage.value)
        let failed = backups.filter { !$0.succeeded }
        guard !failed.isEmpty else { return error }
        var summary = "job errors: " + failed.map { "backup of \($0.type?.noun ?? "guest") \($0.vmid) failed - \($0.error ?? "see the task log")" }.joined(separator: "; ")
        let made = backups.filter(\.succeeded)
        if !made.isEmpty { summary += "; made anyway: " + made.map { "\($0.vmid) as \($0.volid ?? "?")" }.joined(separator: ", ") }
        return .taskFailed(upid: upid.description, exitstatus: summary, log: Array(log.filter { !$0.isEmpty }.suffix(10)))
    }

    // MARK: List

    static let listVMID = Argument<VMID?>.vmid("vmid", "Only backups of this guest (searched on its node's backup storages)")
    static let listStorage = Argument<StorageID?>.storage("storage", "Only this storage; default every backup storage of the node")
    static let listNode = Argument<String?>.node("node", "Node whose storages are searched; default: the guest's node, else defaultNode, else the one logged in to")

    static let backupList = ToolDefinition(
        name: "proxmox_backup_list", title: "List backups",
        description: "Backup archives of a guest or a storage, newest first: volume id, time, size, format, notes, protected, and PBS verification state. Read-only.",
        arguments: [listVMID.erased, listStorage.erased, listNode.erased], annotations: Shared.readOnly,
        output: Shared.provenance + [
            .string("node", "Node searched", required: true),
            .strings("storages", "Storages searched", required: true),
            .list("backups", "Newest first", BackupArchive.schema, required: true),
        ]
    ) { call in
        let vmid = try call[listVMID]
        let node: NodeName
        if call.has("node") {
            node = try await call.scopeNode(listNode)
        } else if let vmid, let guest = try await call.engine.placements()[vmid.value] {
            node = guest.node
        } else {
            node = try await call.scopeNode(listNode)
        }
        var commands: [Command] = []
        let storages: [StorageID]
        if let storage = try call[listStorage] {
            storages = [storage]
        } else {
            let found = try await call.engine.read(BackupStorages(node: node), transport: .api)
            commands.append(found.command)
            storages = found.value.filter(\.active).compactMap { try? StorageID($0.storage) }
        }
        // Every storage's content at once: each read is a Perl start on the host, so one wait instead of one per storage.
        let engine = call.engine
        let listings = try await withThrowingTaskGroup(of: (Int, Outcome<[BackupArchive]>).self) { group in
            for (index, storage) in storages.enumerated() {
                group.addTask { (index, try await engine.read(BackupList(node: node, storage: storage, vmid: vmid), transport: .api)) }
            }
            return try await group.reduce(into: [Int: Outcome<[BackupArchive]>]()) { $0[$1.0] = $1.1 }
        }
        let ordered = storages.indices.compactMap { listings[$0] }
        commands += ordered.map(\.command)
        var archives = ordered.flatMap(\.value)
        archives.sort { ($0.ctime ?? 0, $0.volid) > ($1.ctime ?? 0, $1.volid) }
        let text = archives.isEmpty ? "No backups\(vmid.map { " of \($0)" } ?? "") on \(storages.map(\.value).joined(separator: ", ")) (node \(node))."
            : archives.map(\.line).joined(separator: "\n")
        return call.answer(["node": .string(node.value), "storages": .array(storages.map { .string($0.value) }),
                            "backups": try Structured.encode(archives)], commands: commands, text: text)
    }

    /// The archive named, as `node` lists it; not found and protected are told plainly.
    static func find(_ volid: VolumeID, on node: NodeName, _ call: ToolCall) async throws -> BackupArchive {
        let storage = try StorageID(volid.storage, field: "volume")
        let listed = try await call.engine.read(BackupList(node: node, storage: storage, vmid: nil), transport: .api)
        guard let archive = listed.value.first(where: { $0.volid == volid.value }) else {
            throw ProxmoxError.notFound("no backup '\(volid.value.prefix(160))' on storage \(storage) of node \(node); proxmox_backup_list shows them")
        }
        return archive
    }

    // MARK: Delete

    static let backupDelete = {
        var definition = ToolDefinition(
            name: "proxmox_backup_delete", title: "Delete backup",
            description: "Delete one backup archive. IRREVERSIBLE: needs confirm: true, else the user is asked (when the client can ask). A protected backup is refused.",
            arguments: [archive.erased, archiveNode.erased, Shared.confirm.erased, Shared.dryRun.erased, Shared.wait.erased, Shared.timeout.erased],
            annotations: Shared.changing(destructive: true),
            output: Shared.provenance + [
                archiveField, .string("node", "Node it was deleted through", required: true), .integer("vmid", "Guest it was a backup of"),
                .boolean("dryRun", "Nothing ran", required: true), Field("task", TaskReport.schema),
            ]
        ) { call in try await delete(call) }
        definition.createsOrDeletes = true
        definition.confirmationText = { call in
            let volid = try call[archive]
            let found = try await find(volid, on: try await call.scopeNode(archiveNode), call)
            return ConfirmationText(
                what: "deleting backup \(volid)",
                question: "Delete backup \(volid)\(found.vmid.map { " of guest \($0)" } ?? "")\(found.ctime.map { " from \(Render.utc($0)) UTC" } ?? "")\(found.size.map { ", \(Render.gib($0)) GiB" } ?? "")?\(found.protected ? " It is protected and will be refused." : " It cannot be undone.")")
        }
        return definition
    }()

    static func delete(_ call: ToolCall) async throws -> ToolOutput {
        let volid = try call[archive]
        let node = try await call.scopeNode(archiveNode)
        let found = try await find(volid, on: node, call)
        if found.protected {
            throw ProxmoxError.refused("backup \(volid) is protected; unprotect it first (pvesh set /nodes/\(node)/storage/\(found.storage)/content/\(volid) --protected 0, or in the web UI); nothing ran")
        }
        let execution = try await call.engine.perform(BackupDelete(node: node, archive: volid), options: try call.options())
        var fields: [String: Value] = ["volume": .string(volid.value), "node": .string(node.value)]
        if let vmid = found.vmid { fields["vmid"] = .int(vmid) }
        return ToolOutput(text: Structured.summary(execution, subject: "backup \(volid)", action: "delete", secrets: []),
                          structured: try Structured.execution(execution, fields: fields, secrets: [], environment: call.environment))
    }

    // MARK: Restore

    static let restoreVMID = Argument<VMID?>.vmid("vmid", "Id of the restored guest; default: the next free id. An existing guest's id needs force: true and confirm: true")
    static let restoreNode = Argument<String?>.node("node", "Node to restore on (it must see the archive); default: the existing guest's node when overwriting, else defaultNode, else the one logged in to")
    static let restoreStorage = Argument<StorageID?>.storage("storage", "Storage for the restored disks; default: the storages the backed-up config names")
    static let force = Argument<Bool>.flag("force", "Overwrite the existing guest of that id (destroys its disks and config)", default: false)
    static let unique = Argument<Bool?>.flag("unique", "New MAC addresses, for a copy that runs beside the original; default: true for a new id, false when overwriting")
    static let startAfter = Argument<Bool>.flag("start", "Start the guest once restored", default: false)

    static let backupRestore = {
        var definition = ToolDefinition(
            name: "proxmox_backup_restore", title: "Restore backup",
            description: "Restore a backup archive as a new guest (next free id by default), or over an existing one (force and confirm: true, destructive); optionally start it.",
            arguments: [archive.erased, restoreVMID.erased, restoreNode.erased, restoreStorage.erased, force.erased, unique.erased, startAfter.erased,
                        Shared.confirm.erased] + Shared.taskOptions,
            annotations: Shared.changing(destructive: true),
            output: Shared.change([archiveField, .boolean("overwrote", "An existing guest was replaced", required: true),
                                   .boolean("started", "The guest was started after the restore", required: true)])
        ) { call in try await restore(call) }
        definition.createsOrDeletes = true
        definition.protection = .whenTrue("force")
        // Destructive only when it overwrites a guest.
        definition.confirmation = .whenTrue("force")
        definition.confirmationText = { call in
            let volid = try call[archive]
            guard let vmid = try call[restoreVMID], let existing = try await call.engine.guest(vmid) else {
                return ConfirmationText(what: "restoring \(volid)", question: "Restore backup \(volid) over an existing guest?")
            }
            return ConfirmationText(
                what: "overwriting \(existing.type.noun) \(vmid) on \(existing.node) with backup \(volid)",
                question: "Overwrite \(existing.type.noun) \(vmid)\(existing.name.map { " (\($0))" } ?? "") on node \(existing.node), now \(existing.status), with backup \(volid)? Its current disks and config are destroyed; this cannot be undone.")
        }
        return definition
    }()

    static func restore(_ call: ToolCall) async throws -> ToolOutput {
        let volid = try call[archive]
        guard let kind = BackupArchive.kind(ofVolume: volid.value) else {
            throw ProxmoxError.invalidArgument(field: "volume", reason: "'\(volid.value.prefix(120))' is not a VM or container backup (vzdump-qemu-, vzdump-lxc-, backup/vm/, backup/ct/)")
        }
        var existing: GuestSummary?
        let vmid: VMID
        if let given = try call[restoreVMID] {
            existing = try await call.engine.guest(given)
            vmid = given
        } else {
            vmid = try await call.engine.nextID()
        }
        let overwrite = try call[force]
        if let existing {
            guard overwrite else {
                throw ProxmoxError.invalidArgument(field: "vmid", reason: "\(vmid) is \(existing.type.noun) \(existing.name ?? "") on \(existing.node): give force: true and confirm: true to overwrite it, or leave vmid out for a new id")
            }
            guard existing.type == kind else {
                throw ProxmoxError.invalidArgument(field: "vmid", reason: "\(vmid) is a \(existing.type.noun), the archive holds a \(kind.noun)")
            }
        }
        let node: NodeName
        if let existing {
            node = try NodeName(existing.node)
            if let asked = try call[restoreNode], try await call.engine.node(named: asked) != node {
                throw ProxmoxError.invalidArgument(field: "node", reason: "\(existing.type.noun) \(vmid) is on \(existing.node); it is restored there")
            }
        } else {
            node = try await call.scopeNode(restoreNode)
        }
        _ = try await find(volid, on: node, call)
        let target = GuestRef(kind: kind, vmid: vmid, node: node)
        let spec = RestoreSpec(archive: volid, storage: try call[restoreStorage], force: existing != nil, unique: try call[unique] ?? (existing == nil))
        let options = try call.options()
        var restoreOptions = options
        restoreOptions.progress = percentProgress(options.progress, share: 0, of: 1)
        var execution = try await call.engine.perform(RestoreBackup(target, spec), options: restoreOptions)
        let start = try call[startAfter]
        var started = false
        if start && !options.dryRun && execution.task?.status == "stopped" || start && options.dryRun {
            let power = try await call.engine.perform(GuestPower(target, .start), options: options)
            execution.commands += power.commands
            execution.notes += power.notes
            started = !options.dryRun
        }
        var fields = Structured.guestFields(target)
        fields["action"] = "restore"
        fields["volume"] = .string(volid.value)
        fields["overwrote"] = .bool(existing != nil && !options.dryRun)
        fields["started"] = .bool(started)
        let text = Structured.summary(execution, subject: "\(kind.noun) \(vmid) from \(volid)", action: "restore", secrets: [])
            + (started ? "; started" : "")
        return ToolOutput(text: text, structured: try Structured.execution(execution, fields: fields, secrets: [], environment: call.environment))
    }
}
