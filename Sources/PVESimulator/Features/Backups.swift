import ProxmoxCore

/// Simulated backups: vzdump jobs, restore (qmrestore, `pct restore`, the create endpoints with
/// an archive) and deleting archives. The listing is the storage feature's content endpoint.
enum Backups: SimulatedFeature {
    static let routes: [ApiRoute] = [
        ApiRoute("POST", "nodes/{node}/vzdump", BackupOperations.options) { call in
            let job = try BackupOperations.job(vmids: call.options.value("vmid").map { [$0] } ?? [], call.options)
            return .task(try call.context.runWorker(BackupOperations.backup(job, node: call.node, context: call.context)))
        },
        // The volume id holds '/' (`local:backup/vzdump-...`): the last path parameter takes the rest.
        ApiRoute("DELETE", "nodes/{node}/storage/{storage}/content/{volume...}", ["delay"]) { call in
            .task(try call.context.runWorker(BackupOperations.delete(call.path["volume"] ?? "", storage: call.path["storage"] ?? "", node: call.node)))
        },
    ]

    static func verbs(_ kind: GuestKind) -> [String: GuestCLI.Verb] {
        guard kind == .lxc else { return [:] }
        return [
            // `pct restore <vmid> <ostemplate> [OPTIONS]`
            "restore": GuestCLI.Verb(positional: ["vmid", "ostemplate"], options: nil) { call in
                try restore(call.positional["ostemplate"] ?? "", vmid: try call.vmid(), .lxc, node: call.node, call.options, context: call.context)
            },
        ]
    }

    static func restore(_ archive: String, vmid: Int, _ kind: GuestKind, node: String, _ options: OptionList,
                        context: SimulationContext) throws -> GuestCLI.Result {
        .task(try context.runWorker(try restoreWorker(archive, vmid: vmid, kind, node: node, options)))
    }

    /// The restore a command line or create call asks for, its options checked.
    static func restoreWorker(_ archive: String, vmid: Int, _ kind: GuestKind, node: String,
                              _ options: OptionList) throws(CLIFailure) -> (inout SimulatedCluster) throws(CLIFailure) -> Worker {
        BackupOperations.restore(archive, as: vmid, kind, node: node, storage: options.value("storage"), force: try options.flag("force") ?? false,
                                 unique: try options.flag("unique") ?? false, start: try options.flag("start") ?? false)
    }

    /// `vzdump ID... [OPTIONS]` and `qmrestore ARCHIVE VMID [OPTIONS]`: the host's own programs,
    /// outside qm and pct; like them they run the worker in the foreground.
    static func program(_ name: String, _ arguments: [String], context: SimulationContext) throws -> CommandOutput {
        let positional = Array(arguments.prefix { !$0.hasPrefix("-") })
        let options: OptionList
        switch OptionList.parse(Array(arguments.dropFirst(positional.count))) {
        case let .success(list): options = list
        case let .failure(failure): return CLIFailure(stderr: failure.stderr, exitStatus: 255).output
        }
        do {
            let node = try context.store.read { context.localNode($0) }
            let outcome: WorkerOutcome
            switch name {
            case "vzdump":
                let unknown = options.unknown(allowed: BackupOperations.options)
                if !unknown.isEmpty { throw CLIFailure.http(400, "Parameter verification failed.", fields: unknown) }
                let job = try BackupOperations.job(vmids: positional, options)
                outcome = try context.runWorker(BackupOperations.backup(job, node: node, context: context))
            default:
                guard positional.count == 2 else {
                    throw CLIFailure(stderr: "400 not enough arguments\nqmrestore <archive> <vmid> [OPTIONS]\n", exitStatus: 255)
                }
                let unknown = options.unknown(allowed: ["bwlimit", "force", "live-restore", "pool", "storage", "unique"])
                if !unknown.isEmpty { throw CLIFailure.http(400, "Parameter verification failed.", fields: unknown) }
                outcome = try context.runWorker(try restoreWorker(positional[0], vmid: try Values.vmid(positional[1]), .qemu, node: node, options))
            }
            return outcome.foregroundOutput
        } catch let failure as CLIFailure {
            return failure.output
        }
    }
}
